// Reads made up for the doctor's analysis tests: bytes with arrival times, as the connection would
// note them, turned into the PushProbe that diagnose() takes. No network: every runtime runs them.
import type { PushProbe } from "../../lib/cli/diagnosis.ts";
import { PartTimeline } from "../../lib/cli/part_timeline.ts";

/** The epoch ms the made-up requests were sent at. */
export const SENT_AT = 1_700_000_000_000;

/** Text as one byte per character. */
export function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** A timeline of boundary "B" fed `chunks` ([text, ms after the request]). */
export function timelineOf(chunks: [string, number][], boundary = "B"): PartTimeline {
  const timeline = new PartTimeline(boundary);
  for (const [text, at] of chunks) timeline.push(bytes(text), at);
  return timeline;
}

/** A part in browser framing: body, the next delimiter held, then the next head (announced). */
export function replacePart(body: string, stamp?: number): string {
  const stamped = stamp === undefined ? "" : `X-Timestamp: ${(stamp / 1000).toFixed(6)}\r\n`;
  return `Content-Type: image/jpeg\r\n${stamped}\r\n${body}\r\n--B\r\n`;
}

/** A probe with a healthy push's headers, `chunks` as its body, read for `readMs`. */
export function probeOf(
  chunks: [string, number][],
  readMs: number,
  extra: Partial<Omit<PushProbe, "headers">> & { headers?: Record<string, string> } = {},
): PushProbe {
  const headers = new Headers({
    "content-type": "multipart/x-mixed-replace; boundary=B",
    "cache-control": "no-cache, no-store, must-revalidate, no-transform",
    "x-accel-buffering": "no",
    ...extra.headers,
  });
  return {
    url: "http://camera.test/stream",
    status: 200,
    httpVersion: "1.1",
    sentAt: SENT_AT,
    headAt: 2,
    readMs,
    timeline: timelineOf(chunks),
    endedAt: null,
    error: null,
    ...extra,
    headers,
  };
}

/** A camera's push: `count` parts of `size` bytes, one every `every` ms, stamped `late` ms early. */
export function paced(
  count: number,
  every: number,
  size = 1000,
  late: (i: number) => number = () => 1,
): [string, number][] {
  const chunks: [string, number][] = [["--B\r\n", 1]];
  for (let i = 0; i < count; i++) {
    const at = 5 + i * every;
    chunks.push([replacePart("x".repeat(size), SENT_AT + at - late(i)), at]);
  }
  return chunks;
}
