/**
 * Native byte search where the runtime has a faster one than the web platform's.
 *
 * `Uint8Array#indexOf` finds one byte only, and on V8 it is a plain loop (1.7–2.7 GiB/s here);
 * Node's and Bun's `Buffer#indexOf` finds one byte with `memchr` and a short needle with a
 * vectorised search (13–50 GiB/s for a 2 to 4-byte needle). It is found by feature detection: a
 * `Buffer` on `globalThis` whose `from(arrayBuffer, offset, length)` makes a view with a real
 * needle search. It is used only where it measured faster (BENCHMARKS.md, "Native search"):
 * single bytes on Node only (Bun's `Uint8Array#indexOf` is as fast), needles on Node and Bun
 * (Deno's `Buffer#indexOf` is a JavaScript port: 0.4 GiB/s). Everywhere else, and whenever a test
 * clears the fields, callers run their own web-only search.
 *
 * @module
 */

/** A `Buffer`-like class: views over an `ArrayBuffer` whose `indexOf` takes a byte or a needle. */
export interface NativeBytes {
  /** A view of `length` bytes of `buffer` from `byteOffset`, sharing its memory. */
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): SearchableBytes;
}

/** A byte view with a native `indexOf` for one byte and for a sequence of bytes. */
export interface SearchableBytes {
  /** Index of the first `value` (a byte, or a byte sequence) at or after `byteOffset`, or -1. */
  indexOf(value: number | Uint8Array, byteOffset: number): number;
}

/** The native searches in use. */
export interface NativeSearch {
  /** Finds single bytes faster than `Uint8Array#indexOf`, or undefined. */
  byte: NativeBytes | undefined;
  /** Finds multi-byte needles natively, or undefined. */
  needle: NativeBytes | undefined;
}

/**
 * Which of `found`'s searches to use on the runtime named by `agent` (`navigator.userAgent`).
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { chooseNativeSearch } from "./native_search.ts";
 *
 * chooseNativeSearch(Buffer, "Bun/1.4.5"); // { byte: undefined, needle: Buffer }
 * chooseNativeSearch(Uint8Array, "Node.js/24"); // neither: its `from` is not a view over a buffer
 * ```
 */
export function chooseNativeSearch(found: unknown, agent: string): NativeSearch {
  const none = { byte: undefined, needle: undefined };
  const probe = found as Partial<NativeBytes> | undefined;
  if (typeof probe?.from !== "function") return none;
  try {
    const view = probe.from(new Uint8Array([1, 2, 3, 2, 3]).buffer, 1, 4) as Partial<
      SearchableBytes
    >;
    // It must really search for a needle on a view at an offset (not for one byte only).
    if (view.indexOf?.(new Uint8Array([2, 3]), 1) !== 2 || view.indexOf(3, 0) !== 1) return none;
  } catch {
    return none; // Some other class's `from` (Uint8Array's takes other arguments).
  }
  const native = probe as NativeBytes;
  if (agent.startsWith("Node.js/")) return { byte: native, needle: native };
  if (agent.startsWith("Bun/")) return { byte: undefined, needle: native };
  return none;
}

/**
 * The native searches in use, detected once. Tests set the fields to run both the native and the
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
