// The doctor's reading of a push's bytes (issue 24): every framing a push may use, in any chunking,
// gives the parts with their sizes and times and no fault; what is not a part is a fault.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bytes, timelineOf } from "./_probes.ts";
import { PartTimeline } from "../../lib/cli/part_timeline.ts";

const JPEG = "\xff\xd8" + "body".repeat(50) + "\xff\xd9";

/** Sizes and times of the parts, the close time and the faults of a timeline. */
function summary(timeline: PartTimeline) {
  return {
    parts: timeline.parts.map((part) => [part.size, part.at, part.contentLength]),
    closed: timeline.closed,
    faults: timeline.faults,
  };
}

describe("PartTimeline", () => {
  it("reads browser framing: the delimiter held, the next head announced, a repeated last frame, the close", () => {
    const timeline = timelineOf([
      [" ".repeat(510) + "\r\n--B\r\nContent-Type: image/jpeg\r\n\r\n", 3], // 512-byte preamble
      [`${JPEG}\r\n--B`, 10],
      ["\r\nContent-Type: image/jpeg\r\n\r\n", 11], // the next part's head, sent ahead
      [`${JPEG}\r\n--B`, 110],
      ["\r\nContent-Type: image/jpeg\r\n\r\n", 111],
      [`${JPEG}\r\n--B--\r\n`, 200], // the fill: the last frame again, then the close
    ]);
    assert.deepEqual(summary(timeline), {
      parts: [[JPEG.length, 10, null], [JPEG.length, 110, null], [JPEG.length, 200, null]],
      closed: 200,
      faults: [],
    });
    assert.equal(timeline.preamble, 512);
    assert.equal(timeline.firstByteAt, 3);
  });

  it("reads readers' held framing: CRLF head CRLF body CRLF--B, closed with --CRLF", () => {
    const head = `\r\nContent-Type: image/jpeg\r\nContent-Length: ${JPEG.length}\r\n` +
      "X-Timestamp: 1700000000.250000\r\n\r\n";
    const timeline = timelineOf([
      ["--B", 1],
      [`${head}${JPEG}\r\n--B`, 20],
      [`${head}${JPEG}\r\n--B`, 70],
      ["--\r\n", 90],
    ]);
    assert.deepEqual(summary(timeline), {
      parts: [[JPEG.length, 20, JPEG.length], [JPEG.length, 70, JPEG.length]],
      closed: 90,
      faults: [],
    });
    assert.equal(timeline.parts[0].stamp, 1700000000.25);
  });

  it("gives the same parts for every chunking, down to one byte per chunk", () => {
    const stream = "--B\r\nContent-Type: image/jpeg\r\n\r\n" + JPEG + "\r\n--B\r\n" +
      `Content-Type: image/jpeg\r\nContent-Length: ${JPEG.length}\r\n\r\n${JPEG}\r\n--B--\r\n`;
    const whole = timelineOf([[stream, 0]]);
    for (const size of [1, 2, 3, 7, 64]) {
      const timeline = new PartTimeline("B");
      for (let at = 0; at < stream.length; at += size) {
        timeline.push(bytes(stream.slice(at, at + size)), 0);
      }
      assert.deepEqual(summary(timeline), summary(whole), `chunks of ${size}`);
    }
    assert.deepEqual(whole.parts.map((part) => part.size), [JPEG.length, JPEG.length]);
  });

  it("records an empty part before the close as a part of size 0 (with or without a head)", () => {
    for (const last of ["", "Content-Type: image/jpeg\r\n\r\n"]) {
      const timeline = timelineOf([
        [`--B\r\nContent-Type: image/jpeg\r\n\r\n${JPEG}\r\n--B\r\n`, 5],
        [`${last}\r\n--B--\r\n`, 900],
      ]);
      assert.deepEqual(summary(timeline).parts, [[JPEG.length, 5, null], [0, 900, null]]);
      assert.equal(timeline.closed, 900);
    }
  });

  it("notes a boundary inside a body, with and without Content-Length", () => {
    const cut = timelineOf([
      ["--B\r\nContent-Type: image/jpeg\r\n\r\nab\r\n--Bcd\r\n--B\r\n", 5],
      ["Content-Type: image/jpeg\r\n\r\nef\r\n--B\r\n", 9],
    ]);
    assert.deepEqual(cut.faults, [{ kind: "boundary-in-body", part: 1 }]);
    const sized = timelineOf([["--B\r\nContent-Length: 9\r\n\r\nab\r\n--Bcd\r\n--B\r\n", 5]]);
    assert.deepEqual(sized.faults, [{ kind: "boundary-in-body", part: 1 }]);
    assert.deepEqual(sized.parts.map((part) => part.size), [9]);
  });

  it("notes a Content-Length that does not match the body", () => {
    const timeline = timelineOf([["--B\r\nContent-Length: 5\r\n\r\nabc\r\n--B\r\n", 5]]);
    assert.deepEqual(timeline.faults, [{ kind: "length-mismatch", part: 1 }]);
  });

  it("keeps a bounded amount while no part ends, then reads on from the next delimiter", () => {
    const timeline = new PartTimeline("B", 1000);
    timeline.push(bytes("--B\r\nContent-Type: image/jpeg\r\n\r\n"), 1);
    for (let i = 0; i < 50; i++) timeline.push(bytes("x".repeat(100)), 2);
    timeline.push(bytes("\r\n--B\r\nContent-Type: image/jpeg\r\n\r\nok\r\n--B"), 3);
    assert.deepEqual(timeline.faults, [{ kind: "oversized", part: 1 }]);
    assert.deepEqual(timeline.parts.map((part) => part.size), [2]);
  });
});
