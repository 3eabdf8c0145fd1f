/**
 * Native byte search where the runtime has a faster one than the web platform's.
 *
 * `Uint8Array#indexOf` finds one byte only, and on V8 it is a plain loop (1.7–2.7 GiB/s here);
 * Node's and Bun's `Buffer#indexOf` finds one byte with `memchr` and a multi-byte needle with a
 * vectorised search (13–24 GiB/s for a 2-byte needle). `Buffer` is found structurally on
 * `globalThis` (never imported), and used only where it measured faster (BENCHMARKS.md,
 * "Native search"): single bytes on Node only (Bun's `Uint8Array#indexOf` is as fast), needles on
 * Node and Bun (Deno's `Buffer#indexOf` is a JavaScript port: 0.4 GiB/s). Everywhere else, and
 * whenever `Buffer` is absent, callers run their own web-only search.
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

type Globals = { Buffer?: Partial<NativeBytes>; navigator?: { userAgent?: string } };

function detect(): { byte?: NativeBytes; needle?: NativeBytes } {
  const g = globalThis as Globals;
  const found = g.Buffer;
  if (typeof found?.from !== "function") return {};
  const probe = found.from(new Uint8Array([1, 2, 3, 2, 3]).buffer, 1, 4) as Partial<
    SearchableBytes
  >;
  if (typeof probe.indexOf !== "function") return {};
  // It must really be a needle search on a shared view (not a copy, not one byte only).
  if (probe.indexOf(new Uint8Array([2, 3]), 1) !== 2 || probe.indexOf(3, 0) !== 1) return {};
  const agent = g.navigator?.userAgent ?? "";
  const native = found as NativeBytes;
  if (agent.startsWith("Node.js/")) return { byte: native, needle: native };
  if (agent.startsWith("Bun/")) return { needle: native };
  return {};
}

/**
 * The native searches in use, chosen once at load. Tests set the fields to run both the native
 * and the web-only paths on every runtime.
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
} = { byte: undefined, needle: undefined, ...detect() };
