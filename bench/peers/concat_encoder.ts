/**
 * The encoder people write by hand: for each part, a new buffer holding
 * headers + body + delimiter (the `Buffer.concat([head, body, tail])` pattern),
 * enqueued as one chunk. Used by the benches as the peer of `pushStream`.
 *
 * @module
 */

import type { Part } from "../../lib/push/part.ts";

const encoder = new TextEncoder();

/** A multipart/x-mixed-replace body built by copying each part into a fresh buffer. */
export function concatPerPart(
  parts: AsyncIterable<Part>,
  boundary: string,
): ReadableStream<Uint8Array> {
  const iterator = parts[Symbol.asyncIterator]();
  const open = encoder.encode(`--${boundary}\r\n`);
  const tail = encoder.encode(`\r\n--${boundary}\r\n`);
  let opened = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!opened) {
        opened = true;
        controller.enqueue(open);
      }
      const next = await iterator.next();
      if (next.done) return controller.close();
      const body = next.value.body as Uint8Array;
      const head = encoder.encode(
        `Content-Type: ${next.value.contentType}\r\nContent-Length: ${body.byteLength}\r\n\r\n`,
      );
      const out = new Uint8Array(head.byteLength + body.byteLength + tail.byteLength);
      out.set(head, 0);
      out.set(body, head.byteLength);
      out.set(tail, head.byteLength + body.byteLength);
      controller.enqueue(out);
    },
    async cancel() {
      await iterator.return?.();
    },
  }, { highWaterMark: 0 });
}
