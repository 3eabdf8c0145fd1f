/**
 * How a push is asked to stop: the idle and duration timers, the abort
 * signals, the grace a streamed body in flight gets, and stopping the source.
 * The encoder (encode_parts.ts) owns the bytes; this owns the clock.
 *
 * @module
 */

import type { Part } from "./part.ts";
import type { ResolvedPushOptions } from "./options.ts";

/**
 * What {@linkcode PushStopper.next} resolves to when the push was stopped while waiting.
 *
 * @example
 * ```ts ignore
 * const next = await stopper.next();
 * if (next === STOP) return;
 * ```
 */
export const STOP: unique symbol = Symbol("stop");
/** How long a streamed body in flight may take to finish once the push is asked to end. */
const BODY_GRACE_MS = 1000;

/** What the stopper needs from the encoder. */
export interface StopTarget {
  /** True while a streamed body is being sent. */
  bodyInFlight(): boolean;
  /** Names the body in flight, for the grace error. */
  where(): string;
  /** Ends the push cleanly with the close delimiter. */
  end(sourceOpen: boolean): void;
  /** Breaks the push off with `error`. */
  fail(error: unknown, sourceOpen: boolean): void;
}

/** Timers, signals and the source's `return()` for one push; see {@linkcode pushStopper}. */
export interface PushStopper {
  /** True once the push is over (set by `finish`). */
  readonly done: boolean;
  /** True once a stop was asked for while a streamed body was in flight. */
  readonly stopAfterBody: boolean;
  /** Settles when the push is over and the source's `return()` has finished (for `waitUntil`). */
  readonly settled: Promise<void>;
  /** Starts `maxDuration` and listens to the signals (stopping at once if one is aborted). */
  arm(): void;
  /** The source's next part, or `STOP` when the push is stopped (or idle) while waiting. */
  next(): Promise<IteratorResult<Part> | typeof STOP>;
  /**
   * The next chunk of a streamed body. A body that sends nothing for
   * `idleTimeout` breaks the push off (the part is cut, so it must not look
   * complete); the encoder's `fail` cancels the body, which ends this read.
   */
  read(
    reader: ReadableStreamDefaultReader<Uint8Array>,
  ): Promise<ReadableStreamReadResult<Uint8Array>>;
  /**
   * A clean end was asked for (abort, timeout): the part on the wire is
   * finished first. A body that does not finish within `BODY_GRACE_MS` breaks
   * the stream off: a cut part must never look complete.
   */
  stop(): void;
  /** Marks the push over and stops the source if it still runs; `settled` follows its `return()`. */
  finish(sourceOpen: boolean): void;
}

/**
 * Creates the stopper of one push.
 *
 * @example
 * ```ts ignore
 * const stopper = pushStopper(config, iterator, target);
 * stopper.arm(); // starts maxDuration, listens to the signals
 * const next = await stopper.next(); // a part, or STOP after idleTimeout
 * ```
 */
export function pushStopper(
  config: ResolvedPushOptions,
  iterator: AsyncIterator<Part> | Iterator<Part>,
  target: StopTarget,
): PushStopper {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  let wake: ((value: typeof STOP) => void) | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let durationTimer: ReturnType<typeof setTimeout> | undefined;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let bodyTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending read of a streamed body began; undefined while none is pending. */
  let readSince: number | undefined;
  const onAbort = (): void => stop();
  const report = (error: unknown): void => config.onError(error);

  function stop(): void {
    if (stopper.done) return;
    if (!target.bodyInFlight()) return target.end(true);
    if (stopper.stopAfterBody) return;
    stopper.stopAfterBody = true;
    const where = target.where();
    graceTimer = setTimeout(() => {
      target.fail(
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
    target.fail(
      new Error(
        `${target.where()} sent no bytes for ${config.idleTimeout} ms (options.idleTimeout): ` +
          "the push is broken off, as the part is cut",
      ),
      true,
    );
  }

  function cleanup(): void {
    clearTimeout(idleTimer);
    clearTimeout(durationTimer);
    clearTimeout(graceTimer);
    clearTimeout(bodyTimer);
    for (const signal of config.signals) signal.removeEventListener("abort", onAbort);
    wake?.(STOP);
  }

  const stopper = {
    done: false,
    stopAfterBody: false,
    settled,
    arm() {
      if (config.maxDuration !== Infinity) durationTimer = setTimeout(stop, config.maxDuration);
      for (const signal of config.signals) signal.addEventListener("abort", onAbort);
      if (config.signals.some((signal) => signal.aborted)) stop();
    },
    next() {
      return new Promise<IteratorResult<Part> | typeof STOP>((resolve, reject) => {
        wake = resolve;
        if (config.idleTimeout !== Infinity) idleTimer = setTimeout(stop, config.idleTimeout);
        Promise.resolve().then(() => iterator.next()).then(resolve, reject);
      }).finally(() => {
        wake = undefined;
        clearTimeout(idleTimer);
      });
    },
    async read(reader: ReadableStreamDefaultReader<Uint8Array>) {
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
    },
    stop,
    finish(sourceOpen: boolean) {
      stopper.done = true;
      cleanup();
      if (!sourceOpen) return settle();
      try {
        Promise.resolve(iterator.return?.()).catch(report).finally(settle);
      } catch (error) {
        report(error);
        settle();
      }
    },
  };
  return stopper;
}
