/**
 * Ingest: frames from a publisher outside the process (ffmpeg's `-f mpjpeg`
 * upload, a camera's raw MJPEG, a browser posting one picture per request)
 * published into a `PushHub`, or anything with `publish(part)`.
 *
 * @example Take ffmpeg's upload into a hub
 * ```ts ignore
 * import { bearerToken, PushHub } from "multipart-push";
 *
 * const hub = new PushHub();
 * const authorize = bearerToken(Deno.env.get("PUBLISH_TOKEN")!); // or "anyone", on purpose
 * Deno.serve((request) =>
 *   request.method === "POST" ? hub.ingest(request, { authorize }) : hub.response(request)
 * );
 * // ffmpeg -re -i in.mp4 -f mpjpeg -content_type "multipart/x-mixed-replace;boundary=ffmpeg" \
 * //   -headers $'Authorization: Bearer <token>\r\n' http://127.0.0.1:8000/ingest
 * ```
 *
 * @module
 */

export { ingest, type IngestTarget } from "./ingest.ts";
export type { HubIngestOptions, IngestOptions } from "./ingest_options.ts";
