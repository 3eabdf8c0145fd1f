// The doctor's findings (issue 24), from made-up reads with known arrival times: a healthy camera
// has no problem (browser framing, held lines, the fill before a close), and each fault is named,
// with the trade stated as a note where there is no fault (Content-Length to browsers).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { diagnose } from "../../lib/cli/diagnose.ts";
import type { Diagnosis } from "../../lib/cli/diagnosis.ts";
import { median } from "../../lib/cli/push_stats.ts";
import { reportText } from "../../lib/cli/report.ts";
import { paced, probeOf, replacePart } from "./_probes.ts";

const problems = (d: Diagnosis): string[] =>
  d.findings.filter((f) => f.level === "problem").map((f) => f.code);
const notes = (d: Diagnosis): string[] =>
  d.findings.filter((f) => f.level === "note").map((f) => f.code);

/** The parts of `chunks` with the Content-Length of their 1000-byte bodies (readers' framing). */
function withLength(chunks: [string, number][]): [string, number][] {
  return chunks.map((
    [text, at],
  ) => [text.replace("\r\n\r\n", "\r\nContent-Length: 1000\r\n\r\n"), at]);
}

describe("the doctor's findings", () => {
  it("a camera at 10 fps, on time: healthy, with its numbers", () => {
    const d = diagnose(probeOf(paced(40, 100), 4000));
    assert.deepEqual(problems(d), []);
    assert.equal(d.healthy, true);
    assert.equal(d.parts, 40);
    assert.equal(d.stats.rate, 9.76); // 39 gaps over the 3995 ms since the first part
    assert.deepEqual(d.stats.gaps, { min: 100, median: 100, max: 100 });
    assert.deepEqual(d.lateness?.beyond, { min: 0, median: 0, max: 0 });
    assert.match(reportText(d), /healthy: no problem found/);
  });

  it("parts in bursts: buffered on the way, with the burst's parts and size", () => {
    // 8 parts of 32 KB (and their heads) at once every 800 ms: a hop that holds about 256 KB.
    const chunks = paced(40, 100, 32 * 1024).map(([text, at]) =>
      [text, at === 1 ? 1 : 800 * Math.ceil(at / 800)] as [string, number]
    );
    const d = diagnose(probeOf(chunks, 4500));
    assert.ok(problems(d).includes("buffered"), JSON.stringify(d.findings));
    const buffered = d.findings.find((f) => f.code === "buffered")!;
    assert.match(buffered.message, /bursts of 8 \(about 257 KB\)/);
    assert.match(buffered.fix, /option http-no-delay/);
  });

  it("a flush read in two halves 60 ms apart (a busy reader, a slow link): still one burst of its bytes", () => {
    // The same hop, but each flush's last 4 parts reach the reader 60 ms after its first 4: more
    // than half the 100 ms frame interval, far less than the 800 ms between flushes.
    const chunks = paced(40, 100, 32 * 1024).map(([text, at]) => {
      const flush = 800 * Math.ceil(at / 800);
      return [text, at === 1 ? 1 : flush + (flush - at < 400 ? 60 : 0)] as [string, number];
    });
    const d = diagnose(probeOf(chunks, 4500));
    const buffered = d.findings.find((f) => f.code === "buffered");
    assert.match(buffered?.message ?? JSON.stringify(d.findings), /bursts of 8 \(about 257 KB\)/);
  });

  it("parts late against X-Timestamp: held on the way", () => {
    const d = diagnose(probeOf(paced(30, 100, 1000, (i) => (i % 2 ? 150 : 1)), 3100));
    assert.ok(problems(d).includes("late"), JSON.stringify(d.findings));
    assert.equal(d.lateness?.beyond.max, 149);
  });

  it("one late part among 30 is no lateness (the median is), and the first part is not counted", () => {
    const once = diagnose(probeOf(paced(30, 100, 1000, (i) => (i === 10 ? 150 : 1)), 3100));
    assert.deepEqual(problems(once), []);
    assert.equal(once.lateness?.beyond.max, 149);
    // The first part may be an old frame (a hub sends the last one it has at once).
    const old = diagnose(probeOf(paced(10, 100, 1000, (i) => (i === 0 ? 5000 : 1)), 1100));
    assert.deepEqual(old.lateness, {
      beyond: { min: 0, median: 0, max: 0 },
      least: 1,
      parts: 9,
      read: "browser",
    });
  });

  it("the median of an even count is the mean of the middle two", () => {
    assert.equal(median([10, 1, 3, 2]), 2.5);
    assert.equal(median([3, 1, 2]), 2);
  });

  it("a first part long after the request, then parts every 100 ms: first bytes late", () => {
    const chunks = paced(20, 100).map(([text, at]) => [text, at + 3000] as [string, number]);
    assert.deepEqual(problems(diagnose(probeOf(chunks, 5100))), ["late-start"]);
  });

  it("compressed, a 503 with Retry-After, a page instead of a push", () => {
    const gzip = diagnose(probeOf(paced(5, 100), 600, { headers: { "content-encoding": "gzip" } }));
    assert.deepEqual(problems(gzip), ["compressed"]);
    const busy = diagnose(probeOf([], 100, {
      status: 503,
      headers: { "retry-after": "5", "content-type": "text/plain" },
      timeline: null,
    }));
    assert.deepEqual(problems(busy), ["unavailable"]);
    assert.match(busy.findings[0].message, /503.*Retry-After: 5 s/);
    const identity = { headers: { "content-encoding": " identity " } };
    assert.deepEqual(problems(diagnose(probeOf(paced(5, 100), 600, identity))), []);
    const page = diagnose(probeOf([], 100, { headers: { "content-type": "text/html" } }));
    assert.deepEqual(problems(page), ["not-multipart"]);
  });

  it("an empty final part is a problem; the last frame repeated before the close is not", () => {
    const body = paced(5, 100);
    const empty = diagnose(probeOf([...body, ["\r\n--B--\r\n", 700]], 700, { endedAt: 700 }));
    assert.deepEqual(problems(empty), ["empty-final-part", "ended"]);
    const fill = [...body, [replacePart("x".repeat(1000)).replace(/--B\r\n$/, "--B--\r\n"), 700]];
    const repeated = diagnose(probeOf(fill as [string, number][], 700, { endedAt: 700 }));
    assert.deepEqual(problems(repeated), ["ended"]);
  });

  it("a boundary inside a body, a push that stalls", () => {
    const cut = [["--B\r\nContent-Type: image/jpeg\r\n\r\nab\r\n--Bcd\r\n--B\r\n", 5]];
    const d = diagnose(probeOf([...cut, ...paced(10, 100).slice(1)] as [string, number][], 1100));
    assert.deepEqual(problems(d), ["boundary-in-body"]);
    const stalled = diagnose(probeOf(paced(10, 100), 5000));
    assert.deepEqual(problems(stalled), ["stalled"]);
    assert.match(stalled.findings[0].message, /no part for the last 4095 ms/);
    // 3 s of silence at one part a second is less than 5 gaps: not a stall yet.
    assert.deepEqual(problems(diagnose(probeOf(paced(5, 1000), 7000))), []);
  });

  it("lists the problems first, then the notes", () => {
    const d = diagnose(probeOf(paced(10, 100), 5000, { headers: { "cache-control": "no-cache" } }));
    assert.deepEqual(d.findings.map((f) => [f.level, f.code]), [
      ["problem", "stalled"],
      ["note", "no-transform"],
      ["note", "content-length"],
      ["note", "http1"],
    ]);
  });

  it("an empty part in a push still open is no empty final part (only the close makes one)", () => {
    const open = [...paced(10, 100), [replacePart(""), 1000]];
    assert.deepEqual(problems(diagnose(probeOf(open as [string, number][], 1100))), []);
  });

  it("Content-Length: browsers go without by design (a note); readers without it is a problem", () => {
    const reader = (length: boolean) =>
      probeOf(length ? withLength(paced(3, 100)) : paced(3, 100), 400);
    const told = diagnose({ ...probeOf(paced(10, 100), 1000), reader: reader(true) });
    assert.deepEqual(problems(told), []);
    assert.ok(notes(told).includes("content-length"));
    const without = diagnose({ ...probeOf(paced(10, 100), 1000), reader: reader(false) });
    assert.deepEqual(problems(without), ["no-content-length"]);
  });

  it("takes lateness from the reader's read when the browser's parts carry no stamp", () => {
    const unstamped = paced(10, 100).map(([text, at]) =>
      [text.replace(/X-Timestamp: .*\r\n/, ""), at] as [string, number]
    );
    const reader = probeOf(withLength(paced(10, 100, 1000, (i) => 1 + 100 * (i % 2))), 1000);
    const d = diagnose({ ...probeOf(unstamped, 1000), reader });
    assert.equal(d.lateness?.read, "reader");
    assert.deepEqual(problems(d), ["late"]);
  });
});
