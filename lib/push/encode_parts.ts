/**
 * The encoder's engine: one pull-based stream per push, with its source and
 * cancellation. `pushStream` and `pushResponse` resolve the options and call
 * it. How a push is asked to stop (timers, aborts, the grace for a streamed
 * body) is {@linkcode pushStopper}'s part (stopper.ts).
 *
 * @module
 */

import { boundaryGuard } from "./boundary_guard.ts";
import { PartWriter, wireFor, wireFrame } from "./framing.ts";
import {
  badIteratorResult,
  openPartSource,
  type Part,
  type PartSource,
  toWirePart,
  type WirePart,
} from "./part.ts";
import type { ResolvedPushOptions } from "./options.ts";
import { pushStopper, STOP } from "./stopper.ts";

/**
 * Encodes `parts` as a pull-based multipart push, with options already resolved.
 *
 * @example
 * ```ts
 * import { encodeParts } from "./encode_parts.ts";
 * import { resolvePushOptions } from "./options.ts";
 *
 * const stream = encodeParts([{ contentType: "text/plain", body: "hi" }], resolvePushOptions());
 * await new Response(stream).text(); // "--<boundary>\r\nContent-Type: text/plain…"
 * ```
 */
export function encodeParts(
  parts: PartSource,
  config: ResolvedPushOptions,
): ReadableStream<Uint8Array> {
  const guard = config.callerBoundary ? boundaryGuard(config.boundary) : undefined;
  const iterator = openPartSource(parts, guard);
  const writer = new PartWriter(config.boundary, wireFor(config.mode, config.advanceHeaders));
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let index = 0;
  /** The reader of the streamed body in flight, if any. */
  let body: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** Names the body in flight; built only when needed, not per chunk. */
  const bodyWhere = (): string => `parts[${index - 1}].body`;
  const stopper = pushStopper(config, iterator, {
    bodyInFlight: () => body !== undefined,
    where: bodyWhere,
    end,
    fail,
  });

  function end(sourceOpen: boolean): void {
    stopper.finish(sourceOpen);
    try {
      for (const chunk of writer.close()) controller.enqueue(chunk);
      controller.close();
    } catch {
      // The consumer tore the stream down first (a runtime that errors rather
      // than cancels a response body on disconnect): nothing left to send to.
    }
  }

  function fail(error: unknown, sourceOpen: boolean): void {
    if (stopper.done) return;
    stopper.finish(sourceOpen);
    controller.error(error);
    config.onError(error);
    body?.cancel(error).catch(() => {});
  }

  /** Sends a part: a body of bytes goes out with its framing as one chunk (one write). */
  function sendPart(wire: WirePart, where: string): void {
    if (wire.bytes) {
      guard?.checkBody(wire.bytes, where);
      controller.enqueue(
        writer.part(wireFrame(config.boundary, wire.fields, wire.key, wire.bytes)),
      );
    } else {
      guard?.reset();
      const before = writer.begin(wire.fields, wire.key);
      if (before.byteLength > 0) controller.enqueue(before);
      body = wire.stream!.getReader();
    }
  }

  /** Moves one chunk of a streamed body, or its end, to the consumer. */
  async function pumpBody(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await stopper.read(reader);
    } catch (error) {
      return fail(error, true);
    }
    if (stopper.done) return;
    if (chunk.done) {
      body = undefined;
      controller.enqueue(writer.end());
      if (stopper.stopAfterBody) end(true);
      return;
    }
    const bytes = chunk.value;
    if (!(bytes instanceof Uint8Array)) {
      return fail(new TypeError(`${bodyWhere()} stream must yield Uint8Array chunks`), true);
    }
    if (guard) {
      try {
        guard.check(bytes, bodyWhere());
      } catch (error) {
        return fail(error, true);
      }
    }
    if (bytes.byteLength > 0) controller.enqueue(bytes);
    writer.chunk(bytes);
  }

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      config.waitUntil?.(stopper.settled);
      controller.enqueue(writer.open);
      stopper.arm();
    },
    async pull() {
      if (stopper.done) return;
      if (body) return pumpBody(body);
      let next: IteratorResult<Part> | typeof STOP;
      try {
        next = await stopper.next();
      } catch (error) {
        return fail(error, false);
      }
      if (stopper.done || next === STOP) return;
      // Not the end of the source: it is still open, so it gets its return().
      const bad = badIteratorResult(next, "parts");
      if (bad) return fail(bad, true);
      if (next.done) return end(false);
      const where = `parts[${index++}]`;
      try {
        sendPart(toWirePart(next.value, where, guard), where);
      } catch (error) {
        return fail(error, true);
      }
      if (body) return pumpBody(body);
    },
    cancel(reason) {
      if (stopper.done) return;
      stopper.finish(true);
      body?.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}
