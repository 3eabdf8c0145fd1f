/**
 * Refuses part bodies that contain the caller's boundary. A random boundary
 * cannot be guessed, but one passed in by the caller can appear in user
 * content, and browsers split on `--boundary` wherever it appears (Chromium's
 * and Firefox's multipart parsers do not require the CRLF before it), so a
 * body containing it would forge a part break.
 *
 * @module
 */

/** Scans the bodies of one push for `--boundary`, across chunk edges. */
export interface BoundaryGuard {
  /** Checks the next chunk of the current body. @throws {RangeError} on a match. */
  check(chunk: Uint8Array, where: string): void;
  /** Forgets the current body's tail: call between bodies. */
  reset(): void;
}

/** Creates a guard for `boundary`. */
export function boundaryGuard(boundary: string): BoundaryGuard {
  const needle = new TextEncoder().encode(`--${boundary}`);
  const keep = needle.byteLength - 1;
  let tail = new Uint8Array(0);
  return {
    check(chunk, where) {
      const seam = new Uint8Array(tail.byteLength + Math.min(keep, chunk.byteLength));
      seam.set(tail);
      seam.set(chunk.subarray(0, seam.byteLength - tail.byteLength), tail.byteLength);
      if (indexOfBytes(seam, needle) !== -1 || indexOfBytes(chunk, needle) !== -1) {
        throw new RangeError(
          `${where} contains "--${boundary}", which would end the part early: ` +
            "use a boundary that cannot occur in the content (the default random one)",
        );
      }
      tail = chunk.byteLength >= keep
        ? chunk.slice(chunk.byteLength - keep)
        : seam.slice(Math.max(0, seam.byteLength - keep));
    },
    reset() {
      tail = new Uint8Array(0);
    },
  };
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  const last = haystack.byteLength - needle.byteLength;
  for (
    let i = haystack.indexOf(needle[0]);
    i !== -1 && i <= last;
    i = haystack.indexOf(needle[0], i + 1)
  ) {
    let j = 1;
    while (j < needle.byteLength && haystack[i + j] === needle[j]) j++;
    if (j === needle.byteLength) return i;
  }
  return -1;
}
