/**
 * What the doctor concludes from one read of a push. Plain web code: the connection is made
 * elsewhere (probe.ts), so every runtime's tests can feed it.
 *
 * @module
 */

import { boundaryFromContentType } from "../parse/content_type_boundary.ts";
import { latenessOf, pushStats } from "./push_stats.ts";
import type { Diagnosis, PushProbe } from "./diagnosis.ts";
import { findingsOf } from "./findings.ts";

/**
 * The diagnosis of `probe`.
 *
 * @example
 * ```ts ignore
 * const diagnosis = diagnose(await probePush("http://127.0.0.1:8080/stream", { seconds: 4 }));
 * diagnosis.findings.filter((finding) => finding.level === "problem");
 * ```
 */
export function diagnose(probe: PushProbe): Diagnosis {
  const header = (name: string): string | null => probe.headers.get(name);
  const timeline = probe.timeline;
  const parts = timeline?.parts ?? [];
  const diagnosis: Diagnosis = {
    url: probe.url,
    status: probe.status,
    httpVersion: probe.httpVersion,
    contentType: header("content-type"),
    boundary: boundaryFromContentType(header("content-type")),
    cacheControl: header("cache-control"),
    xAccelBuffering: header("x-accel-buffering"),
    contentEncoding: header("content-encoding"),
    retryAfter: header("retry-after"),
    headMs: Math.round(probe.headAt),
    firstByteMs: timeline?.firstByteAt == null ? null : Math.round(timeline.firstByteAt),
    firstPartMs: parts.length > 0 ? Math.round(parts[0].at) : null,
    parts: parts.length,
    preambleBytes: timeline?.preamble ?? null,
    readMs: Math.round(probe.readMs),
    stats: pushStats(parts, probe.readMs),
    lateness: latenessFrom(probe),
    findings: [],
    healthy: true,
  };
  diagnosis.findings = findingsOf(diagnosis, probe);
  diagnosis.healthy = diagnosis.findings.every((finding) => finding.level !== "problem");
  return diagnosis;
}

/** Lateness from the browser's read, or else from the reader's. */
function latenessFrom(probe: PushProbe): Diagnosis["lateness"] {
  const own = latenessOf(probe.timeline?.parts ?? [], probe.sentAt);
  if (own !== null) return { ...own, read: "browser" };
  const reader = probe.reader;
  const theirs = reader ? latenessOf(reader.timeline?.parts ?? [], reader.sentAt) : null;
  return theirs === null ? null : { ...theirs, read: "reader" };
}
