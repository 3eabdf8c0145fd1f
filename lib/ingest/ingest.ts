/**
 * `ingest`: a publisher outside the process (a Raspberry Pi camera, ffmpeg,
 * a browser tab) uploads frames, and each one is published as it arrives.
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";
import { withHuffmanTablesPart } from "../mjpeg/huffman.ts";
import { containHeaders } from "../shared/contained_content.ts";
import type { HeadersInit } from "../shared/web_types.ts";
import type { IngestFrame } from "./frame_readers.ts";
import { answer, IngestError, messageOf } from "./ingest_error.ts";
import {
  type IngestOptions,
  type ResolvedIngestOptions,
  resolveIngestOptions,
} from "./ingest_options.ts";
import { type AcceptedUpload, checkUpload } from "./ingest_request.ts";
import { claimSlot, slotOf } from "./ingest_slot.ts";
import type { IngestTarget } from "./ingest_target.ts";

/**
 * Reads a publisher's upload and publishes every frame of it to `target`,
 * then answers the publisher. The upload may be:
 *
 * - `multipart/x-mixed-replace` or `multipart/mixed` (boundary required): each
 *   part, with its `Content-Type` (a raster image type unless `allowTypes`
 *   adds more) and `X-Timestamp`/`X-Frame`, as soon as it has arrived. This is what
 *   `ffmpeg -f mpjpeg` sends (a chunked POST that ends without the close
 *   delimiter, which counts as a normal end).
 * - `image/jpeg`, `video/x-motion-jpeg`, `application/octet-stream`: one or
 *   more JPEG pictures back to back (raw MJPEG), split with `jpegFrames`.
 * - `image/png`, `image/webp`: one picture per request.
 *
 * `options.authorize` is required: a check such as `bearerToken(token)`, or
 * `"anyone"` for open publishing on purpose.
 *
 * One publisher at a time per target: a second upload gets `409` (with
 * `allowTakeover`, it cuts the live one, answered `409`). With a `PushHub` as
 * target, a stream upload's end takes the hub offline (`hub.goOffline()`: its
 * `offline` picture), `hub.close()` cuts the live upload (`503`), and a frame
 * the hub refuses is told to the hub's `onError` unless `options.onError` is
 * given.
 *
 * Answers: `204` when the upload ended (headers `X-Ingest-Frames`: frames
 * published, `X-Ingest-Skipped`: frames `publish` refused, each told to
 * `onError`), `405` for a method other than POST/PUT, `401`/`403` from
 * `authorize`, `415` for another type (of the upload or of a part), `413` for
 * a frame over `maxFrameSize`, `400` for a malformed upload (the reason in the
 * body), `408` when no complete frame arrived for `idleTimeout`, `409` while
 * another publisher is live, `503` when the target closed or `options.signal`
 * aborted. A bad frame is never published; the frames before it were, so
 * viewers keep the last good one.
 *
 * @example A camera server on Deno: ffmpeg publishes, browsers watch
 * ```ts ignore
 * import { bearerToken, ingest, PushHub } from "multipart-push";
 *
 * const hub = new PushHub();
 * const authorize = bearerToken(Deno.env.get("PUBLISH_TOKEN")!);
 * Deno.serve((request) =>
 *   new URL(request.url).pathname === "/ingest"
 *     ? ingest(request, hub, { authorize })
 *     : hub.response(request)
 * );
 * ```
 * @param request The publisher's request.
 * @param target Receives the frames: a `PushHub`, or anything with `publish(part)`.
 * @param options See {@linkcode IngestOptions}.
 * @returns The answer to the publisher, once the upload has ended or was refused.
 * @throws {TypeError|RangeError} at once, on a bad request, target or option.
 */
export function ingest(
  request: Request,
  target: IngestTarget,
  options: IngestOptions,
): Promise<Response> {
  checkArguments(request, target);
  const report = typeof target.reportError === "function"
    ? (error: unknown): void => target.reportError!(error)
    : undefined;
  const config = resolveIngestOptions(options, report);
  slotOf(target); // before the checks, so a closed target is known to be closed after them
  const { cors } = config;
  const preflight = cors?.preflight(request);
  if (preflight) return Promise.resolve(preflight);
  const answered = checkUpload(request, config).then((upload) =>
    upload instanceof Response ? upload : publishUpload(request, upload, target, config)
  );
  return cors ? answered.then((response) => cors.apply(request, response)) : answered;
}

/** Publishes an accepted upload while it holds its target's slot. */
function publishUpload(
  request: Request,
  upload: AcceptedUpload,
  target: IngestTarget,
  config: ResolvedIngestOptions,
): Promise<Response> {
  const hold = claimSlot(target, config.allowTakeover);
  if (hold instanceof Response) {
    request.body?.cancel().catch(() => {});
    return Promise.resolve(hold);
  }
  const signal = config.signal === undefined
    ? hold.signal
    : AbortSignal.any([hold.signal, config.signal]);
  return publishAll(upload.open(signal), target, config.onError).finally(() =>
    hold.release(upload.stream)
  );
}

/** @throws {TypeError} unless `request` is a Request and `target` has `publish`. */
function checkArguments(request: unknown, target: unknown): void {
  if (!(request instanceof Request)) {
    throw new TypeError(`request must be a Request, got ${describe(request)}`);
  }
  if (typeof (target as Partial<IngestTarget> | null)?.publish !== "function") {
    throw new TypeError(
      `target must have a publish(part) method (a PushHub has one), got ${describe(target)}`,
    );
  }
}

/**
 * Publishes each frame in order; a frame `publish` refuses is told to
 * `onError` and skipped. The answer says how the upload ended.
 *
 * @example
 * ```ts ignore
 * const answer = await publishAll(upload.open(signal), hub, console.error); // 204, X-Ingest-Frames: 42
 * ```
 */
async function publishAll(
  frames: AsyncGenerator<IngestFrame>,
  target: IngestTarget,
  onError: (error: unknown) => void,
): Promise<Response> {
  let count = 0, skipped = 0;
  const counted = (): HeadersInit => ({
    "x-ingest-frames": String(count),
    "x-ingest-skipped": String(skipped),
  });
  try {
    for await (const frame of frames) {
      try {
        const result = target.publish(withHuffmanTablesPart(frame));
        if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") await result;
        count++;
      } catch (error) {
        // The publisher is outside the process: its bad frame must not end the hub's feed.
        skipped++;
        const n = count + skipped;
        onError(
          new Error(`ingest: publish() refused frame ${n}: ${messageOf(error)}`, { cause: error }),
        );
      }
    }
  } catch (error) {
    if (error instanceof IngestError) return answer(error.status, error.message, counted());
    // The body itself failed: the publisher went away or the connection broke.
    return answer(400, `the upload broke off: ${messageOf(error)}`, counted());
  }
  return new Response(null, { status: 204, headers: containHeaders(new Headers(counted())) });
}
