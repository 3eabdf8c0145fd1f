/**
 * A native needle search where the runtime has one faster than the web platform's.
 *
 * The web platform finds one byte only (`Uint8Array#indexOf`); Node's and Bun's `Buffer#indexOf`
 * finds a short needle with a vectorised search (13–50 GiB/s for 2 to 4 bytes). It is found by
 * feature detection: a `Buffer` on `globalThis` whose `from(arrayBuffer, offset, length)` makes a
 * view with a real needle search, used on Node and Bun only (Deno's is a JavaScript port,
 * 0.4 GiB/s; BENCHMARKS.md, "Native search"). Single bytes are searched with `Uint8Array#indexOf`
 * everywhere: `jpegFrames` searches its hot path, the last scan, for a needle, and looks for single
 * bytes once per picture otherwise. Everywhere else, and whenever a test clears the field, callers
 * run their own web-only search.
 *
 * @module
 */

/** A `Buffer`-like class: views over an `ArrayBuffer` whose `indexOf` finds a needle. */
export interface NativeBytes {
  /** A view of `length` bytes of `buffer` from `byteOffset`, sharing its memory. */
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): SearchableBytes;
}

/** A byte view with a native `indexOf` for a sequence of bytes. */
export interface SearchableBytes {
  /** Index of the first `needle` at or after `byteOffset`, or -1. */
  indexOf(needle: Uint8Array, byteOffset: number): number;
}

/** The native search in use. */
export interface NativeSearch {
  /** Finds multi-byte needles natively, or undefined. */
  needle: NativeBytes | undefined;
}

/**
 * Which native search to use, of `found`'s, on the runtime named by `agent` (`navigator.userAgent`).
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { chooseNativeSearch } from "./native_search.ts";
 *
 * chooseNativeSearch(Buffer, "Bun/1.4.5"); // { needle: Buffer }
 * chooseNativeSearch(Uint8Array, "Node.js/24"); // { needle: undefined }: no view over a buffer
 * ```
 */
export function chooseNativeSearch(found: unknown, agent: string): NativeSearch {
  const none = { needle: undefined };
  const probe = found as Partial<NativeBytes> | undefined;
  if (typeof probe?.from !== "function") return none;
  try {
    const view = probe.from(new Uint8Array([1, 2, 3, 2, 3]).buffer, 1, 4) as Partial<
      SearchableBytes
    >;
    // It must really search for a needle on a view at an offset (not for one byte only).
    if (view.indexOf?.(new Uint8Array([2, 3]), 1) !== 2) return none;
  } catch {
    return none; // Some other class's `from` (Uint8Array's takes other arguments).
  }
  const native = /^(Node\.js|Bun)\//.test(agent);
  return { needle: native ? probe as NativeBytes : undefined };
}

/**
 * The native search in use, detected once. Tests set the field to run both the native and the
 * web-only paths on every runtime.
 *
 * @example
 * ```ts
 * import { nativeSearch } from "./native_search.ts";
 *
 * const bytes = new Uint8Array([0, 0xff, 0xd9]);
 * const view = nativeSearch.needle?.from(bytes.buffer, bytes.byteOffset, bytes.length);
 * view?.indexOf(new Uint8Array([0xff, 0xd9]), 0); // 1, where a native needle search is used
 * ```
 */
export const nativeSearch: NativeSearch = chooseNativeSearch(
  (globalThis as { Buffer?: unknown }).Buffer,
  (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? "",
);
