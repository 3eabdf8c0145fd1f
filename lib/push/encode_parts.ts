/**
 * The encoder's engine: one pull-based stream per push, with its source and
 * cancellation. `pushStream` and `pushResponse` resolve the options and call
 * it. How a push is asked to stop (timers, aborts, the grace for a streamed
 * body) is {@linkcode pushStopper}'s part (stopper.ts).
 *
 * @module
 */

import { boundaryGuard } from "./boundary_guard.ts";
import { framingFor } from "./framing.ts";
import { partFramer } from "./part_framer.ts";
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
  const framing = framingFor(config.mode, config.boundary);
  const guard = config.callerBoundary ? boundaryGuard(config.boundary) : undefined;
  const iterator = openPartSource(parts, guard);
  const framer = partFramer(framing, config.advanceHeaders);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let index = 0;
  /** The reader of the streamed body in flight, if any. */
  let body: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** Finishes the delimiter line held open after the last body (see `endPart`). */
  let lineTimer: ReturnType<typeof setTimeout> | undefined;
  /** Names the body in flight; built only when needed, not per chunk. */
  const bodyWhere = (): string => `parts[${index - 1}].body`;
  const stopper = pushStopper(config, iterator, {
    bodyInFlight: () => body !== undefined,
    where: bodyWhere,
    end,
    fail,
  });

  function end(sourceOpen: boolean): void {
    clearTimeout(lineTimer);
    stopper.finish(sourceOpen);
    try {
      for (const chunk of framer.close()) controller.enqueue(chunk);
      controller.close();
    } catch {
      // The consumer tore the stream down first (a runtime that errors rather
      // than cancels a response body on disconnect): nothing left to send to.
    }
  }

  function fail(error: unknown, sourceOpen: boolean): void {
    if (stopper.done) return;
    clearTimeout(lineTimer);
    stopper.finish(sourceOpen);
    controller.error(error);
    config.onError(error);
    body?.cancel(error).catch(() => {});
  }

  /**
   * Ends a part with its delimiter, but keeps the delimiter's line open for one
   * timer turn: a source that ends right after its last part then closes
   * right after that body, the ending every browser and decoder keeps (issue
   * 14). Any later, and the line is completed so Firefox shows the part.
   */
  function endPart(): void {
    controller.enqueue(framer.after());
    lineTimer = setTimeout(() => {
      lineTimer = undefined;
      if (stopper.done) return;
      try {
        for (const chunk of framer.lineEnd()) controller.enqueue(chunk);
      } catch {
        // Torn down under us (Deno errors a body on disconnect): a throw here would be an
        // uncaught error in a timer, so stop the source as a cancel would.
        stopper.finish(true);
      }
    }, 0);
  }

  function sendPart(wire: WirePart, where: string): void {
    if (wire.bytes) guard?.checkBody(wire.bytes, where);
    else guard?.reset();
    clearTimeout(lineTimer);
    for (const chunk of framer.before(wire)) controller.enqueue(chunk);
    if (wire.bytes) {
      if (wire.bytes.byteLength > 0) controller.enqueue(wire.bytes);
      framer.body(wire.bytes);
      endPart();
    } else {
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
      endPart();
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
    framer.body(bytes);
  }

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      config.waitUntil?.(stopper.settled);
      controller.enqueue(framing.open);
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
      clearTimeout(lineTimer);
      stopper.finish(true);
      body?.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}
