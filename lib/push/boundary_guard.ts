/**
 * Refuses part bodies and header fields that contain the caller's boundary. A random boundary
 * cannot be guessed, but one passed in by the caller can appear in user
 * content, and browsers split on `--boundary` wherever it appears (Chromium's
 * and Firefox's multipart parsers do not require the CRLF before it), so a
 * body or header containing it would forge a part break.
 *
 * @module
 */

import { BoundarySearch } from "../shared/boundary_search.ts";

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
/**
 * The error for a match: in a body (`name` undefined) or in header field `name`. The default
 * advises the caller's own boundary; `PushHub` explains that its boundary is public.
 */
export type BoundaryRefusal = (where: string, name: string | undefined) => RangeError;

/**
 * Creates a guard for `boundary`, with the decoder's search (a match may span chunks).
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
  const search = new BoundarySearch(new TextEncoder().encode(`--${boundary}`));
  const guard: BoundaryGuard = {
    checkField(line, name, where) {
      if (line.includes(`--${boundary}`)) throw refuse(where, name);
    },
    check(chunk, where) {
      if (search.search(chunk, 0) !== -1) throw refuse(where, undefined);
    },
    reset() {
      search.reset();
    },
    checkBody(body, where) {
      search.reset();
      try {
        guard.check(body, where);
      } finally {
        search.reset();
      }
    },
  };
  return guard;
}
