/**
 * Refuses part bodies and header fields that contain the caller's boundary. A random boundary
 * cannot be guessed, but one passed in by the caller can appear in user
 * content, and browsers split on `--boundary` wherever it appears (Chromium's
 * and Firefox's multipart parsers do not require the CRLF before it), so a
 * body or header containing it would forge a part break.
 *
 * @module
 */

/** Scans the bodies and header fields of one push for `--boundary`, across chunk edges. */
export interface BoundaryGuard {
  /** Checks one header line (`name: value`) of field `name`. @throws {RangeError} on a match. */
  checkField(line: string, name: string, where: string): void;
  /** Checks the next chunk of the current body. @throws {RangeError} on a match. */
  check(chunk: Uint8Array, where: string): void;
  /** Forgets the current body's tail: call between bodies. */
  reset(): void;
  /** Checks a whole body on its own. @throws {RangeError} on a match. */
  checkBody(body: Uint8Array, where: string): void;
}

/**
 * The error for a match: in a body (`name` undefined) or in header field `name`. The default
 * advises the caller's own boundary; `PushHub` explains that its boundary is public.
 */
export type BoundaryRefusal = (where: string, name: string | undefined) => RangeError;

/**
 * Creates a guard for `boundary` (a match may span chunks).
 *
 * @example
 * ```ts ignore
 * boundaryGuard("frame").checkBody(new TextEncoder().encode("a--frame"), "parts[0].body");
 * // RangeError: parts[0].body contains "--frame", which would end the part early: …
 * ```
 */
export function boundaryGuard(
  boundary: string,
  refuse: BoundaryRefusal = (where, name) =>
    new RangeError(
      `${where}${name === undefined ? "" : `: header ${name}`} contains "--${boundary}", which ` +
        "would end the part early: use a boundary that cannot occur in the content (the default " +
        "random one)",
    ),
): BoundaryGuard {
  const pattern = new TextEncoder().encode(`--${boundary}`);
  const keep = pattern.length - 1;
  // The last `keep` bytes of the body so far (a copy: a guard must not hold a body): a match
  // may begin there and end in the next chunk.
  let tail = new Uint8Array(0);
  const guard: BoundaryGuard = {
    checkField(line, name, where) {
      if (line.includes(`--${boundary}`)) throw refuse(where, name);
    },
    check(chunk, where) {
      const edge = new Uint8Array(tail.length + Math.min(chunk.length, keep));
      edge.set(tail);
      edge.set(chunk.subarray(0, keep), tail.length);
      if (holds(edge, pattern) || holds(chunk, pattern)) throw refuse(where, undefined);
      tail = (chunk.length >= keep ? chunk : edge).slice(-keep);
    },
    reset() {
      tail = new Uint8Array(0);
    },
    checkBody(body, where) {
      guard.reset();
      try {
        guard.check(body, where);
      } finally {
        guard.reset();
      }
    },
  };
  return guard;
}

/**
 * Whether `bytes` holds `pattern`, which starts with `-`: the runtime's own `indexOf` finds
 * each `-` (one byte in 256 of a picture), and the rest is compared here.
 */
function holds(bytes: Uint8Array, pattern: Uint8Array): boolean {
  const last = bytes.length - pattern.length;
  for (
    let at = bytes.indexOf(pattern[0]);
    at !== -1 && at <= last;
    at = bytes.indexOf(pattern[0], at + 1)
  ) {
    let q = 1;
    while (q < pattern.length && bytes[at + q] === pattern[q]) q++;
    if (q === pattern.length) return true;
  }
  return false;
}
