/**
 * Finds a byte pattern (the delimiter `LF--boundary`) in a stream of chunks.
 *
 * Inside a chunk it runs Boyer–Moore–Horspool, which reads about one byte in
 * `pattern.length` on binary data. Across chunks it keeps `partial`, the number
 * of pattern bytes matched at the end of everything searched so far, and
 * continues that match with a KMP automaton at the start of the next chunk.
 * So no byte is searched twice (except at most `pattern.length` bytes at each
 * chunk's end), nothing is copied, and one-byte chunks cost O(1) each.
 *
 * Where the runtime has a native multi-byte search that measured faster (Node's
 * and Bun's `Buffer#indexOf`, see native_search.ts), it takes over after
 * the first HORSPOOL_FIRST bytes of a search: a short part is found by
 * Horspool before a native call would pay off, a long one natively. The
 * native call looks for the pattern's first NATIVE_PREFIX bytes only, and the
 * rest is compared here: Node searches a needle of 7 bytes or more with
 * Boyer–Moore–Horspool at 2.5 GiB/s, a shorter one at 25 GiB/s
 * (BENCHMARKS.md, "Native search").
 *
 * @module
 */

import { describeValue } from "./describe.ts";
import { type NativeBytes, nativeSearch, type SearchableBytes } from "./native_search.ts";

/** Bytes Horspool searches before the native search takes over. */
const HORSPOOL_FIRST = 512;
/** How much of the pattern the native search looks for. */
const NATIVE_PREFIX = 4;

/**
 * Streaming search for one pattern.
 *
 * @example
 * ```ts
 * import { BoundarySearch } from "./boundary_search.ts";
 *
 * const search = new BoundarySearch(new TextEncoder().encode("\n--B"));
 * search.search(new TextEncoder().encode("abc\n-"), 0); // -1, search.partial === 2
 * search.search(new TextEncoder().encode("-Bxyz"), 0); // 2: the match ends before "xyz"
 * ```
 */
export class BoundarySearch {
  /** The bytes searched for. */
  readonly pattern: Uint8Array;
  /**
   * How many bytes of the pattern the data searched so far ends with (0 after
   * a match). Those bytes may still turn out to be the start of a match.
   */
  partial = 0;
  #skip: Int32Array;
  #fail: Int32Array;
  #native: NativeBytes | undefined = nativeSearch.needle;
  #prefix: Uint8Array;
  /** The chunk last searched natively and its native view (one view per chunk, not per search). */
  #viewed: Uint8Array | undefined;
  #view: SearchableBytes | undefined;

  /** @param pattern The bytes to find; at least 2 long. */
  constructor(pattern: Uint8Array) {
    const m = pattern.length;
    if (m < 2) {
      throw new RangeError(`pattern must be at least 2 bytes long, got ${describeValue(m)}`);
    }
    this.pattern = pattern;
    this.#prefix = pattern.subarray(0, NATIVE_PREFIX);
    // Horspool: how far the window may move when its last byte is `c`.
    this.#skip = new Int32Array(256).fill(m);
    for (let i = 0; i < m - 1; i++) this.#skip[pattern[i]] = m - 1 - i;
    // KMP failure function: longest proper prefix that is also a suffix of pattern[0..i].
    this.#fail = new Int32Array(m);
    for (let i = 1, k = 0; i < m; i++) {
      while (k > 0 && pattern[i] !== pattern[k]) k = this.#fail[k - 1];
      if (pattern[i] === pattern[k]) k++;
      this.#fail[i] = k;
    }
  }

  /**
   * Searches `chunk` from index `from` onwards, continuing a match begun in
   * earlier chunks.
   *
   * @returns The index in `chunk` just after the first match (which may have
   * started in an earlier chunk), or -1 when there is none yet.
   */
  search(chunk: Uint8Array, from: number): number {
    const p = this.pattern;
    const m = p.length;
    const n = chunk.length;
    let i = from;
    let k = this.partial;
    if (k > 0) {
      const fail = this.#fail;
      // Run KMP only while the partial match still reaches back before `from`;
      // once it lies inside this chunk, Horspool from its start covers it.
      while (i < n && k > i - from) {
        const b = chunk[i++];
        while (k > 0 && p[k] !== b) k = fail[k - 1];
        if (p[k] === b) k++;
        if (k === m) {
          this.partial = 0;
          return i;
        }
      }
      if (k > i - from) {
        this.partial = k;
        return -1;
      }
    }
    const start = i - k;
    const last = m - 1;
    const lastByte = p[last];
    const skip = this.#skip;
    const stop = n - m;
    const native = this.#native;
    const horspoolStop = native === undefined ? stop : Math.min(stop, start + HORSPOOL_FIRST);
    let j = start;
    for (; j <= horspoolStop; j += skip[chunk[j + last]]) {
      if (chunk[j + last] !== lastByte) continue;
      let q = 0;
      while (q < last && chunk[j + q] === p[q]) q++;
      if (q === last) {
        this.partial = 0;
        return j + m;
      }
    }
    // Every window before j is ruled out; the native search covers the rest.
    if (j <= stop) {
      if (this.#viewed !== chunk) {
        this.#viewed = chunk;
        this.#view = native!.from(chunk.buffer, chunk.byteOffset, n);
      }
      const view = this.#view!;
      const prefix = this.#prefix;
      const checked = prefix.length;
      for (
        let at = view.indexOf(prefix, j);
        at !== -1 && at <= stop;
        at = view.indexOf(prefix, at + 1)
      ) {
        let q = checked;
        while (q < m && chunk[at + q] === p[q]) q++;
        if (q === m) {
          this.partial = 0;
          return at + m;
        }
      }
    }
    // The chunk is searched to its end: keep no view of it (a guard would hold the last body).
    this.#viewed = this.#view = undefined;
    this.partial = this.#tail(chunk, Math.max(start, n - last));
    return -1;
  }

  /** Forgets any partial match (the caller moved past the data). */
  reset(): void {
    this.partial = 0;
  }

  /** Longest prefix of the pattern that `chunk[from..]` ends with (fewer than m bytes). */
  #tail(chunk: Uint8Array, from: number): number {
    const p = this.pattern;
    const fail = this.#fail;
    let k = 0;
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i];
      while (k > 0 && p[k] !== b) k = fail[k - 1];
      if (p[k] === b) k++;
    }
    return k;
  }
}
