/**
 * The checks an upload passes before its body is read: method, `authorize`,
 * `Content-Type` (which reader), size announced. What fails gets its answer
 * here, and the body is cancelled unread.
 *
 * @module
 */

import { boundaryFromContentType } from "../parse/content_type_boundary.ts";
import { type IngestFrame, mjpegFrames, multipartFrames, singleFrame } from "./frame_readers.ts";
import { answer, messageOf } from "./ingest_error.ts";
import { describeValue } from "../shared/describe.ts";
import type { ResolvedIngestOptions } from "./ingest_options.ts";
import { UploadBody } from "./upload_body.ts";
import { mediaTypeOf } from "../shared/media_type.ts";

/** An upload that passed the checks: `open` starts reading its frames. */
export interface AcceptedUpload {
  open(signal: AbortSignal | undefined): AsyncGenerator<IngestFrame>;
  /**
   * A stream of frames (multipart, `video/x-motion-jpeg`, octet-stream), whose
   * end means the publisher left; not `image/*`: one picture per request.
   */
  stream: boolean;
}

const MJPEG = new Set(["image/jpeg", "video/x-motion-jpeg", "application/octet-stream"]);
const MULTIPART = new Set(["multipart/x-mixed-replace", "multipart/mixed"]);
const SINGLE = new Set(["image/png", "image/webp"]);
const ACCEPTED = "multipart/x-mixed-replace, multipart/mixed, image/jpeg, video/x-motion-jpeg, " +
  "application/octet-stream (MJPEG), image/png, image/webp";

/**
 * The upload's reader, or the answer that refuses it.
 *
 * @example
 * ```ts
 * import { checkUpload } from "./ingest_request.ts";
 * import { resolveIngestOptions } from "./ingest_options.ts";
 *
 * const request = new Request("http://cam/ingest", { method: "POST", body: "x" });
 * const refused = await checkUpload(request, resolveIngestOptions({ authorize: "anyone" }));
 * (refused as Response).status; // 415: no Content-Type
 * ```
 */
export async function checkUpload(
  request: Request,
  config: ResolvedIngestOptions,
): Promise<AcceptedUpload | Response> {
  const refusal = await refuse(request, config);
  if (refusal !== undefined) {
    request.body?.cancel().catch(() => {});
    return refusal;
  }
  return reader(request, config);
}

async function refuse(
  request: Request,
  config: ResolvedIngestOptions,
): Promise<Response | undefined> {
  if (request.method !== "POST" && request.method !== "PUT") {
    return answer(405, `an upload is a POST or PUT, got ${request.method}`, { allow: "POST, PUT" });
  }
  if (config.authorize !== undefined) {
    let verdict: unknown;
    try {
      verdict = await config.authorize(request);
    } catch (error) {
      return answer(500, `authorize failed: ${messageOf(error)}`);
    }
    if (verdict instanceof Response) return verdict;
    if (verdict === false) return answer(403, "this request may not publish");
    if (verdict !== true) {
      const got = describeValue(verdict);
      return answer(500, `authorize must return true, false or a Response, got ${got}`);
    }
  }
  const type = mediaType(request);
  if (!MJPEG.has(type) && !MULTIPART.has(type) && !SINGLE.has(type)) {
    const what = type === "" ? "an upload without a Content-Type" : `an upload of type "${type}"`;
    return answer(415, `cannot read ${what}; accepted: ${ACCEPTED}`, {
      accept: ACCEPTED,
    });
  }
  if (
    MULTIPART.has(type) && boundaryFromContentType(request.headers.get("content-type")) === null
  ) {
    return answer(400, `a ${type} upload needs a boundary parameter in its Content-Type`);
  }
  const length = Number(request.headers.get("content-length") ?? NaN);
  // Servers hand an empty POST over as an empty stream, not as a null body.
  if (request.body === null || length === 0) return answer(400, "the upload has no body");
  if (SINGLE.has(type) && length > config.maxFrameSize) {
    return answer(413, `the frame is larger than maxFrameSize (${config.maxFrameSize} bytes)`);
  }
  return undefined;
}

function mediaType(request: Request): string {
  return mediaTypeOf(request.headers.get("content-type") ?? "");
}

function reader(request: Request, config: ResolvedIngestOptions): AcceptedUpload {
  const type = mediaType(request);
  const body = request.body!;
  const { maxFrameSize, idleTimeout, allowTypes } = config;
  return {
    stream: MULTIPART.has(type) || (MJPEG.has(type) && type !== "image/jpeg"),
    open(signal) {
      const upload = new UploadBody(body, idleTimeout, signal);
      if (MULTIPART.has(type)) {
        const boundary = boundaryFromContentType(request.headers.get("content-type"))!;
        return multipartFrames(upload, boundary, maxFrameSize, allowTypes);
      }
      if (MJPEG.has(type)) return mjpegFrames(upload, maxFrameSize);
      return singleFrame(upload, type as "image/png" | "image/webp", maxFrameSize);
    },
  };
}
