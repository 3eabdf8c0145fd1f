/**
 * Ingest: frames from a publisher outside the process (ffmpeg's `-f mpjpeg`
 * upload, a camera's raw MJPEG, a browser posting one picture per request)
 * published into a `PushHub`, or anything with `publish(part)`.
 *
 * @example Take ffmpeg's upload into a hub
 * ```ts ignore
 * import { bearerToken } from "multipart-push/access";
 * import { PushHub } from "multipart-push/hub";
 * import { ingest } from "multipart-push/ingest";
 *
 * const hub = new PushHub();
 * const authorize = bearerToken(Deno.env.get("PUBLISH_TOKEN")!); // or "anyone", on purpose
 * Deno.serve((request) =>
 *   request.method === "POST" ? ingest(request, hub, { authorize }) : hub.response(request)
 * );
 * // ffmpeg -re -i in.mp4 -f mpjpeg -content_type "multipart/x-mixed-replace;boundary=ffmpeg" \
 * //   -headers $'Authorization: Bearer <token>\r\n' http://127.0.0.1:8000/ingest
 * ```
 *
 * @module
 */

export { ingest } from "./ingest.ts";
export type { IngestTarget } from "./ingest_target.ts";
export type { IngestOptions } from "./ingest_options.ts";
