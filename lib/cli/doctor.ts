/**
 * `multipart-push doctor <url>`: reads a push as a browser's `<img>` would and says whether it is
 * healthy from here; when its image parts carry no `Content-Length`, a second, short read as an
 * MJPEG reader says whether readers get it.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import { diagnose } from "./diagnose.ts";
import type { Diagnosis } from "./diagnosis.ts";
import { probePush, READER_HEADERS } from "./probe.ts";
import { imagesLackLength } from "./part_timeline.ts";

/** Options of {@linkcode doctor}. */
export interface DoctorOptions {
  /**
   * How long to read the push, in seconds.
   * @default 5
   */
  seconds?: number | undefined;
  /**
   * Ask again as an MJPEG reader when image parts come without `Content-Length`.
   * @default true
   */
  reader?: boolean | undefined;
}

/** How long the reader's second look lasts at most, ms. */
const READER_MS = 2000;

/**
 * The diagnosis of the push at `url`.
 *
 * @example
 * ```ts ignore
 * const diagnosis = await doctor("http://127.0.0.1:8080/stream", { seconds: 3 });
 * if (!diagnosis.healthy) console.log(diagnosis.findings);
 * ```
 * @throws {TypeError} when `url` is not an http(s) URL.
 * @throws {RangeError} when `options.seconds` is not a number > 0 and <= 3600.
 * @throws {TypeError} when `options.reader` is not a boolean.
 * @throws {ConnectError} when the server could not be reached.
 */
export async function doctor(url: string, options: DoctorOptions = {}): Promise<Diagnosis> {
  const target = parsed(url);
  if (target === null || !/^https?:$/.test(target.protocol)) {
    throw new TypeError(`url must be an http:// or https:// URL, got ${describeValue(url)}`);
  }
  const seconds = options.seconds ?? 5;
  if (typeof seconds !== "number" || !(seconds > 0) || seconds > 3600) {
    throw new RangeError(
      `options.seconds must be a number of seconds > 0 and <= 3600, got ${describeValue(seconds)}`,
    );
  }
  const reader = options.reader ?? true;
  if (typeof reader !== "boolean") {
    throw new TypeError(`options.reader must be a boolean, got ${describeValue(reader)}`);
  }
  const probe = await probePush(target, { readMs: seconds * 1000 });
  const parts = probe.timeline?.parts ?? [];
  // A browser gets X-Timestamp only on parts whose header block was not sent ahead.
  const hiddenStamps = parts[0]?.stamp != null &&
    parts.filter((part) => part.stamp !== null).length < 4;
  if (reader && (imagesLackLength(parts) === true || hiddenStamps)) {
    const readMs = Math.min(seconds * 1000, READER_MS);
    probe.reader = await probePush(target, { readMs, headers: READER_HEADERS }).catch(() => null);
  }
  return diagnose(probe);
}

/** `url` as a URL, or null (URL.canParse is newer than the oldest Node the bin runs on). */
function parsed(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
