/**
 * A native needle search, and a native allocation that skips zero-filling, where the runtime has
 * them faster than the web platform's.
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
 * The same `Buffer`'s `allocUnsafeSlow` makes the one copy of a part that spans chunks without
 * zero-filling bytes the copy overwrites at once: on Bun, 1.3–2× the allocation and copy of
 * `new Uint8Array` for 20–200 KB (BENCHMARKS.md, "Unzeroed copies"). It is the slow one on
 * purpose: `allocUnsafe` carves small arrays from a shared pool, so a part's `.buffer` would show
 * other bytes of the process; `allocUnsafeSlow` gives each array its own `ArrayBuffer`, which is
 * checked here, and the copy is handed out as a plain `Uint8Array` (a `Buffer`'s `slice` is a view,
 * not a copy).
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

/** A new array of `length` (> 0) bytes, not zero-filled, alone in its `ArrayBuffer`. */
export type Unzeroed = (length: number) => Uint8Array;

/** The native search (and allocation) in use. */
export interface NativeSearch {
  /** Finds multi-byte needles natively, or undefined. */
  needle: NativeBytes | undefined;
  /** Allocates arrays to be filled at once, or undefined. */
  unzeroed: Unzeroed | undefined;
}

/**
 * Which native search to use, of `found`'s, on the runtime named by `agent` (`navigator.userAgent`).
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { chooseNativeSearch } from "./native_search.ts";
 *
 * chooseNativeSearch(Buffer, "Bun/1.4.5"); // { needle: Buffer, unzeroed: a function }
 * chooseNativeSearch(Uint8Array, "Node.js/24"); // both undefined: no view over a buffer
 * ```
 */
export function chooseNativeSearch(found: unknown, agent: string): NativeSearch {
  const none = { needle: undefined, unzeroed: undefined };
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
  if (!/^(Node\.js|Bun)\//.test(agent)) return none;
  return { needle: probe as NativeBytes, unzeroed: unzeroedOf(found) };
}

/** `found.allocUnsafeSlow` as an `Unzeroed`, if it gives each array an `ArrayBuffer` of its own. */
function unzeroedOf(found: unknown): Unzeroed | undefined {
  const allocate = (found as { allocUnsafeSlow?: unknown }).allocUnsafeSlow;
  if (typeof allocate !== "function") return undefined;
  try {
    const probe: unknown = allocate.call(found, 3);
    const alone = probe instanceof Uint8Array && probe.byteOffset === 0 &&
      probe.buffer.byteLength === 3;
    if (!alone) return undefined;
  } catch {
    return undefined;
  }
  return (length) => new Uint8Array((allocate.call(found, length) as Uint8Array).buffer, 0, length);
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
