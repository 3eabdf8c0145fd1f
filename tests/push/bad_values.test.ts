// Issue 10, item 18 and its general rule: for each option, the bad values and the error each gets.
// A wrong value is shown with its type (`got the string "100"`), runtime errors (Headers,
// detached buffers) come back as the library's own message naming the argument, a Symbol header
// value is refused and `mode: null` is a TypeError. A bad value tests/push/bad_input.test.ts already
// checks, with the same call and message, is not repeated here.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushStream } from "../../lib/push/stream.ts";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import type { PushResponseOptions } from "../../lib/push/response.ts";
import { refreshHeader } from "../../lib/pull/refresh.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { relay } from "../../lib/parse/relay.ts";
import { jpegFrames } from "../../lib/mjpeg/jpeg_frames.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { describeValue } from "../../lib/shared/describe.ts";
import { assertThrowsExactly, type BadCall } from "../_helpers/throws.ts";

const ok: Part = { contentType: "text/plain", body: "x" };
const push = (options: unknown) => (): unknown =>
  pushResponse([ok], options as PushResponseOptions);
const part = (p: unknown) => (): unknown => pushStream([p as Part]);
const upstream = (): Response =>
  new Response("--B--\r\n", { headers: { "Content-Type": "multipart/mixed;boundary=B" } });

/** A buffer whose memory was handed elsewhere (transferred), as after postMessage. */
function detached(): ArrayBuffer {
  return detachedView().buffer as ArrayBuffer;
}

/** A view made before its buffer was transferred: it now reads as empty. */
function detachedView(): Uint8Array {
  const view = new Uint8Array(8);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  return view;
}

/** Per option: each bad value, and the error it gets. */
const table: Record<string, BadCall[]> = {
  "options.mode": [
    [
      "null",
      push({ mode: null }),
      TypeError,
      /^options\.mode must be "replace" or "mixed", got null/,
    ],
    ["a number", push({ mode: 1 }), TypeError, /^options\.mode must be .* got 1$/],
  ],
  "options.idleTimeout": [
    [
      "a string",
      push({ idleTimeout: "100" }),
      RangeError,
      /^options\.idleTimeout must be .* got the string "100"$/,
    ],
    ["null", push({ idleTimeout: null }), RangeError, /^options\.idleTimeout must be .* got null$/],
    ["0", push({ idleTimeout: 0 }), RangeError, /got 0$/],
  ],
  "options.maxDuration": [
    [
      "a string",
      push({ maxDuration: "5" }),
      RangeError,
      /^options\.maxDuration must be .* got the string "5"$/,
    ],
    ["null", push({ maxDuration: null }), RangeError, /^options\.maxDuration must be .* got null$/],
    ["a negative number", push({ maxDuration: -5 }), RangeError, /got -5$/],
  ],
  "options.advanceHeaders": [
    [
      "a string",
      push({ advanceHeaders: "yes" }),
      TypeError,
      /^options\.advanceHeaders must be a boolean, got the string "yes"$/,
    ],
    ["null", push({ advanceHeaders: null }), TypeError, /got null$/],
  ],
  "options.onError": [
    ["null", push({ onError: null }), TypeError, /^options\.onError must be a function, got null$/],
  ],
  "options.waitUntil": [
    [
      "an object",
      push({ waitUntil: {} }),
      TypeError,
      /^options\.waitUntil must be a function, got an object$/,
    ],
    [
      "null",
      push({ waitUntil: null }),
      TypeError,
      /^options\.waitUntil must be a function, got null$/,
    ],
  ],
  "options.signal": [
    [
      "null",
      push({ signal: null }),
      TypeError,
      /^options\.signal must be an AbortSignal, got null$/,
    ],
    [
      "a string",
      push({ signal: "abort" }),
      TypeError,
      /^options\.signal must be an AbortSignal, got the string "abort"$/,
    ],
  ],
  "options.request": [
    [
      "a string",
      push({ request: "http://x/" }),
      TypeError,
      /^options\.request must be a Request, got the string/,
    ],
  ],
  "options.status": [
    [
      "a string",
      push({ status: "200" }),
      RangeError,
      /^options\.status must be an integer .* got the string "200"$/,
    ],
    ["null", push({ status: null }), RangeError, /^options\.status must be .* got null$/],
    ["304", push({ status: 304 }), RangeError, /got 304$/],
  ],
  "options.headers": [
    [
      "a number",
      push({ headers: 5 }),
      TypeError,
      /^options\.headers must be a Headers, an array of \[name, value\] pairs or a record, got 5$/,
    ],
    [
      "CRLF in a value",
      push({ headers: { "X-A": "1\r\nX-B: 2" } }),
      TypeError,
      /^options\.headers: header X-A has a value containing CR, LF or NUL/,
    ],
    [
      "a name that is not a token",
      push({ headers: { "X A": "1" } }),
      TypeError,
      /^options\.headers: header name "X A" is not an RFC 9110 token/,
    ],
    [
      "a Symbol value",
      push({ headers: { "X-A": Symbol("s") } }),
      TypeError,
      /^options\.headers: header X-A must be a string, got the symbol Symbol\(s\)$/,
    ],
    ["a value above U+00FF", push({ headers: { "X-A": "\u0100" } }), TypeError, /above U\+00FF/],
    [
      "a pair that is not a pair",
      push({ headers: [["X-A"]] }),
      TypeError,
      /^options\.headers\[0\] must be a \[name, value\] pair, got an array of length 1$/,
    ],
  ],
  "options": [
    [
      "a string",
      () => pushStream([ok], "x" as never),
      TypeError,
      /^options must be an object, got the string "x"$/,
    ],
  ],
  "parts[i].contentType": [
    [
      "a number",
      part({ body: "", contentType: 5 }),
      TypeError,
      /^parts\[0\]\.contentType must be a non-empty string, got 5$/,
    ],
  ],
  "parts[i].headers": [
    [
      "a Symbol value",
      part({ ...ok, headers: { "X-A": Symbol("s") } }),
      TypeError,
      /^parts\[0\]\.headers: header X-A must be a string, got the symbol Symbol\(s\)$/,
    ],
    [
      "a Symbol value in a pair",
      part({ ...ok, headers: [["X-A", Symbol()]] }),
      TypeError,
      /^parts\[0\]\.headers: header X-A must be a string, got the symbol Symbol\(\)$/,
    ],
    ["a number", part({ ...ok, headers: 5 }), TypeError, /^parts\[0\]\.headers must be .* got 5$/],
  ],
  "parts[i].body": [
    [
      "a detached ArrayBuffer",
      part({ ...ok, body: detached() }),
      TypeError,
      /^parts\[0\]\.body is a detached ArrayBuffer \(its memory was transferred/,
    ],
    [
      "a view of a detached ArrayBuffer",
      part({ ...ok, body: detachedView() }),
      TypeError,
      /^parts\[0\]\.body is a detached ArrayBuffer/,
    ],
    ["null", part({ ...ok, body: null }), TypeError, /^parts\[0\]\.body must be .* got null$/],
  ],
  "refreshHeader seconds": [
    [
      "a string",
      () => refreshHeader("5" as unknown as number),
      RangeError,
      /^seconds must be a non-negative finite number, got the string "5"$/,
    ],
    ["NaN", () => refreshHeader(NaN), RangeError, /got NaN$/],
  ],
  "refreshHeader base": [
    [
      "a relative URL",
      () => refreshHeader(1, "/x", "relative/base"),
      TypeError,
      /^base must be an absolute http\(s\) URL, got the string "relative\/base"$/,
    ],
  ],
  "refreshHeader url": [
    [
      "a javascript: URL",
      () => refreshHeader(1, "javascript:alert(1)"),
      TypeError,
      /^url must be an http\(s\) or relative URL, got the string "javascript:alert\(1\)"$/,
    ],
    [
      "a number",
      () => refreshHeader(1, 5 as unknown as string),
      TypeError,
      /^url must be a string or URL, got 5$/,
    ],
  ],
  "parseParts options.maxParts": [
    [
      "a string",
      () => parseParts(upstream(), { maxParts: "100" as unknown as number }),
      TypeError,
      /^options\.maxParts must be a whole number of bytes or parts, got the string "100"$/,
    ],
    [
      "0",
      () => parseParts(upstream(), { maxParts: 0 }),
      RangeError,
      /^options\.maxParts must be at least 1, got 0$/,
    ],
  ],
  "parseParts options": [
    [
      "a string",
      () => parseParts(upstream(), "x" as never),
      TypeError,
      /^options must be an object, got the string "x"$/,
    ],
  ],
  "parseParts options.maxHeaderSize": [
    [
      "a string",
      () => parseParts(upstream(), { maxHeaderSize: "1" as unknown as number }),
      TypeError,
      /^options\.maxHeaderSize must be .* got the string "1"$/,
    ],
  ],
  "parseParts options.maxPartSize": [
    [
      "-1",
      () => parseParts(upstream(), { maxPartSize: -1 }),
      RangeError,
      /^options\.maxPartSize must be at least 1, got -1$/,
    ],
  ],
  "parseParts options.signal": [
    [
      "a string",
      () => parseParts(upstream(), { signal: "x" as never }),
      TypeError,
      /^options\.signal must be an AbortSignal, got the string "x"$/,
    ],
  ],
  "parseParts options.boundary": [
    [
      "a number",
      () => parseParts(upstream(), { boundary: 5 as never }),
      TypeError,
      /^boundary must be a string, got 5$/,
    ],
  ],
  "relay options.defaultContentType": [
    [
      "an empty string",
      () => relay(upstream(), () => {}, { defaultContentType: "" }),
      TypeError,
      /^options\.defaultContentType must be a non-empty string, got the string ""$/,
    ],
  ],
  "relay publish": [
    [
      "a string",
      () => relay(upstream(), "x" as never),
      TypeError,
      /^publish must be a function, got the string "x"$/,
    ],
  ],
  "jpegFrames options.maxFrameSize": [
    [
      "a string",
      () => jpegFrames({ maxFrameSize: "9" as unknown as number }),
      RangeError,
      /got the string "9"$/,
    ],
    [
      "3",
      () => jpegFrames({ maxFrameSize: 3 }),
      RangeError,
      /^options\.maxFrameSize must be an integer number of bytes >= 4, got 3$/,
    ],
  ],
  "PushHub options.maxQueue": [
    [
      "a string",
      () => new PushHub({ maxQueue: "5" as unknown as number }),
      RangeError,
      /^options\.maxQueue must be .* got the string "5"$/,
    ],
  ],
  "PushHub init.fps": [
    [
      "a string",
      () => new PushHub().response(undefined, { fps: "5" as unknown as number }),
      RangeError,
      /^init\.fps must be .* got the string "5"$/,
    ],
  ],
};

describe("bad values, per option (issue 10, item 18)", () => {
  for (const [option, rows] of Object.entries(table)) {
    for (const [what, call, kind, message] of rows) {
      it(`${option}: ${what} gets a ${kind.name}`, () => {
        assertThrowsExactly(call, kind, message);
      });
    }
  }

  it("still takes what the Headers constructor takes: a Map of pairs, for response and part headers", async () => {
    const pairs = new Map([["X-A", "1"], ["Cache-Control", "max-age=0"]]);
    const response = pushResponse([{ ...ok, headers: new Map([["X-B", "2"]]) as never }], {
      headers: pairs as never,
    });
    assert.equal(response.headers.get("x-a"), "1");
    assert.equal(response.headers.get("cache-control"), "max-age=0");
    assert.match(await response.text(), /\r\nX-B: 2\r\n/);
  });

  it("the shared formatter shows each type", () => {
    const cases: [unknown, string][] = [
      ["100", 'the string "100"'],
      [100, "100"],
      [NaN, "NaN"],
      [true, "true"],
      [5n, "5n"],
      [null, "null"],
      [undefined, "undefined"],
      [Symbol("s"), "the symbol Symbol(s)"],
      [{}, "an object"],
      [Object.create(null), "an object"],
      [[1, 2], "an array of length 2"],
      [new Map(), "a Map"],
      [new Int8Array(1), "an Int8Array"],
      [function named() {}, "the function named"],
      ["x".repeat(100), `the string "${"x".repeat(60)}…"`],
    ];
    for (const [value, expected] of cases) assert.equal(describeValue(value), expected);
  });
});
