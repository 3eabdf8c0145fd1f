/**
 * Whether a scan of a JPEG picture is its last, read from its SOF and SOS headers. After the
 * last scan of a sequential picture (SOF0 or SOF1) only its EOI can follow: each component is
 * coded in exactly one scan, so a scan holding every component is the only one. Not so for
 * progressive pictures (their first DC scan holds every component too), for a line count of 0
 * (a DNL segment follows the first scan), nor in hierarchical pictures (DHP: more frames follow).
 *
 * @module
 */

/** The SOS marker code. */
export const SOS = 0xda;
/** Payload bytes read from an SOF (precision, lines, samples per line, components) and an SOS. */
const SOF_HEADER = 6;
const SOS_HEADER = 1;

/** Start-of-frame markers (SOF0-15; C4, C8 and CC are DHT, JPG and DAC). */
function startOfFrame(code: number): boolean {
  return code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc;
}

/**
 * Follows the segments of one picture, fed their first payload bytes.
 *
 * @example
 * ```ts
 * import { LastScan } from "./last_scan.ts";
 *
 * const scans = new LastScan();
 * for (const b of [8, 0, 16, 0, 16, 3]) if (scans.wants(0xc0, 17) > 0) scans.byte(b); // SOF0, 3 components
 * scans.wants(0xda, 12); // 1: read the SOS's component count
 * scans.byte(3); // true: every component in this scan, so it is the last
 * ```
 */
export class LastScan {
  /** True while the scan whose header was just read is the picture's last. */
  last = false;
  #header = new Uint8Array(SOF_HEADER);
  #code = 0;
  #size = 0;
  #read = 0;
  #hierarchical = false;
  #sequential = false;
  #components = 0;

  /** A new picture (its SOI). */
  reset(): void {
    this.last = this.#hierarchical = this.#sequential = false;
  }

  /**
   * A segment with marker `code` and `length` payload bytes starts.
   * @returns How many of its first payload bytes to hand to {@linkcode LastScan.byte} (0: none;
   *   an SOF or SOS too short to say anything is then already taken into account).
   */
  wants(code: number, length: number): number {
    if (code === 0xde) this.#hierarchical = true;
    if (code !== SOS && !startOfFrame(code)) return 0;
    this.#code = code;
    this.#size = Math.min(length, code === SOS ? SOS_HEADER : SOF_HEADER);
    this.#read = 0;
    if (this.#size === 0) this.#end();
    return this.#size;
  }

  /** The next payload byte. @returns True once every byte asked for has come. */
  byte(value: number): boolean {
    this.#header[this.#read++] = value;
    if (this.#read < this.#size) return false;
    this.#end();
    return true;
  }

  #end(): void {
    const header = this.#header;
    if (this.#code === SOS) {
      this.last = this.#sequential && this.#size === SOS_HEADER && header[0] === this.#components;
    } else {
      this.#sequential = !this.#hierarchical && (this.#code === 0xc0 || this.#code === 0xc1) &&
        this.#size === SOF_HEADER && (header[1] | header[2]) !== 0;
      this.#components = header[5];
    }
  }
}
