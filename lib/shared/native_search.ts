/**
 * Native byte search where the runtime has a faster one than the web platform's.
 *
 * `Uint8Array#indexOf` finds one byte only, and on V8 it is a plain loop (1.7–2.7 GiB/s here);
 * Node's and Bun's `Buffer#indexOf` finds one byte with `memchr` and a multi-byte needle with a
 * vectorised search (13–24 GiB/s for a 2-byte needle). The library touches no runtime global, so
 * it is off until the caller hands `Buffer` in with {@linkcode useNativeSearch} (exported by
 * `multipart-push/node`); it is then used only where it measured faster (BENCHMARKS.md, "Native
 * search"): single bytes on Node only (Bun's `Uint8Array#indexOf` is as fast), needles on Node
 * and Bun (Deno's `Buffer#indexOf` is a JavaScript port: 0.4 GiB/s). Everywhere else callers run
 * their own web-only search.
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

type Probe = Partial<NativeBytes>;

function choose(
  found: Probe,
): { byte?: NativeBytes | undefined; needle?: NativeBytes | undefined } {
  if (typeof found?.from !== "function") return {};
  try {
    const probe = found.from(new Uint8Array([1, 2, 3, 2, 3]).buffer, 1, 4) as Partial<
      SearchableBytes
    >;
    // It must really be a needle search on a shared view (not a copy, not one byte only).
    if (probe.indexOf?.(new Uint8Array([2, 3]), 1) !== 2 || probe.indexOf(3, 0) !== 1) return {};
  } catch {
    return {}; // Some other class's `from` (Uint8Array's takes other arguments).
  }
  const agent =
    (globalThis as { navigator?: { userAgent?: string | undefined } }).navigator?.userAgent ?? "";
  const native = found as NativeBytes;
  if (agent.startsWith("Node.js/")) return { byte: native, needle: native };
  if (agent.startsWith("Bun/")) return { needle: native };
  return {};
}

/**
 * The native searches in use: none until {@linkcode useNativeSearch}. Tests set the fields to run
 * both the native and the web-only paths on every runtime.
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
export const nativeSearch: {
  /** Finds single bytes faster than `Uint8Array#indexOf`, or undefined. */
  byte: NativeBytes | undefined;
  /** Finds multi-byte needles natively, or undefined. */
  needle: NativeBytes | undefined;
} = { byte: undefined, needle: undefined };

/**
 * Lets the decoder and `jpegFrames` search with `Buffer#indexOf` where it measured faster than
 * the web-only search (needles on Node and Bun, single bytes on Node); elsewhere, or for anything
 * that is not a `Buffer`-like class with a real needle search, nothing changes.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { useNativeSearch } from "./native_search.ts";
 *
 * useNativeSearch(Buffer); // on Node: { byte: true, needle: true }
 * ```
 *
 * @param bytes Node's `Buffer` class (`import { Buffer } from "node:buffer"`).
 * @returns Which searches are native from now on.
 */
export function useNativeSearch(bytes: unknown): { byte: boolean; needle: boolean } {
  const chosen = typeof bytes === "function" ? choose(bytes as Probe) : {};
  nativeSearch.byte = chosen.byte;
  nativeSearch.needle = chosen.needle;
  return { byte: chosen.byte !== undefined, needle: chosen.needle !== undefined };
}
