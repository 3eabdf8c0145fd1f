/**
 * Where the entropy-coded data of a JPEG scan ends in a chunk. Inside it an `FF` byte is stuffed
 * as `FF 00`, restart markers `FF D0`-`FF D7` and fill bytes `FF FF` stay in it, and any other
 * `FF xx` is the marker after it.
 *
 * @module
 */

import type { SearchableBytes } from "../shared/native_search.ts";

/** Returned when the chunk ends in an `FF` whose next byte, in the next chunk, decides. */
export const FF_AT_END = -2;

const SOI = new Uint8Array([0xff, 0xd8]);
const EOI = new Uint8Array([0xff, 0xd9]);

/**
 * The index in `chunk` of the `FF` of the marker that ends the scan data read from `from`, -1
 * when the chunk ends inside it, or {@linkcode FF_AT_END}. Hops from `FF` to `FF`.
 *
 * @example
 * ```ts
 * import { scanEnd } from "./scan_end.ts";
 *
 * const chunk = new Uint8Array([0x12, 0xff, 0x00, 0xff, 0xd0, 0x34, 0xff, 0xc4]);
 * scanEnd(chunk, 0); // 6: FF 00 and RST0 stay in the scan, FF C4 ends it
 * ```
 */
export function scanEnd(chunk: Uint8Array, from: number): number {
  const n = chunk.length;
  let ff = chunk.indexOf(0xff, from);
  while (ff !== -1 && ff + 1 < n) {
    const byte = chunk[ff + 1];
    if (byte === 0x00 || (byte >= 0xd0 && byte <= 0xd7)) ff = chunk.indexOf(0xff, ff + 2);
    else if (byte === 0xff) ff++; // fill bytes before a marker
    else return ff;
  }
  return ff === -1 ? -1 : FF_AT_END;
}

/**
 * The same for the last scan of a sequential picture (see last_scan.ts), where only the EOI can
 * follow: entropy-coded data holds no `FF D8` or `FF D9`, so the first `FF D9` is the EOI, unless
 * an `FF D8` before it starts a new picture (this one was cut off). Two native needle searches
 * instead of a stop at every `FF`.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { lastScanEnd } from "./scan_end.ts";
 *
 * const chunk = Buffer.from([0x12, 0xff, 0x00, 0xff, 0xd9, 0xff, 0xd8]);
 * lastScanEnd(chunk, chunk, 0); // 3
 * ```
 * @param view A view of `chunk` with a native needle search.
 */
export function lastScanEnd(chunk: Uint8Array, view: SearchableBytes, from: number): number {
  const eoi = view.indexOf(EOI, from);
  const soi = view.indexOf(SOI, from);
  if (soi !== -1 && (eoi === -1 || soi < eoi)) return soi;
  if (eoi !== -1) return eoi;
  return chunk[chunk.length - 1] === 0xff ? FF_AT_END : -1;
}
