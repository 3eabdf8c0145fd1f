// What Chromium, Firefox ESR and WebKitGTK paint for an <img> push (issues 14, 19), one launch per
// engine:
// - with or without the request (pushResponse(iter), hub.response(), node:http's sendResponse with
//   and without toRequest), every frame is painted alone: the next is sent only once the page has
//   painted this one, so a framing that paints a part only when the next one comes never paints
//   (sampled by the page drawing the <img> on a canvas every 4 ms; Chromium and WebKit: Firefox
//   hands a canvas only the first frame of a multipart image). The paint latencies are printed,
//   not asserted: a loaded machine's timers decide them (the paint bench's figures are the bar).
// - WebKit shows a lone ~100-byte SVG while nothing follows it (it holds back a response's first
//   512 bytes).
// How each ending keeps the last frame is tests/browser/ending.test.ts.
// The engines are what is tested here, so the browsers run on Node only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/response.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import {
  type Engine,
  ENGINES,
  type EngineTab,
  engineTests,
  engineTestsUnless,
  launchEngine,
  pollFor,
} from "../_helpers/engines.ts";
import {
  type NodeIncomingMessage,
  type NodeServerResponse,
  sendResponse,
  toRequest,
} from "../../lib/node/send_response.ts";
import { type Rgb, solidJpeg } from "../_helpers/jpeg.ts";
import { type Served, servePages } from "../_helpers/serve.ts";
import { deferred, delay } from "../_helpers/streams.ts";

const { skip, why } = engineTests;
const opts = { skip, timeout: 30_000 };
const jpeg = (color: Rgb): Part => ({ contentType: "image/jpeg", body: solidJpeg(color) });

/** Frames for the paint test: distinct greys. */
const SHADES = [30, 90, 150, 210, 60, 120, 180, 240, 45, 105, 165, 225];
/** How long a frame may take to be painted before the test fails instead of hanging. */
const PAINT_HANG_MS = 15_000;

// The page samples the image's centre on a canvas every 4 ms and logs each change with its time.
const SAMPLE_PAGE = `<!doctype html><body style="margin:0"><img id="img" src="/stream">
<script>
window.seen = [];
const img = document.getElementById("img");
const ctx = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
setInterval(() => {
  if (!img.complete || img.naturalWidth === 0) return;
  try { ctx.drawImage(img, 0, 0, 1, 1); } catch { return; }
  const g = ctx.getImageData(0, 0, 1, 1).data[1];
  const last = seen.at(-1);
  if (!last || Math.abs(last[0] - g) > 12) seen.push([g, performance.timeOrigin + performance.now()]);
}, 4);
</script></body>`;

const IMG_PAGE = `<!doctype html><body style="margin:0"><img id="img" src="/stream"></body>`;

/**
 * The shades in order, noting when each is sent; the next is sent only once `painted(i)` says the
 * page has painted this one (or rejects: then the push ends).
 */
async function* shades(
  sent: number[],
  frame: (i: number) => Part,
  painted: Painted,
): AsyncGenerator<Part> {
  for (let i = 0; i < SHADES.length; i++) {
    sent.push(Date.now());
    yield frame(i);
    if (!(await painted(i).then(() => true, () => false))) return;
  }
}

/** A hub whose frames start with its first viewer. */
function shadesHub(sent: number[], frame: (i: number) => Part, painted: Painted): PushHub {
  const hub = new PushHub({ keepAlive: Infinity });
  (async () => {
    while (hub.subscribers === 0) await delay(2);
    for await (const part of shades(sent, frame, painted)) hub.publish(part);
    hub.close();
  })();
  return hub;
}

/** Resolves once the page has painted shade `i`; rejects if it has not in PAINT_HANG_MS. */
type Painted = (i: number) => Promise<void>;

type FrameServer = (
  pageUrl: string,
  sent: number[],
  frame: (i: number) => Part,
  painted: Painted,
) => Promise<{ url: string; close(): Promise<void> }>;

/** Routes the shared server's /stream to `respond` (the page is the shared server's). */
let route: (request: Request) => Response = () => new Response("", { status: 404 });
const shared = (respond: (request: Request) => Response): ReturnType<FrameServer> => {
  route = respond;
  return Promise.resolve({ url: "", close: () => Promise.resolve() });
};

/**
 * A node:http server answering /stream through sendResponse (Node's own server, no fetch bridge),
 * with or without toRequest, and / with the sampling page.
 */
async function nodeHttp(respond: (req: NodeIncomingMessage, res: NodeServerResponse) => Response) {
  const name = "node:http";
  const http = (await import(name)) as typeof import("node:http");
  const server = http.createServer((req, res) => {
    if (req.url === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(SAMPLE_PAGE);
    } else void sendResponse(respond(req, res as unknown as NodeServerResponse), res as never);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The ways a user serves frames, with and without passing the request (issue 19). */
const SOURCES: Record<string, FrameServer> = {
  "pushResponse(iter), no request": (_, sent, frame, painted) =>
    shared(() => pushResponse(shades(sent, frame, painted))),
  "pushResponse(iter, { request })": (_, sent, frame, painted) =>
    shared((request) => pushResponse(shades(sent, frame, painted), { request })),
  "hub.response(), no request": (_, sent, frame, painted) => {
    const hub = shadesHub(sent, frame, painted);
    return shared(() => hub.response());
  },
  "hub.response(request)": (_, sent, frame, painted) => {
    const hub = shadesHub(sent, frame, painted);
    return shared((request) => hub.response(request));
  },
  "node:http sendResponse(hub.response()), no request": (_, sent, frame, painted) => {
    const hub = shadesHub(sent, frame, painted);
    return nodeHttp(() => hub.response());
  },
  "node:http sendResponse(hub.response(toRequest(req, res)))": (_, sent, frame, painted) => {
    const hub = shadesHub(sent, frame, painted);
    return nodeHttp((req, res) => hub.response(toRequest(req, res)));
  },
};

/** The small part: a lone SVG of about 107 bytes. */
const TINY_SVG =
  `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32"/></svg>`;

/** A wait the test ends (the push holds its connection open after the lone part). */
function deferredStop(): { wait: Promise<void>; stop(): void } {
  let stop!: () => void;
  const wait = new Promise<void>((resolve) => (stop = resolve));
  return { wait, stop };
}

/** A lone small part, from each engine, with and without the request. */
const LONE: Record<
  string,
  (request: Request, sending: () => void, hold: Promise<void>) => Response
> = Object.fromEntries(
  (["pushResponse", "PushHub"] as const).flatMap((via) =>
    [true, false].map((withRequest) => [
      `${via}${withRequest ? "" : ", no request"}`,
      (request: Request, sending: () => void, hold: Promise<void>) => {
        const svg: Part = { contentType: "image/svg+xml", body: TINY_SVG };
        const req = withRequest ? request : undefined;
        if (via === "pushResponse") {
          return pushResponse(
            (async function* () {
              sending();
              yield svg;
              await hold;
            })(),
            { request: req },
          );
        }
        const hub = new PushHub({ keepAlive: Infinity });
        void hold.then(() => hub.close());
        const response = hub.response(req);
        sending();
        hub.publish(svg);
        return response;
      },
    ])
  ),
);

for (const name of ENGINES) {
  describe(`paint in ${name}${why}`, () => {
    let engine: Engine;
    let server: Served;
    let page = IMG_PAGE;
    let respond: (request: Request) => Response = () => new Response("", { status: 404 });

    before(async () => {
      if (skip) return;
      engine = await launchEngine(name);
      server = await servePages(
        { "/": () => page },
        (request) => page === SAMPLE_PAGE ? route(request) : respond(request),
      );
    });
    after(async () => {
      if (skip) return;
      await engine.close();
      await server.close();
    });

    const canvas = engineTestsUnless(
      name,
      "firefox",
      "a canvas gets only the first frame of a multipart image",
    );
    for (const [source, serveFrames] of Object.entries(SOURCES)) {
      it(
        `${source}: every frame is painted alone, before the next part is sent${canvas.why}`,
        { ...opts, skip: canvas.skip },
        async () => {
          page = SAMPLE_PAGE;
          const sent: number[] = [];
          const opened: { tab?: EngineTab } = {}; // painted() reads the page once it is open
          /** When the page first saw a frame's shade, by frame, from its samples. */
          const seenAt = (seen: [number, number][], i: number): number | undefined =>
            seen.find(([shade, at]) => Math.abs(shade - SHADES[i]) <= 12 && at >= sent[i] - 5)
              ?.[1];
          let samples: [number, number][] = [];
          // Settles once the last frame is painted (undefined) or one is not (why).
          const finished = deferred<string | undefined>();
          const painted: Painted = async (i) => {
            for (const end = Date.now() + PAINT_HANG_MS; Date.now() < end; await delay(10)) {
              samples = await opened.tab?.evaluate<[number, number][]>("window.seen").catch(() =>
                undefined
              ) ?? samples;
              if (seenAt(samples, i) === undefined) {
                continue;
              }
              if (i === SHADES.length - 1) {
                finished.resolve(undefined);
              }
              return;
            }
            const why = `frame ${i} was not painted while it was the last part sent`;
            finished.resolve(why);
            throw new Error(why);
          };
          const { url, close } = await serveFrames(server.url, sent, (i) => {
            const g = SHADES[i];
            return jpeg({ r: g, g, b: g });
          }, painted);
          const tab = opened.tab = await engine.open(url || server.url);
          try {
            // Each frame was sent only once the one before was painted: all were painted alone.
            assert.equal(await finished.promise, undefined);
            const late = SHADES.map((_, i) => Math.round(seenAt(samples, i)! - sent[i]));
            console.log(
              `# ${name}, ${source}: canvas paint latency per frame ${late.join(", ")} ms`,
            );
          } finally {
            await tab.close();
            await close();
          }
        },
      );
    }

    const svgSkip = skip || name !== "webkit";
    const svgWhy = why || (name !== "webkit" ? ` (skipped on ${name}: WebKit's 512 bytes)` : "");
    for (const [source, respondWith] of Object.entries(LONE)) {
      it(
        `${source}: a lone ${TINY_SVG.length}-byte SVG is shown while nothing follows it${svgWhy}`,
        { ...opts, skip: svgSkip },
        async () => {
          page = IMG_PAGE;
          let sentAt = 0;
          const hold = deferredStop();
          respond = (request) => respondWith(request, () => (sentAt = Date.now()), hold.wait);
          const tab = await engine.open(server.url);
          try {
            const shown = await pollFor<number>(
              tab,
              `document.getElementById("img") && document.getElementById("img").naturalWidth`,
              PAINT_HANG_MS,
            );
            // The push sends nothing more until the test ends: shown at all is shown alone.
            assert.ok(shown.value, "the lone SVG was never shown");
            const ms = Date.now() - sentAt;
            console.log(
              `# webkit, ${source}: lone ${TINY_SVG.length}-byte SVG shown within ${ms} ms`,
            );
          } finally {
            hold.stop();
            await tab.close();
          }
        },
      );
    }
  });
}
