// The frame envelope: round trips, one copy of the body, and a clear error for every kind of garbage.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeFrame, encodeFrame, FrameError } from "../../lib/bus/mod.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { prng } from "../_helpers/random.ts";

const utf8 = new TextEncoder();

/** A valid frame with its bytes patched, for the garbage table. */
function patched(at: number, ...bytes: number[]): Uint8Array {
  const frame = encodeFrame({ contentType: "text/plain", body: "body" });
  frame.set(bytes, at);
  return frame;
}

/** A frame whose header block is `head` verbatim. */
function withHead(head: string | Uint8Array, body = "x"): Uint8Array {
  const h = typeof head === "string" ? utf8.encode(head) : head;
  const b = utf8.encode(body);
  const out = new Uint8Array(9 + h.byteLength + b.byteLength);
  const view = new DataView(out.buffer);
  out.set([0x6d, 0x70, 1]);
  view.setUint16(3, h.byteLength);
  view.setUint32(5, b.byteLength);
  out.set(h, 9);
  out.set(b, 9 + h.byteLength);
  return out;
}

describe("encodeFrame / decodeFrame", () => {
  it("round-trips content type, headers in order (duplicates kept) and binary bodies", () => {
    const body = new Uint8Array(256).map((_, i) => i);
    const headers: [string, string][] = [["X-Seq", "7"], ["X-Tag", "a"], ["X-Tag", "b ü"]];
    const part = decodeFrame(encodeFrame({ contentType: "image/jpeg; q=1", body, headers }));
    assert.equal(part.contentType, "image/jpeg; q=1");
    assert.deepEqual(part.headers, headers);
    assert.deepEqual(part.body, body);
    const empty = decodeFrame(encodeFrame({ contentType: "a/b", body: "" }));
    assert.deepEqual([empty.headers, empty.body.byteLength], [[], 0]);
  });

  it("copies the body once on encode (the caller may reuse it) and never on decode", () => {
    const body = utf8.encode("frame one");
    const bytes = encodeFrame({ contentType: "text/plain", body });
    body.fill(0);
    const part = decodeFrame(bytes);
    assert.equal(new TextDecoder().decode(part.body), "frame one");
    assert.equal(part.body.buffer, bytes.buffer, "the decoded body is a view of the message");
    assert.equal(bytes.byteLength, 9 + "Content-Type: text/plain\r\n".length + 9);
  });

  it("decodes a frame inside a larger buffer (a subarray, as bus clients hand them out)", () => {
    const frame = encodeFrame({ contentType: "text/plain", body: "in the middle" });
    const big = new Uint8Array(frame.byteLength + 20);
    big.set(frame, 7);
    const part = decodeFrame(big.subarray(7, 7 + frame.byteLength));
    assert.equal(new TextDecoder().decode(part.body), "in the middle");
  });

  it("refuses parts the hub would refuse, naming the argument", () => {
    const bad: [unknown, RegExp][] = [
      [null, /part must be an object/],
      [{ contentType: "", body: "x" }, /part.contentType must be a non-empty string/],
      [{ contentType: "a/b", body: 5 }, /part.body must be .*got 5/],
      [{ contentType: "a/b", body: new Blob(["x"]) }, /read it into bytes first/],
      [{ contentType: "a/b\r\nX: y", body: "x" }, /header injection/],
      [{ contentType: "a/b", body: "x", headers: { "Content-Length": "1" } }, /must not set/],
      [{ contentType: "a/b", body: "x", headers: { "X-Big": "v".repeat(70000) } }, /at most 65535/],
    ];
    for (const [part, message] of bad) {
      assert.throws(() => encodeFrame(part as never), message, String(message));
    }
  });

  it("refuses garbage with a FrameError saying what was found", () => {
    const table: [string, unknown, RegExp][] = [
      ["a string", "mp\u0001", /^TypeError: bytes must be a Uint8Array, got the string "mp/],
      ["an ArrayBuffer", new ArrayBuffer(9), /bytes must be a Uint8Array, got an ArrayBuffer/],
      ["null", null, /bytes must be a Uint8Array, got null/],
      ["empty", new Uint8Array(0), /at least 9 bytes long, got 0/],
      ["JSON", utf8.encode('{"contentType":"x"}'), /magic 6d 70 \("mp"\), got 7b 22/],
      ["version 2", patched(2, 2), /envelope version 2; this module reads version 1/],
      ["header length too long", patched(3, 0xff, 0xff), /65535-byte header block.*got 39 bytes/],
      ["body length too short", patched(8, 1), /1-byte body.*got 39 bytes/],
      [
        "bad UTF-8",
        withHead(new Uint8Array([...utf8.encode("Content-Type: a/"), 0xff, 13, 10])),
        /UTF-8/,
      ],
      ["no Content-Type", withHead("X-A: 1\r\n"), /must start with "Content-Type: "/],
      ["no final CRLF", withHead("Content-Type: a/b"), /end with CRLF/],
      ["empty type", withHead("Content-Type:  \r\n"), /empty Content-Type/],
      ["bad name", withHead("Content-Type: a/b\r\nX Y: 1\r\n"), /"X Y" is not an RFC 9110 token/],
      ["no colon", withHead("Content-Type: a/b\r\nnothing\r\n"), /"nothing" has no "Name: value"/],
      ["lone LF", withHead("Content-Type: a/b\r\nX: 1\n2\r\n"), /header injection/],
      ["NUL", withHead("Content-Type: a/b\0\r\n"), /header injection/],
      ["Content-Length", withHead("Content-Type: a/b\r\nContent-Length: 1\r\n"), /must not set/],
    ];
    for (const [what, bytes, message] of table) {
      assert.throws(() => decodeFrame(bytes as Uint8Array), (error: Error) => {
        assert.match(
          `${error.name === "FrameError" ? "" : "TypeError: "}${error.message}`,
          message,
        );
        assert.ok(error instanceof TypeError, what);
        if (bytes instanceof Uint8Array) assert.ok(error instanceof FrameError, what);
        return true;
      }, what);
    }
  });

  it("random and truncated bytes: a FrameError, or a part whose encoding is those very bytes", () => {
    const random = prng(12);
    const valid = encodeFrame({ contentType: "text/plain", body: "abc", headers: { "X-A": "1" } });
    const hub = new PushHub();
    /** Each input with whether it must be refused (true) or may decode (undefined: either). */
    const inputs: [Uint8Array, boolean | undefined][] = [];
    // Every proper prefix lacks bytes its lengths announce.
    for (let n = 0; n < valid.byteLength; n++) inputs.push([valid.slice(0, n), true]);
    // A byte more than the lengths announce.
    inputs.push([Uint8Array.of(...valid, 0), true]);
    for (let i = 0; i < 2000; i++) {
      const bytes = valid.slice();
      // Mostly a few flipped bytes of a real frame (reaches the header parser), sometimes noise,
      // whose first three bytes are the magic and version 1 time in 16 million.
      const noise = i % 10 === 0;
      if (noise) { for (let j = 0; j < bytes.length; j++) bytes[j] = random(256); }
      else for (let k = 0; k <= random(3); k++) bytes[random(bytes.length)] = random(256);
      inputs.push([bytes, noise && (bytes[0] !== 0x6d || bytes[1] !== 0x70 || bytes[2] !== 1)]);
    }
    const outcomes = { refused: 0, decoded: 0 };
    for (const [bytes, refuse] of inputs) {
      let part;
      try {
        part = decodeFrame(bytes);
      } catch (error) {
        assert.ok(error instanceof FrameError, `${error} for ${bytes}`);
        outcomes.refused++;
        continue;
      }
      assert.notEqual(refuse, true, `garbage decoded: ${bytes}`);
      // What was accepted is exactly a frame: encoding the part gives back the same bytes.
      assert.deepEqual(encodeFrame(part), bytes, `decoded as something else: ${bytes}`);
      outcomes.decoded++;
      hub.publish(part);
    }
    hub.close();
    // Both outcomes happened (the table above is not all one kind).
    assert.ok(outcomes.decoded > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });
});
