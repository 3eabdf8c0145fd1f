/**
 * The encoder: a source of parts in, a pull-based byte stream out.
 *
 * @module
 */

import { encodeParts } from "./encode_parts.ts";
import type { PartSource } from "./part.ts";
import { type PushOptions, resolvePushOptions } from "./options.ts";

/**
 * Encodes parts as a multipart push, pulling one part from `parts` only when
 * the consumer asks for more bytes. Each part's delimiter line (and, in
 * browser framing, the next header block) goes out with its last byte, so the
 * client shows a part as soon as it has it (the wire rule: framing.ts). When the
 * consumer cancels (the client left), the source's `return()` is called at
 * once, so an `async function*`'s `finally` runs.
 *
 * A body of bytes is copied once, with its framing, into the one chunk that
 * carries it (one write per part). Chunks of a streamed body are enqueued as
 * they are and kept, by reference, to repeat the last part at the end: do not
 * change one after it was read.
 *
 * @example Serve it with your own headers
 * ```ts
 * import { createBoundary, pushStream } from "multipart-push";
 *
 * async function* clock() {
 *   while (true) {
 *     yield { contentType: "text/plain", body: new Date().toISOString() };
 *     await new Promise((resolve) => setTimeout(resolve, 1000));
 *   }
 * }
 * const boundary = createBoundary();
 * const body = pushStream(clock(), { boundary });
 * new Response(body, {
 *   headers: { "Content-Type": `multipart/x-mixed-replace;boundary=${boundary}` },
 * });
 * ```
 *
 * @param parts The parts, in order. Arrays are checked whole before anything is sent.
 * @param options See {@linkcode PushOptions}.
 * @returns A stream of the encoded push.
 * @throws {TypeError|RangeError} on a bad option, a source that is not
 * iterable, or (for arrays) a bad part.
 */
export function pushStream(parts: PartSource, options?: PushOptions): ReadableStream<Uint8Array> {
  return encodeParts(parts, resolvePushOptions(options));
}
