/**
 * The demo's webcam broadcast: `/broadcast` takes the visitor's webcam (`getUserMedia`), draws
 * each frame on a canvas, encodes it as JPEG and POSTs it to `/ingest` at the chosen fps with the
 * publisher token (one picture per request: a browser cannot stream a request body over
 * HTTP/1.1). Anyone with the signed link (`/?exp=…&sig=…`, from `signUrl`) watches it as a plain
 * `<img>`; while nobody broadcasts, viewers see an OFFLINE picture and the picture comes back by
 * itself when a broadcaster starts again.
 *
 * With a `bus` (the demo's `NATS_URL`), `/ingest` publishes each frame on the bus and the viewers'
 * hub is fed from it, so a broadcast posted to one process (a Deno Deploy isolate) is watched
 * through any other: the hub slot of one process cannot see the others, so there is no
 * one-publisher rule then, and every process must share the token and the secret.
 *
 * @module
 */
import { bearerToken, ingest, PushHub, signUrl, verifySignedUrl } from "../../mod.ts";
import type { Bus } from "../cluster/bus.ts";
import { broadcastPage, watchPage } from "./broadcast_pages.ts";

/** The bus subject the broadcast's frames travel on. */
export const BROADCAST_SUBJECT = "multipart-push.demo.webcam";

/** Options of {@linkcode createBroadcast}. */
export interface BroadcastOptions {
  /** The publisher's token (`Authorization: Bearer …` on `/ingest`), at least 16 characters. */
  token: string;
  /** The secret that signs viewer links, at least 16 bytes. */
  secret: string;
  /** The JPEG viewers get while nobody broadcasts. */
  offline: Uint8Array;
  /**
   * Milliseconds without a frame after which viewers get the offline picture.
   * @default {2000}
   */
  offlineAfter?: number;
  /** Where frames travel between processes; without it, the broadcast stays in this one. */
  bus?: Bus | undefined;
}

/** The broadcast routes: `handle` answers `/broadcast`, `/ingest`, `/watch-link`, `/webcam` and a signed `/`. */
export interface Broadcast {
  hub: PushHub;
  /** The answer for `request`, or `null` when the route is not a broadcast route. */
  handle(request: Request): Promise<Response> | null;
  /** A signed link to the watch page, valid for `expiresIn` seconds. */
  watchLink(expiresIn?: number): Promise<string>;
}

const HTML = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" };

/**
 * The webcam broadcast of the demo.
 *
 * @example
 * ```ts ignore
 * const broadcast = createBroadcast({ token, secret, offline: camera.offline() });
 * Deno.serve((request) => broadcast.handle(request) ?? new Response("not found", { status: 404 }));
 * ```
 */
export function createBroadcast(options: BroadcastOptions): Broadcast {
  const { token, secret, offline, offlineAfter = 2000, bus } = options;
  // One picture per POST: the publisher has left once offlineAfter passes without one.
  const camera = {
    offline: { contentType: "image/jpeg", body: offline },
    idleTimeout: offlineAfter,
    keepAlive: 1000,
  };
  const onError = (error: unknown): void => console.error("broadcast bus:", error);
  const hub = bus
    ? PushHub.from(bus.frames(BROADCAST_SUBJECT, { onError }), { ...camera, linger: 2000 })
    : new PushHub(camera);
  const toBus = bus && { publish: bus.publisher(BROADCAST_SUBJECT) };
  const publisher = bearerToken(token);
  const watchLink = (expiresIn = 3600): Promise<string> => signUrl("/", secret, { expiresIn });

  async function signed(
    request: Request,
    answer: () => Promise<Response> | Response,
  ): Promise<Response> {
    const verdict = await verifySignedUrl(request, secret);
    return verdict === true ? answer() : verdict;
  }

  function handle(request: Request): Promise<Response> | null {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/broadcast":
        return Promise.resolve(new Response(broadcastPage(), { headers: HTML }));
      case "/ingest": {
        const rules = { authorize: publisher, idleTimeout: 10_000 };
        return ingest(request, toBus || hub, rules);
      }
      case "/watch-link":
        // The broadcaster's page asks with its token for a link to hand out.
        return (async () => {
          const verdict = await publisher(request);
          if (verdict !== true) return verdict; // bearerToken's 401
          return Response.json({ url: await watchLink() });
        })();
      case "/webcam":
        return signed(request, () => hub.response(request));
      case "/":
        if (!url.searchParams.has("sig")) return null; // the synthetic camera's page
        return signed(request, async () => {
          const src = await signUrl("/webcam", secret, { expiresIn: 3600 });
          return new Response(watchPage(src), { headers: HTML });
        });
      default:
        return null;
    }
  }

  return { hub, handle, watchLink };
}
