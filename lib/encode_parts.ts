/**
 * The encoder's engine: one pull-based stream per push, with its source,
 * timers and cancellation. `pushStream` and `pushResponse` resolve the options
 * and call it.
 *
 * @module
 */

import { boundaryGuard } from "./boundary_guard.ts";
import { framingFor } from "./framing.ts";
import { partFramer } from "./part_framer.ts";
import { openPartSource, type Part, type PartSource, toWirePart, type WirePart } from "./part.ts";
import type { ResolvedPushOptions } from "./push_options.ts";

const STOP = Symbol("stop");
/** How long a streamed body in flight may take to finish once the push is asked to end. */
const BODY_GRACE_MS = 1000;

/** Encodes `parts` as a pull-based multipart push, with options already resolved. */
export function encodeParts(
  parts: PartSource,
  config: ResolvedPushOptions,
): ReadableStream<Uint8Array> {
  const framing = framingFor(config.mode, config.boundary);
  const guard = config.callerBoundary ? boundaryGuard(config.boundary) : undefined;
  const iterator = openPartSource(parts, guard);

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let done = false;
  let index = 0;
  let body: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let stopAfterBody = false;
  let wake: ((value: typeof STOP) => void) | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let durationTimer: ReturnType<typeof setTimeout> | undefined;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let settle!: () => void;
  /** Settles when the push is over and the source's `return()` has finished (for `waitUntil`). */
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const framer = partFramer(framing, config.advanceHeaders);

  const report = (error: unknown): void => config.onError(error);
  const onAbort = (): void => stop();

  function cleanup(): void {
    clearTimeout(idleTimer);
    clearTimeout(durationTimer);
    clearTimeout(graceTimer);
    for (const signal of config.signals) signal.removeEventListener("abort", onAbort);
    wake?.(STOP);
  }

  /** Marks the push over and stops the source if it still runs; `settled` follows its `return()`. */
  function finish(sourceOpen: boolean): void {
    done = true;
    cleanup();
    if (!sourceOpen) return settle();
    try {
      Promise.resolve(iterator.return?.()).catch(report).finally(settle);
    } catch (error) {
      report(error);
      settle();
    }
  }

  /**
   * A clean end was asked for (abort, timeout): the part on the wire is
   * finished first. A body that does not finish within `BODY_GRACE_MS` breaks
   * the stream off: a cut part must never look complete.
   */
  function stop(): void {
    if (done) return;
    if (!body) return end(true);
    if (stopAfterBody) return;
    stopAfterBody = true;
    const where = `parts[${index - 1}].body`;
    graceTimer = setTimeout(() => {
      fail(
        new Error(
          `push ended while ${where} was still streaming and did not finish within ${BODY_GRACE_MS} ms`,
        ),
        true,
      );
    }, BODY_GRACE_MS);
  }

  function end(sourceOpen: boolean): void {
    finish(sourceOpen);
    try {
      for (const chunk of framer.close()) controller.enqueue(chunk);
      controller.close();
    } catch {
      // The consumer tore the stream down first (a runtime that errors rather
      // than cancels a response body on disconnect): nothing left to send to.
    }
  }

  function fail(error: unknown, sourceOpen: boolean): void {
    if (done) return;
    finish(sourceOpen);
    controller.error(error);
    report(error);
    body?.cancel(error).catch(() => {});
  }

  function nextPart(): Promise<IteratorResult<Part> | typeof STOP> {
    return new Promise<IteratorResult<Part> | typeof STOP>((resolve, reject) => {
      wake = resolve;
      if (config.idleTimeout !== Infinity) idleTimer = setTimeout(stop, config.idleTimeout);
      Promise.resolve().then(() => iterator.next()).then(resolve, reject);
    }).finally(() => {
      wake = undefined;
      clearTimeout(idleTimer);
    });
  }

  function sendPart(wire: WirePart, where: string): void {
    if (wire.bytes) guard?.checkBody(wire.bytes, where);
    else guard?.reset();
    for (const chunk of framer.before(wire)) controller.enqueue(chunk);
    if (wire.bytes) {
      if (wire.bytes.byteLength > 0) controller.enqueue(wire.bytes);
      framer.body(wire.bytes);
      controller.enqueue(framer.after());
    } else {
      body = wire.stream!.getReader();
    }
  }

  /** Moves one chunk of a streamed body, or its end, to the consumer. */
  async function pumpBody(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const where = `parts[${index - 1}].body`;
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      return fail(error, true);
    }
    if (done) return;
    if (chunk.done) {
      body = undefined;
      controller.enqueue(framer.after());
      if (stopAfterBody) end(true);
      return;
    }
    const bytes = chunk.value;
    if (!(bytes instanceof Uint8Array)) {
      return fail(new TypeError(`${where} stream must yield Uint8Array chunks`), true);
    }
    try {
      guard?.check(bytes, where);
    } catch (error) {
      return fail(error, true);
    }
    if (bytes.byteLength > 0) controller.enqueue(bytes);
    framer.body(bytes);
  }

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      config.waitUntil?.(settled);
      controller.enqueue(framing.open);
      if (config.maxDuration !== Infinity) durationTimer = setTimeout(stop, config.maxDuration);
      for (const signal of config.signals) signal.addEventListener("abort", onAbort);
      if (config.signals.some((signal) => signal.aborted)) stop();
    },
    async pull() {
      if (done) return;
      if (body) return pumpBody(body);
      let next: IteratorResult<Part> | typeof STOP;
      try {
        next = await nextPart();
      } catch (error) {
        return fail(error, false);
      }
      if (done || next === STOP) return;
      if (next.done) return end(false);
      const where = `parts[${index++}]`;
      try {
        sendPart(toWirePart(next.value, where), where);
      } catch (error) {
        return fail(error, true);
      }
      if (body) return pumpBody(body);
    },
    cancel(reason) {
      if (done) return;
      finish(true);
      body?.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}
