/**
 * The encoder's engine: one pull-based stream per push, with its source, its
 * clock and its cancellation. `pushStream` and `pushResponse` resolve the
 * options and call it. It owns how a push is asked to stop (the idle and
 * duration timers, the abort signals, the grace a streamed body in flight
 * gets, the source's `return()`); the bytes around each part are
 * {@linkcode PartWriter}'s (framing.ts).
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

/** What waiting for the source resolves to when the push was stopped meanwhile. */
const STOP: unique symbol = Symbol("stop");
/** How long a streamed body in flight may take to finish once the push is asked to end. */
const BODY_GRACE_MS = 1000;

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
  /** The push is over (ended, failed or cancelled). */
  let done = false;
  /** A stop was asked for while a streamed body was in flight: it ends after that body. */
  let stopAfterBody = false;
  let settle!: () => void;
  /** Settles when the push is over and the source's `return()` has finished (for `waitUntil`). */
  const settled = new Promise<void>((resolve) => (settle = resolve));
  /** Resolves the wait for the source's next part with `STOP`. */
  let wake: ((value: typeof STOP) => void) | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let durationTimer: ReturnType<typeof setTimeout> | undefined;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let bodyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Holds the close back while the writer says so (`closeDelay`); the only timer after the end. */
  let closeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending read of a streamed body began; undefined while none is pending. */
  let readSince: number | undefined;
  const onAbort = (): void => stop();

  /**
   * A clean end was asked for (abort, timeout): the part on the wire is
   * finished first. A body that does not finish within `BODY_GRACE_MS` breaks
   * the stream off: a cut part must never look complete.
   */
  function stop(): void {
    if (done) return;
    if (body === undefined) return end(true);
    if (stopAfterBody) return;
    stopAfterBody = true;
    const where = bodyWhere();
    graceTimer = setTimeout(() => {
      fail(
        new Error(
          `push ended while ${where} was still streaming and did not finish within ${BODY_GRACE_MS} ms`,
        ),
        true,
      );
    }, BODY_GRACE_MS);
  }

  /** Breaks the push off once the body in flight has sent nothing for `idleTimeout`. */
  function watchBody(): void {
    const waited = readSince === undefined ? 0 : Date.now() - readSince;
    if (waited < config.idleTimeout) {
      bodyTimer = setTimeout(watchBody, config.idleTimeout - waited);
      return;
    }
    fail(
      new Error(
        `${bodyWhere()} sent no bytes for ${config.idleTimeout} ms (options.idleTimeout): ` +
          "the push is broken off, as the part is cut",
      ),
      true,
    );
  }

  /** Marks the push over and stops the source if it still runs; `settled` follows its `return()`. */
  function finish(sourceOpen: boolean): void {
    done = true;
    clearTimeout(idleTimer);
    clearTimeout(durationTimer);
    clearTimeout(graceTimer);
    clearTimeout(bodyTimer);
    for (const signal of config.signals) signal.removeEventListener("abort", onAbort);
    wake?.(STOP);
    if (!sourceOpen) return settle();
    try {
      Promise.resolve(iterator.return?.()).catch(config.onError).finally(settle);
    } catch (error) {
      config.onError(error);
      settle();
    }
  }

  /** Ends the push cleanly with the close delimiter, once the writer lets it go out. */
  function end(sourceOpen: boolean): void {
    finish(sourceOpen);
    const wait = writer.closeDelay();
    if (wait > 0) closeTimer = setTimeout(close, wait);
    else close();
  }

  function close(): void {
    try {
      for (const chunk of writer.close()) controller.enqueue(chunk);
      controller.close();
    } catch {
      // The consumer tore the stream down first (a runtime that errors rather
      // than cancels a response body on disconnect): nothing left to send to.
    }
  }

  /** Breaks the push off with `error`. */
  function fail(error: unknown, sourceOpen: boolean): void {
    if (done) return;
    finish(sourceOpen);
    controller.error(error);
    config.onError(error);
    body?.cancel(error).catch(() => {});
  }

  /** The source's next part, or `STOP` when the push is stopped (or idle) while waiting. */
  function next(): Promise<IteratorResult<Part> | typeof STOP> {
    return new Promise<IteratorResult<Part> | typeof STOP>((resolve, reject) => {
      wake = resolve;
      if (config.idleTimeout !== Infinity) idleTimer = setTimeout(stop, config.idleTimeout);
      Promise.resolve().then(() => iterator.next()).then(resolve, reject);
    }).finally(() => {
      wake = undefined;
      clearTimeout(idleTimer);
    });
  }

  /**
   * The next chunk of a streamed body. A body that sends nothing for
   * `idleTimeout` breaks the push off (the part is cut, so it must not look
   * complete); `fail` cancels the body, which ends this read.
   */
  async function read(
    reader: ReadableStreamDefaultReader<Uint8Array>,
  ): Promise<ReadableStreamReadResult<Uint8Array>> {
    // One timer per idleTimeout for the whole body, not one per chunk: bodies can come in
    // millions of small chunks. It only counts time spent waiting on the body.
    if (bodyTimer === undefined && config.idleTimeout !== Infinity) {
      bodyTimer = setTimeout(watchBody, config.idleTimeout);
    }
    readSince = Date.now();
    try {
      const result = await reader.read();
      if (result.done) {
        clearTimeout(bodyTimer);
        bodyTimer = undefined;
      }
      return result;
    } finally {
      readSince = undefined;
    }
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
      chunk = await read(reader);
    } catch (error) {
      return fail(error, true);
    }
    if (done) return;
    if (chunk.done) {
      body = undefined;
      controller.enqueue(writer.end());
      if (stopAfterBody) end(true);
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
      config.waitUntil?.(settled);
      controller.enqueue(writer.open);
      if (config.maxDuration !== Infinity) durationTimer = setTimeout(stop, config.maxDuration);
      for (const signal of config.signals) signal.addEventListener("abort", onAbort);
      if (config.signals.some((signal) => signal.aborted)) stop();
    },
    async pull() {
      if (done) return;
      if (body) return pumpBody(body);
      let result: IteratorResult<Part> | typeof STOP;
      try {
        result = await next();
      } catch (error) {
        return fail(error, false);
      }
      if (done || result === STOP) return;
      // Not the end of the source: it is still open, so it gets its return().
      const bad = badIteratorResult(result, "parts");
      if (bad) return fail(bad, true);
      if (result.done) return end(false);
      const where = `parts[${index++}]`;
      try {
        sendPart(toWirePart(result.value, where, guard), where);
      } catch (error) {
        return fail(error, true);
      }
      if (body) return pumpBody(body);
    },
    cancel(reason) {
      clearTimeout(closeTimer);
      if (done) return;
      finish(true);
      body?.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}
