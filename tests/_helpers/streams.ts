import { concatBytes } from "../../lib/shared/bytes.ts";
import { runtimeTimers } from "./clock.ts";

/** Small stream utilities shared by tests. */

/** Reads a whole stream into one byte array. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return concatBytes(chunks);
}

/** Reads a whole stream as latin1-safe text (bytes kept one char each). */
export async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  return latin1(await readAll(stream));
}

/** Bytes as a string with one char per byte, so binary bodies compare exactly. */
export function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.byteLength; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/**
 * `bytes` in chunks of the given sizes (cycled; all at once when `sizes` is empty), each a fresh
 * array as a network read gives.
 */
export async function* rechunk(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes.length === 0 ? bytes.length : sizes[i % sizes.length];
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => runtimeTimers.setTimeout(resolve, ms));
}

/** Rejects if `promise` has not settled within `ms`, naming `what`. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: unknown;
  const timeout = new Promise<never>((_, reject) => {
    timer = runtimeTimers.setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    runtimeTimers.clearTimeout(timer);
  }
}

/**
 * Reads `reader` to its end in the background: `text()` is what has come so far and `ended`
 * resolves with all of it (one char per byte), for a test that watches a push as it goes and then
 * waits for its end.
 */
export function readingText(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): { text(): string; ended: Promise<string> } {
  let text = "";
  const ended = (async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += latin1(chunk.value);
    }
    return text;
  })();
  return { text: () => text, ended };
}

/**
 * Reads until `needle` has arrived, or the stream has ended; returns everything read (one char
 * per byte).
 */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  needle: string,
): Promise<string> {
  let text = "";
  while (!text.includes(needle)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += latin1(value);
  }
  return text;
}

/**
 * How long a test waits for bytes that can only be missing when something holds them back,
 * because the test withholds what would follow them until the end: not a latency bound (their
 * arrival at all is the proof), only where waiting for a "never" stops.
 */
export const HELD_BACK_MS = 10_000;

/** A promise with its resolve function, for sources a test drives step by step. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls `check` every `stepMs` until it holds; fails the test after `ms`, saying `what`. */
export async function until(
  check: () => boolean,
  ms: number,
  what: string | (() => string),
  stepMs = 20,
): Promise<void> {
  for (let waited = 0; waited <= ms; waited += stepMs) {
    if (check()) return;
    await delay(stepMs);
  }
  throw new Error(`not within ${ms} ms: ${typeof what === "function" ? what() : what}`);
}

/**
 * How late a timer may fire on a loaded machine before a timeout test fails. Every timeout this
 * suite tests defaults to 60 s or more, so a test bounded by N + SLACK_MS still fails when the
 * option under test is ignored and a default ends the stream instead.
 */
export const SLACK_MS = 1500;

/**
 * Awaits `promise` and fails unless it settled at least `from` ms and at most `to` ms after
 * `since` (a `Date.now()` taken before the timer under test was armed). Returns its value.
 */
export async function inWindow<T>(
  since: number,
  from: number,
  to: number,
  what: string,
  promise: Promise<T>,
): Promise<T> {
  const value = await within(Math.max(0, since + to - Date.now()), what, promise);
  const took = Date.now() - since;
  if (took < from) throw new Error(`${what}: after ${took} ms, before the ${from} ms it must wait`);
  return value;
}
