// A consumer of every subpath of the packed package, type-checked by scripts/check-package.sh in
// three configs (DOM lib; DOM lib with exactOptionalPropertyTypes; Node only: no DOM lib,
// @types/node). Optional properties get `undefined` on purpose: that is what a value computed at
// run time often is, and what exactOptionalPropertyTypes refuses unless the type allows it.
import { parseParts, type Part, PushHub, pushResponse, pushStream } from "multipart-push";
import { isBrowserLoad } from "multipart-push/push";
import { PushHub as HubOnly } from "multipart-push/hub";
import { MultipartParseError, relay } from "multipart-push/parse";
import { refreshHeader, refreshMetaTag, refreshResponse } from "multipart-push/pull";
import { jpegFrames } from "multipart-push/mjpeg";
import { pushInto, watchImage } from "multipart-push/browser";
import { applyIncremental, graphqlPayloads, graphqlResponse } from "multipart-push/graphql";
import { bearerToken, corsPolicy, signUrl, verifySignedUrl } from "multipart-push/access";
import { ingest } from "multipart-push/ingest";
import { mjpgStreamerRoutes } from "multipart-push/compat";
import { busFrames, decodeFrame, encodeFrame, FrameError } from "multipart-push/bus";
import { natsFrames, natsPublisher } from "multipart-push/nats";
import { redisFrames, redisPublisher } from "multipart-push/redis";
import { durableHub, pushHubObject } from "multipart-push/durable-object";
import { sendResponse } from "multipart-push/node";

declare const request: Request;
declare const maybe: Request | undefined;
declare const signal: AbortSignal | undefined;
declare function grabJpeg(): Promise<Uint8Array>;

// The README's hub example, with a handler in place of Deno.serve.
async function* camera(): AsyncGenerator<Part> {
  for (;;) yield { contentType: "image/jpeg", body: await grabJpeg() };
}
const hub = PushHub.from(camera, { dropSame: true });
export function handler(request: Request): Response {
  const url = new URL(request.url);
  if (url.pathname === "/snapshot") return hub.snapshot();
  const fps = Number(url.searchParams.get("fps")) || undefined; // below 0.001: a RangeError
  return hub.response(request, { fps: fps && Math.max(fps, 0.001) });
}

// The README's camera server example.
const published = new HubOnly({ offline: undefined, timestamps: true });
const publisher = bearerToken("a token of 16 chars or more");
export async function cameraServer(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === "/ingest") return ingest(request, published, { authorize: publisher });
  if (pathname === "/") {
    const src = await signUrl("/stream", "a secret of 16 bytes", { expiresIn: 600 });
    return new Response(`<img src="${src}">`, { headers: { "content-type": "text/html" } });
  }
  const verdict = await verifySignedUrl(request, "a secret of 16 bytes");
  if (verdict !== true) return verdict;
  return pathname === "/still.jpg" ? published.snapshot() : published.response(request);
}

const part: Part = { contentType: "text/plain", body: "x", headers: undefined };
const stream: ReadableStream<Uint8Array> = pushStream([part], { signal, mode: undefined });
const pushed: Response = pushResponse([part], { request: maybe, headers: { "x-a": "1" } });
export async function decode(): Promise<string[]> {
  const texts: string[] = [];
  for await (const received of parseParts(pushed, { maxParts: undefined })) {
    texts.push(received.text());
  }
  return texts;
}
export const checks: unknown[] = [
  stream,
  isBrowserLoad(request),
  relay("http://camera.local/video.mjpg", (p) => hub.publish(p), { signal }),
  new MultipartParseError("truncated", "cut"),
  refreshHeader(1, "/next"),
  refreshMetaTag(1, "/next"),
  refreshResponse("<p>wait</p>", { seconds: 2 }, { headers: { "content-type": "text/html" } }),
  new ReadableStream<Uint8Array>().pipeThrough(jpegFrames()),
  pushInto({ innerHTML: "" }, "/processes", { signal }),
  graphqlResponse(request, { data: { a: 1 } }, { headers: undefined }),
  graphqlPayloads(pushed),
  applyIncremental({ data: {} }, { data: {} }),
  corsPolicy({ allowOrigin: "*" }).preflight(request),
  ingest(request, { publish: (p: Part) => hub.publish(p) }, {
    authorize: "anyone",
    maxFrameSize: undefined,
  }),
  mjpgStreamerRoutes(hub)(request),
  decodeFrame(encodeFrame(part)),
  new FrameError("bad"),
  pushHubObject({}),
];
declare const nc: Parameters<typeof natsPublisher>[0];
declare const redis: Parameters<typeof redisPublisher>[0];
declare const subscribe: Parameters<typeof busFrames>[0];
declare const namespace: Parameters<typeof durableHub>[0];
declare const res: Parameters<typeof sendResponse>[1];
natsPublisher(nc, "camera.1")(part);
PushHub.from(natsFrames(nc, "camera.1", { onError: undefined }), { linger: 2000 });
redisPublisher(redis, "camera.1")(part);
PushHub.from(redisFrames(redis, "camera.1"));
PushHub.from(busFrames(subscribe));
durableHub(namespace, { shards: 2 }).view("camera", request);
watchImage({} as Parameters<typeof watchImage>[0]);
await sendResponse(hub.response(request), res);

// @ts-expect-error: the types are real, not `any`
const wrong: number = pushResponse([part]);
console.log(wrong);
