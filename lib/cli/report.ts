/**
 * The doctor's diagnosis as text for a terminal: the facts, then each finding with its fix.
 *
 * @module
 */

import type { Diagnosis } from "./diagnosis.ts";
import type { Spread } from "./push_stats.ts";

const ms = (value: number | null): string => value === null ? "-" : `${Math.round(value)} ms`;
const bytes = (value: number): string =>
  value >= 10240 ? `${Math.round(value / 1024)} KB` : `${Math.round(value)} B`;
const spread = (value: Spread | null, unit: (n: number) => string): string =>
  value === null
    ? "-"
    : `median ${unit(value.median)}, min ${unit(value.min)}, max ${unit(value.max)}`;
const shown = (value: string | null): string => value ?? "(none)";

/**
 * The lines the doctor prints.
 *
 * @example
 * ```ts ignore
 * console.log(reportText(diagnose(probe)));
 * ```
 */
export function reportText(d: Diagnosis): string {
  const s = d.stats;
  const lines = [
    `multipart-push doctor ${d.url}`,
    `  status             ${d.status}, HTTP/${d.httpVersion}, head after ${ms(d.headMs)}`,
    `  Content-Type       ${shown(d.contentType)}`,
    `  boundary           ${shown(d.boundary)}`,
    `  Cache-Control      ${shown(d.cacheControl)}`,
    `  X-Accel-Buffering  ${shown(d.xAccelBuffering)}`,
    `  Content-Encoding   ${shown(d.contentEncoding)}`,
    ...(d.retryAfter === null ? [] : [`  Retry-After        ${d.retryAfter}`]),
    `  first byte         ${ms(d.firstByteMs)}` +
    (d.preambleBytes ? ` (${d.preambleBytes} bytes before the first boundary)` : ""),
    `  first part         ${ms(d.firstPartMs)}`,
    `  parts              ${d.parts} in ${ms(d.readMs)}, ${s.rate} per second`,
    `  part sizes         ${spread(s.sizes, bytes)}`,
    `  gaps               ${spread(s.gaps, (n) => ms(n))}`,
    ...(s.bursts !== null && s.bursts.together > 0
      ? [
        `  together           ${
          Math.round(s.bursts.together * 100)
        }% of parts came with the one before`,
      ]
      : []),
    ...(d.lateness === null ? [] : [
      `  lateness           ${spread(d.lateness.beyond, (n) => ms(n))} after X-Timestamp, ` +
      `beyond the fastest of ${d.lateness.parts} parts (${ms(d.lateness.least)}, clocks ` +
      `included${d.lateness.read === "reader" ? "; read as an MJPEG reader" : ""})`,
    ]),
    "",
  ];
  d.findings.forEach((finding, i) => {
    lines.push(`${finding.level === "problem" ? "PROBLEM" : "note   "} ${finding.message}`);
    const same = i > 0 && d.findings[i - 1].fix === finding.fix;
    if (finding.fix !== "") lines.push(`        fix: ${same ? "as above" : finding.fix}`);
  });
  const problems = d.findings.filter((finding) => finding.level === "problem").length;
  lines.push(
    problems === 0 ? "healthy: no problem found" : `${problems} problem${problems > 1 ? "s" : ""}`,
  );
  return lines.join("\n");
}
