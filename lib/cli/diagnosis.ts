/**
 * The doctor's records: one read of a push as the connection saw it ({@linkcode PushProbe}), and
 * what it concluded ({@linkcode Diagnosis}): the facts and each finding in plain words with its fix.
 *
 * @module
 */

import type { PartTimeline } from "./part_timeline.ts";
import type { Lateness, PushStats } from "./push_stats.ts";

/** One read of a push, as the connection saw it. */
export interface PushProbe {
  url: string;
  status: number;
  /** "1.1", "1.0", "2". */
  httpVersion: string;
  headers: Headers;
  /** Epoch milliseconds when the request was sent. */
  sentAt: number;
  /** Milliseconds to the response head. */
  headAt: number;
  /** How long the body was read, ms. */
  readMs: number;
  /** The body's parts (null when the response is not multipart with a boundary). */
  timeline: PartTimeline | null;
  /** Milliseconds to the end of the body when it ended within the read, or null. */
  endedAt: number | null;
  /** Why the body broke off, or null. */
  error: string | null;
  /**
   * A second, short read as an MJPEG reader (ffmpeg, VLC, OpenCV) asks, made when the first one
   * left something to ask: `Content-Length` on image parts, `X-Timestamp` on every part (a browser
   * gets it only on parts whose header block was not sent ahead).
   */
  reader?: PushProbe | null | undefined;
}

/** A finding: `problem` makes the doctor exit 1, `note` is for information. */
export interface Finding {
  level: "problem" | "note";
  /** Stable name for scripts: "buffered", "compressed", "empty-final-part", ... */
  code: string;
  /** What is wrong (or worth knowing), in plain words. */
  message: string;
  /** What to do about it ("" when nothing). */
  fix: string;
}

/** The doctor's answer about a push. */
export interface Diagnosis {
  url: string;
  status: number;
  httpVersion: string;
  contentType: string | null;
  boundary: string | null;
  cacheControl: string | null;
  xAccelBuffering: string | null;
  contentEncoding: string | null;
  retryAfter: string | null;
  /** Milliseconds to the response head, the first byte and the first whole part. */
  headMs: number;
  firstByteMs: number | null;
  firstPartMs: number | null;
  parts: number;
  preambleBytes: number | null;
  readMs: number;
  stats: PushStats;
  /** Lateness against `X-Timestamp`, from the read that had the stamps, or null. */
  lateness: (Lateness & { read: "browser" | "reader" }) | null;
  findings: Finding[];
  /** No finding is a problem. */
  healthy: boolean;
}
