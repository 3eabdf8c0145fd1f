/**
 * Finds the first boundary line of a multipart body, skipping the preamble
 * without keeping any of it. A line counts when it starts with `--boundary`
 * (the stream's first line needs no line break before it). When the boundary
 * parameter itself starts with `--` (`boundary=--frame`, as many cameras
 * send), a line starting with the bare parameter counts too; whichever form
 * the first line uses is the one the stream uses.
 *
 * @module
 */

const LF = 10;

/**
 * A scanner for the opening boundary line.
 *
 * @example
 * ```ts
 * import { OpeningBoundary } from "./opening_boundary.ts";
 *
 * const opening = new OpeningBoundary("B");
 * opening.scan(new TextEncoder().encode("preamble\r\n--B\r\n"), 0); // 13
 * new TextDecoder().decode(opening.dashBoundary); // "--B"
 * new TextDecoder().decode(opening.delimiter); // "\n--B"
 * ```
 */
export class OpeningBoundary {
  /** Bytes scanned so far, the preamble and the boundary found. */
  size = 0;
  /** The boundary as this stream writes it at line starts (valid once found). */
  dashBoundary: Uint8Array;
  #loose: Uint8Array | null;
  #linePos = 0;
  #strictOk = true;
  #looseOk: boolean;

  /** @param boundary The boundary parameter, as sent. */
  constructor(boundary: string) {
    const encoder = new TextEncoder();
    this.dashBoundary = encoder.encode(`--${boundary}`);
    // All-dash parameters are left out: their bare form would be a prefix of the full one.
    this.#loose = boundary.startsWith("--") && /[^-]/.test(boundary)
      ? encoder.encode(boundary)
      : null;
    this.#looseOk = this.#loose !== null;
  }

  /**
   * Scans `chunk` from `from`.
   * @returns The index just after the boundary at the start of a line, or -1.
   */
  scan(chunk: Uint8Array, from: number): number {
    const strict = this.dashBoundary;
    const loose = this.#loose;
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === LF) {
        this.#linePos = 0;
        this.#strictOk = true;
        this.#looseOk = loose !== null;
        continue;
      }
      const pos = this.#linePos++;
      if (this.#strictOk) {
        if (strict[pos] !== b) this.#strictOk = false;
        else if (pos === strict.length - 1) return this.#found(strict, i + 1, from);
      }
      if (this.#looseOk) {
        if (loose![pos] !== b) this.#looseOk = false;
        else if (pos === loose!.length - 1) return this.#found(loose!, i + 1, from);
      }
    }
    this.size += chunk.length - from;
    return -1;
  }

  /**
   * The delimiter that ends each part, `LF` + {@linkcode OpeningBoundary.dashBoundary}
   * (the CR before it is optional: bare LF works wherever CRLF does). A new
   * array on each read; valid once the opening boundary is found.
   */
  get delimiter(): Uint8Array {
    const dashBoundary = this.dashBoundary;
    const delimiter = new Uint8Array(dashBoundary.length + 1);
    delimiter[0] = LF;
    delimiter.set(dashBoundary, 1);
    return delimiter;
  }

  #found(dashBoundary: Uint8Array, next: number, from: number): number {
    this.size += next - from;
    this.dashBoundary = dashBoundary;
    return next;
  }
}
