/**
 * The numbers the doctor reports about a push's parts: rate, sizes, gaps, bursts, and lateness
 * against the `X-Timestamp` each part was stamped with.
 *
 * @module
 */

import type { ArrivedPart } from "./part_timeline.ts";

/** Least, middle and largest of some values. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** Parts that arrived together. */
export interface Bursts {
  /** Share of the parts (after the first) that came together with the one before. */
  together: number;
  /** Parts in a typical burst (median over bursts of two or more). */
  parts: number;
  /** Bytes of the stream in a typical burst (median), what the holder on the way lets out at once. */
  bytes: number;
}

/** The numbers of one read. */
export interface PushStats {
  /** Parts per second between the first part and the end of the read. */
  rate: number;
  sizes: Spread | null;
  /** Milliseconds between consecutive parts. */
  gaps: Spread | null;
  bursts: Bursts | null;
}

/** How late parts arrived against their `X-Timestamp`. */
export interface Lateness {
  /**
   * Milliseconds each part arrived after its stamp, less the least of them (the clocks'
   * difference and the network's fixed delay): how much later than the fastest part it came.
   */
  beyond: Spread;
  /** The least lateness as measured, clocks' difference included. */
  least: number;
  /** Stamped parts compared. */
  parts: number;
}

/**
 * Milliseconds within which a part came together with the one before: a quarter of the mean
 * interval between the parts that came apart. Relative, because a hop's flush reaches the reader
 * in a few reads spread over some milliseconds (more on a busy machine, up to the flush's
 * transfer time on a slow link), while a camera's own parts stay about one interval apart.
 * Measured against the gaps between bursts, not all gaps: in a bursty push the mean of all gaps
 * is one frame interval, a quarter of which a flush's reads on a busy reader exceed, splitting
 * one flush in two; bursts 800 ms apart allow a flush's reads 100 to 200 ms (a split's own gap
 * counts among those apart). A steady push's gaps all come apart, so its bar stays a quarter of
 * its interval. The first guess, on all gaps, keeps to 5–50 ms, and the bar never falls below it.
 */
function togetherMs(gaps: number[]): number {
  const quarterMean = (of: number[]): number =>
    Math.max(5, of.reduce((sum, gap) => sum + gap, 0) / of.length / 4);
  const first = Math.min(50, quarterMean(gaps));
  const apart = gaps.filter((gap) => gap > first);
  return apart.length > 0 ? Math.max(first, quarterMean(apart)) : first;
}

/**
 * The numbers of `parts`, read for `readMs` milliseconds.
 *
 * @example
 * ```ts
 * import { pushStats } from "./push_stats.ts";
 *
 * const parts = [0, 1, 2].map((i) => ({ at: 100 * i, size: 10, contentType: null, contentLength: null, stamp: null, offset: 50 * i }));
 * pushStats(parts, 300).rate; // 10
 * ```
 */
export function pushStats(parts: ArrivedPart[], readMs: number): PushStats {
  const gaps = parts.slice(1).map((part, i) => part.at - parts[i].at);
  const span = parts.length > 0 ? readMs - parts[0].at : 0;
  return {
    rate: parts.length > 1 && span > 0 ? round((parts.length - 1) / (span / 1000)) : 0,
    sizes: spread(parts.map((part) => part.size)),
    gaps: spread(gaps),
    bursts: burstsOf(parts, gaps),
  };
}

/**
 * How late the stamped parts of a read came, from a request sent at `sentAt` (epoch ms, the clock
 * `X-Timestamp` is compared with); null under 3 stamped parts. The first part is left out: a hub
 * sends a new viewer the frame it already has, stamped when it was published.
 *
 * @example
 * ```ts ignore
 * latenessOf(timeline.parts, probe.sentAt)?.beyond.median; // 2 (ms)
 * ```
 */
export function latenessOf(parts: ArrivedPart[], sentAt: number): Lateness | null {
  const late = parts.slice(1).filter((part) => part.stamp !== null).map((part) =>
    sentAt + part.at - part.stamp! * 1000
  );
  if (late.length < 3) return null;
  const least = Math.min(...late);
  return {
    beyond: spread(late.map((ms) => ms - least))!,
    least: Math.round(least),
    parts: late.length,
  };
}

function burstsOf(parts: ArrivedPart[], gaps: number[]): Bursts | null {
  if (parts.length < 2) return null;
  const together = togetherMs(gaps);
  const groups: ArrivedPart[][] = [[parts[0]]];
  gaps.forEach((gap, i) => {
    if (gap <= together) groups[groups.length - 1].push(parts[i + 1]);
    else groups.push([parts[i + 1]]);
  });
  // A burst's bytes: from the end of the part before it to the end of its last part.
  const sizes: number[] = [], counts: number[] = [];
  groups.forEach((group, g) => {
    if (group.length < 2 || g === 0) return;
    const before = groups[g - 1][groups[g - 1].length - 1];
    sizes.push(group[group.length - 1].offset - before.offset);
    counts.push(group.length);
  });
  return {
    together: round(gaps.filter((gap) => gap <= together).length / gaps.length),
    parts: counts.length > 0 ? median(counts) : 1,
    bytes: sizes.length > 0 ? median(sizes) : 0,
  };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function spread(values: number[]): Spread | null {
  if (values.length === 0) return null;
  return {
    min: round(Math.min(...values)),
    median: round(median(values)),
    max: round(Math.max(...values)),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
