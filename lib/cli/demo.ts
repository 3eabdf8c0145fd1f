/**
 * `multipart-push demo`: a live camera with nothing to install. A `PushHub` publishes an SVG clock
 * face ten times a second (stamped with `X-Timestamp`, so the doctor can time it) to every viewer,
 * served by node:http: `/` is a page with the `<img>`, `/stream` the push, `/snapshot` one frame.
 *
 * @module
 */

import { PushHub } from "../hub/push_hub.ts";
import { sendResponse } from "../node/send_response.ts";
import type { NodeServerResponse } from "../node/send_response.ts";

/** The frames per second of the clock. */
const FPS = 10;

/** A running demo. */
export interface Demo {
  /** The page's URL, ending with "/". */
  url: string;
  /** Stops the clock, ends the viewers and closes the server. */
  close(): Promise<void>;
}

interface IncomingRequest {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}
interface HttpServer {
  listen(port: number, host: string, ready: () => void): unknown;
  address(): { port: number } | string | null;
  close(done: () => void): unknown;
  closeAllConnections?(): void;
  once(event: "error", listener: (error: Error) => void): unknown;
}
interface HttpModule {
  createServer(handler: (req: IncomingRequest, res: NodeServerResponse) => void): HttpServer;
}

/** The clock face for `now`: hands and the time, 320×320. */
function clockFace(now: Date, frame: number): string {
  const hand = (turns: number, length: number, width: number, color: string): string => {
    const angle = turns * 2 * Math.PI;
    const x = (160 + length * Math.sin(angle)).toFixed(1);
    const y = (160 - length * Math.cos(angle)).toFixed(1);
    return `<line x1="160" y1="160" x2="${x}" y2="${y}" stroke="${color}" stroke-width="${width}" stroke-linecap="round"/>`;
  };
  const seconds = now.getUTCSeconds() + now.getUTCMilliseconds() / 1000;
  const minutes = now.getUTCMinutes() + seconds / 60;
  const hours = (now.getUTCHours() % 12) + minutes / 60;
  const time = now.toISOString().slice(11, 21);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 320 320">` +
    `<rect width="320" height="320" fill="#12324a"/>` +
    `<circle cx="160" cy="160" r="140" fill="#fff"/>` +
    hand(hours / 12, 70, 8, "#12324a") + hand(minutes / 60, 105, 5, "#12324a") +
    hand(seconds / 60, 120, 2, "#d33") +
    `<text x="160" y="225" font-family="monospace" font-size="18" text-anchor="middle" ` +
    `fill="#12324a">${time} UTC</text>` +
    `<text x="160" y="248" font-family="monospace" font-size="12" text-anchor="middle" ` +
    `fill="#777">frame ${frame}</text></svg>`;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>multipart-push demo</title>
<h1>multipart-push demo: a live SVG clock camera</h1>
<p><img src="/stream" width="320" height="320" alt="live clock"></p>
<p>The picture is one never-ending HTTP response (<code>multipart/x-mixed-replace</code>).
One frame: <a href="/snapshot">/snapshot</a>.</p>`;

/**
 * Starts the demo on `host`:`port` (0 picks a free port).
 *
 * @example
 * ```ts ignore
 * const demo = await startDemo(8080, "127.0.0.1");
 * console.log(demo.url);
 * ```
 */
export async function startDemo(port: number, host: string): Promise<Demo> {
  const name = "node:http";
  const http = await import(name) as HttpModule;
  const hub = new PushHub({ timestamps: true });
  let frame = 0;
  const publish = (): void =>
    hub.publish({ contentType: "image/svg+xml", body: clockFace(new Date(), ++frame) });
  publish();
  const timer = setInterval(publish, 1000 / FPS);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      for (const one of [value ?? []].flat()) headers.append(key, one);
    }
    const request = new Request(`http://${host}${req.url ?? "/"}`, { method: req.method, headers });
    const response = path === "/stream"
      ? hub.response(request)
      : path === "/snapshot"
      ? hub.snapshot()
      : path === "/"
      ? new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } })
      : new Response("not found\n", { status: 404 });
    void Promise.resolve(response).then((answer) => sendResponse(answer, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}/`,
    close: async () => {
      clearInterval(timer);
      hub.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
