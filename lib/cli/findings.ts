/**
 * The doctor's rules: each looks at one read of a push and names what is wrong in plain words,
 * with the fix. A `problem` fails the check (exit 1); a `note` is information.
 *
 * @module
 */

import type { Diagnosis, Finding, PushProbe } from "./diagnosis.ts";
import { imagesLackLength, MAX_PENDING } from "./part_timeline.ts";

/** A first part this late (ms) and this many mean intervals late: something held the start. */
export const LATE_START_MS = 1000;
const LATE_START_GAPS = 4;
/** Share of parts that came together with the one before, from which the push arrives in bursts. */
const BURSTY = 0.4;
/** Median lateness (ms, beyond the fastest part) from which parts count as held on the way. */
export const LATE_MS = 50;
/** Silence at the end of the read (ms, and typical gaps) that counts as a stall. */
const STALL_MS = 2000;
const STALL_GAPS = 5;

type Rule = (d: Diagnosis, probe: PushProbe) => Finding | null;

const problem = (code: string, message: string, fix: string): Finding => ({
  level: "problem",
  code,
  message,
  fix,
});
const note = (code: string, message: string, fix = ""): Finding => ({
  level: "note",
  code,
  message,
  fix,
});
const kb = (bytes: number): string => `${Math.max(1, Math.round(bytes / 1024))} KB`;

const BUFFER_FIX =
  "turn response buffering off for this path: nginx: keep `X-Accel-Buffering: no` " +
  "(multipart-push sends it) or `proxy_buffering off`; HAProxy: `option http-no-delay`; " +
  "other proxies and tunnels: their flush or streaming setting";

const RULES: Rule[] = [
  (d) =>
    d.status === 503
      ? problem(
        "unavailable",
        `the server answered 503 (busy or no source)${
          d.retryAfter === null ? "" : `, Retry-After: ${d.retryAfter} s`
        }`,
        "a hub answers 503 at maxSubscribers or while its source is offline: raise the limit " +
          "or start the source; clients should wait Retry-After before they try again",
      )
      : d.status !== 200
      ? problem("status", `the server answered ${d.status}, not 200`, "check the URL and access")
      : null,
  (d) =>
    d.status === 200 && !/^multipart\//i.test(d.contentType ?? "")
      ? problem(
        "not-multipart",
        `Content-Type is ${d.contentType ?? "missing"}, not multipart/x-mixed-replace`,
        "serve the push itself (pushResponse or hub.response), not a page or a snapshot",
      )
      : d.status === 200 && d.boundary === null
      ? problem("no-boundary", "Content-Type has no boundary", "send `boundary=` in Content-Type")
      : null,
  (d) =>
    d.contentEncoding !== null && !/^\s*identity\s*$/i.test(d.contentEncoding)
      ? problem(
        "compressed",
        `the push arrives compressed (Content-Encoding: ${d.contentEncoding}): a compressor ` +
          "holds bytes until its buffer fills, so frames come late or in lumps, and JPEGs do " +
          "not shrink",
        "keep multipart out of compression: send `Cache-Control: no-transform` (multipart-push's " +
          "default) and do not match multipart/* in the compressor (Caddy `encode` matchers, " +
          "Hono `compress()` filters, nginx `gzip_types`)",
      )
      : null,
  (d) =>
    d.status === 200 && !/no-transform/i.test(d.cacheControl ?? "")
      ? note(
        "no-transform",
        "Cache-Control lacks no-transform: compressing proxies and middleware may compress the push",
        "send `Cache-Control: no-cache, no-store, no-transform` (multipart-push's default)",
      )
      : null,
  (d) =>
    d.status === 200 && d.xAccelBuffering === null
      ? note(
        "x-accel-buffering",
        "no X-Accel-Buffering header (nginx removes it on the way; a server behind nginx " +
          "should send `X-Accel-Buffering: no`, or nginx holds parts back)",
      )
      : null,
  (d) => {
    const bursts = d.stats.bursts;
    if (bursts === null || d.parts < 5 || bursts.together < BURSTY) return null;
    return problem(
      "buffered",
      `buffered on the way: parts arrive in bursts of ${bursts.parts} (about ${
        kb(bursts.bytes)
      }) at once, then nothing: something between the server and here holds about ${
        kb(bursts.bytes)
      } before it passes them on`,
      BUFFER_FIX,
    );
  },
  (d) => {
    const late = d.lateness?.beyond;
    if (late === undefined || late.median < LATE_MS) return null;
    return problem(
      "late",
      `parts arrive ${Math.round(late.median)} ms later than stamped (median beyond the ` +
        `fastest part, up to ${Math.round(late.max)} ms): held on the way`,
      BUFFER_FIX,
    );
  },
  (d) => {
    // The mean interval, not the median gap: parts in bursts have a median gap near 0.
    const gap = d.stats.rate > 0 ? 1000 / d.stats.rate : undefined;
    if (d.firstPartMs === null || gap === undefined) return null;
    if (d.firstPartMs < LATE_START_MS || d.firstPartMs < LATE_START_GAPS * gap) return null;
    return problem(
      "late-start",
      `first bytes late: the first part took ${d.firstPartMs} ms, though parts then came every ` +
        `${Math.round(gap)} ms on average`,
      BUFFER_FIX,
    );
  },
  (_d, probe) => {
    const faults = probe.timeline?.faults ?? [];
    const inBody = faults.filter((fault) => fault.kind === "boundary-in-body");
    const mismatch = faults.filter((fault) => fault.kind === "length-mismatch");
    const oversized = faults.find((fault) => fault.kind === "oversized");
    if (oversized !== undefined) {
      return problem(
        "oversized",
        `no boundary within ${MAX_PENDING / 1048576} MiB (part ${oversized.part}): a part ` +
          "that large, or a body that does not use the boundary its Content-Type names",
        "check the boundary parameter and the part sizes",
      );
    }
    if (inBody.length > 0) {
      return problem(
        "boundary-in-body",
        `the boundary appears inside a body (part ${
          inBody[0].part
        }): browsers cut the picture there`,
        "use a random boundary (multipart-push's default) or one the bodies cannot contain",
      );
    }
    return mismatch.length > 0
      ? problem(
        "content-length",
        `part ${mismatch[0].part}'s Content-Length does not match its body`,
        "send the body's exact byte length, or no Content-Length",
      )
      : null;
  },
  (_d, probe) => {
    const parts = probe.timeline?.parts ?? [];
    const last = parts[parts.length - 1];
    if (probe.timeline?.closed == null || last === undefined || last.size > 0) return null;
    return problem(
      "empty-final-part",
      "the push ends with an empty part: Firefox blanks the picture and WebKit breaks the <img>",
      "close right after the last frame's body (`CRLF--boundary--`), or repeat the last frame",
    );
  },
  (d, probe) => {
    if (d.status !== 200 || d.boundary === null) return null;
    if (probe.endedAt !== null || probe.error !== null) {
      const how = probe.timeline?.closed != null ? "with its close delimiter" : probe.error ??
        "without a close delimiter";
      return problem(
        "ended",
        `the push ended after ${d.parts} parts, ${
          Math.round(probe.endedAt ?? probe.readMs)
        } ms in (${how}): an <img> keeps the last frame and stops`,
        "a live push must not end: check the source and the proxy's timeouts (nginx " +
          "`proxy_read_timeout`, HAProxy `timeout server`)",
      );
    }
    const last = probe.timeline?.parts.at(-1)?.at ?? d.headMs;
    const silence = probe.readMs - last;
    const gap = d.stats.gaps?.median ?? 0;
    if (silence < STALL_MS || silence < STALL_GAPS * gap) return null;
    return problem(
      "stalled",
      d.parts === 0
        ? `no part arrived in ${Math.round(probe.readMs)} ms`
        : `the push stalled: no part for the last ${Math.round(silence)} ms`,
      "check that the source publishes; if parts pile up on the way, " + BUFFER_FIX,
    );
  },
  (_d, probe) => lengthFinding(probe),
  (d) =>
    d.httpVersion.startsWith("1")
      ? note(
        "http1",
        `HTTP/${d.httpVersion}: a browser opens at most 6 connections per host, so a page ` +
          "shows at most 6 pushes from here at once",
        "serve over HTTP/2 (TLS) for more pushes per page",
      )
      : null,
];

/** `Content-Length` of image parts, for browsers (omitted by design) and for MJPEG readers. */
function lengthFinding(probe: PushProbe): Finding | null {
  if (imagesLackLength(probe.timeline?.parts ?? []) !== true) return null;
  const browsers = "parts sent to <img> carry no Content-Length: their header block goes out " +
    "before the next frame exists, so a browser paints each frame the moment it ends";
  const readerLacks = probe.reader ? imagesLackLength(probe.reader.timeline?.parts ?? []) : null;
  if (readerLacks === false) {
    return note("content-length", `${browsers}; an MJPEG reader's request gets Content-Length`);
  }
  if (readerLacks === true) {
    return problem(
      "no-content-length",
      "no Content-Length for MJPEG readers: players that size a frame by it (many IP-camera " +
        "apps and scripts) cannot read this push",
      "send Content-Length on image parts to non-browser clients (multipart-push does when " +
        "the body's size is known)",
    );
  }
  return note("content-length", `${browsers}; MJPEG readers were not asked`);
}

/**
 * Every finding about a read, problems first.
 *
 * @example
 * ```ts ignore
 * diagnosis.findings = findingsOf(diagnosis, probe);
 * ```
 */
export function findingsOf(d: Diagnosis, probe: PushProbe): Finding[] {
  const found = RULES.map((rule) => rule(d, probe)).filter((f): f is Finding => f !== null);
  return [
    ...found.filter((f) => f.level === "problem"),
    ...found.filter((f) => f.level === "note"),
  ];
}
