import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushStream } from "../../lib/push/stream.ts";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part, PartSource } from "../../lib/push/part.ts";
import { assertThrowsExactly, type BadCall } from "../_helpers/throws.ts";

const ok: Part = { contentType: "text/plain", body: "x" };
const parts = (part: unknown): PartSource => [part as Part];

const table: BadCall[] = [
  [
    "a source that is not iterable",
    () => pushStream(42 as unknown as PartSource),
    TypeError,
    /^parts must be an AsyncIterable<Part> or an Iterable<Part>, got 42$/,
  ],
  [
    "a null source",
    () => pushStream(null as unknown as PartSource),
    TypeError,
    /^parts must be .* got null/,
  ],
  [
    "a string source",
    () => pushStream("abc" as unknown as PartSource),
    TypeError,
    /^parts must be/,
  ],
  [
    "a part that is not an object",
    () => pushStream(parts("x")),
    TypeError,
    /^parts\[0\] must be an object \{ contentType, body \}, got the string "x"$/,
  ],
  [
    "an empty contentType",
    () => pushStream(parts({ contentType: "", body: "x" })),
    TypeError,
    /^parts\[0\]\.contentType must be a non-empty string, got the string ""$/,
  ],
  [
    "CR/LF in contentType",
    () => pushStream(parts({ contentType: "text/html\r\nX-Evil: 1", body: "" })),
    TypeError,
    /^parts\[0\]\.contentType: header Content-Type has a value containing CR, LF or NUL \(header injection\)/,
  ],
  [
    "LF in a header value",
    () => pushStream(parts({ ...ok, headers: { "X-A": "1\n--B" } })),
    TypeError,
    /^parts\[0\]\.headers: header X-A has a value containing CR, LF or NUL/,
  ],
  [
    "NUL in a header value",
    () => pushStream(parts({ ...ok, headers: [["X-A", "a\0b"]] })),
    TypeError,
    /containing CR, LF or NUL/,
  ],
  [
    "a header name that is not a token",
    () => pushStream(parts({ ...ok, headers: { "X A": "1" } })),
    TypeError,
    /^parts\[0\]\.headers: header name "X A" is not an RFC 9110 token/,
  ],
  [
    "a CR in a header name",
    () => pushStream(parts({ ...ok, headers: { "X\rA": "1" } })),
    TypeError,
    /is not an RFC 9110 token/,
  ],
  [
    "Content-Length in part headers",
    () => pushStream(parts({ ...ok, headers: { "content-length": "9" } })),
    TypeError,
    /^parts\[0\]\.headers must not set content-length/,
  ],
  [
    "Content-Type in part headers",
    () => pushStream(parts({ ...ok, headers: { "Content-Type": "a/b" } })),
    TypeError,
    /must not set Content-Type/,
  ],
  [
    "a body of an unsupported type",
    () => pushStream(parts({ contentType: "a/b", body: 12 })),
    TypeError,
    /^parts\[0\]\.body must be a string, Uint8Array, ArrayBuffer, ArrayBufferView, Blob or ReadableStream<Uint8Array>, got 12$/,
  ],
  [
    "a body that is a plain object",
    () => pushStream(parts({ contentType: "a/b", body: {} })),
    TypeError,
    /got an object/,
  ],
  [
    "a locked ReadableStream body",
    () => {
      const body = new ReadableStream();
      body.getReader();
      return pushStream(parts({ contentType: "a/b", body }));
    },
    TypeError,
    /^parts\[0\]\.body is a ReadableStream that is already locked/,
  ],
  [
    "an empty boundary",
    () => pushStream([ok], { boundary: "" }),
    RangeError,
    /^options\.boundary must be 1-70 characters from RFC 2046 bchars/,
  ],
  [
    "a boundary of 71 characters",
    () => pushStream([ok], { boundary: "a".repeat(71) }),
    RangeError,
    /^options\.boundary must be 1-70/,
  ],
  [
    "a boundary ending in a space",
    () => pushStream([ok], { boundary: "abc " }),
    RangeError,
    /not ending in a space/,
  ],
  [
    "a boundary with a CRLF",
    () => pushStream([ok], { boundary: "a\r\nb" }),
    RangeError,
    /^options\.boundary must be 1-70/,
  ],
  [
    "a boundary with a quote",
    () => pushStream([ok], { boundary: 'a"b' }),
    RangeError,
    /^options\.boundary/,
  ],
  [
    "a boundary that is not a string",
    () => pushStream([ok], { boundary: 5 as unknown as string }),
    TypeError,
    /^options\.boundary must be a string, got 5$/,
  ],
  [
    "the caller's boundary inside a body",
    () => pushStream([{ contentType: "a/b", body: "x\r\n--frame\r\n" }], { boundary: "frame" }),
    RangeError,
    /^parts\[0\]\.body contains "--frame", which would end the part early/,
  ],
  [
    "the caller's boundary inside a later byte body",
    () =>
      pushStream([ok, { contentType: "a/b", body: new TextEncoder().encode("--frame--") }], {
        boundary: "frame",
      }),
    RangeError,
    /^parts\[1\]\.body contains "--frame"/,
  ],
  [
    "a negative idleTimeout",
    () => pushStream([ok], { idleTimeout: -1 }),
    RangeError,
    /^options\.idleTimeout must be a number of milliseconds > 0 and <= 2147483647, or Infinity, got -1/,
  ],
  [
    "a zero idleTimeout",
    () => pushStream([ok], { idleTimeout: 0 }),
    RangeError,
    /^options\.idleTimeout must be/,
  ],
  [
    "a NaN maxDuration",
    () => pushStream([ok], { maxDuration: NaN }),
    RangeError,
    /^options\.maxDuration must be .* got NaN/,
  ],
  [
    "a maxDuration past the timer limit",
    () => pushStream([ok], { maxDuration: 2 ** 31 }),
    RangeError,
    /^options\.maxDuration must be/,
  ],
  [
    "a string idleTimeout",
    () => pushStream([ok], { idleTimeout: "5" as unknown as number }),
    RangeError,
    /^options\.idleTimeout/,
  ],
  [
    "an unknown mode",
    () => pushStream([ok], { mode: "append" as "mixed" }),
    RangeError,
    /^options\.mode must be "replace" or "mixed", got the string "append"$/,
  ],
  [
    "advanceHeaders in mixed mode",
    () => pushStream([ok], { mode: "mixed", advanceHeaders: true }),
    RangeError,
    /^options\.advanceHeaders applies to mode "replace" only/,
  ],
  [
    "a non-boolean advanceHeaders",
    () => pushStream([ok], { advanceHeaders: 1 as unknown as boolean }),
    TypeError,
    /^options\.advanceHeaders must be a boolean/,
  ],
  [
    "a signal that is not an AbortSignal",
    () => pushStream([ok], { signal: {} as AbortSignal }),
    TypeError,
    /^options\.signal must be an AbortSignal/,
  ],
  [
    "a request that is not a Request",
    () => pushStream([ok], { request: {} as Request }),
    TypeError,
    /^options\.request must be a Request/,
  ],
  [
    "an onError that is not a function",
    () => pushStream([ok], { onError: "log" as unknown as () => void }),
    TypeError,
    /^options\.onError must be a function, got the string "log"$/,
  ],
  [
    "options that are not an object",
    () => pushStream([ok], 5 as unknown as undefined),
    TypeError,
    /^options must be an object/,
  ],
  [
    "a status of 204",
    () => pushResponse([ok], { status: 204 }),
    RangeError,
    /^options\.status must be an integer from 200 to 599 other than 204, 205 and 304, got 204/,
  ],
  ["a status of 99", () => pushResponse([ok], { status: 99 }), RangeError, /^options\.status/],
  [
    "a fractional status",
    () => pushResponse([ok], { status: 200.5 }),
    RangeError,
    /^options\.status must be an integer .* got 200\.5$/,
  ],
  [
    "Content-Type in response headers",
    () => pushResponse([ok], { headers: { "Content-Type": "text/plain" } }),
    TypeError,
    /^options\.headers must not set content-type: the push or the server sets it$/,
  ],
  [
    "Transfer-Encoding in response headers",
    () => pushResponse([ok], { headers: { "Transfer-Encoding": "chunked" } }),
    TypeError,
    /^options\.headers must not set transfer-encoding/,
  ],
  [
    "Connection in response headers",
    () => pushResponse([ok], { headers: { Connection: "close" } }),
    TypeError,
    /must not set connection/,
  ],
];

describe("pushStream and pushResponse bad input", () => {
  for (const [what, call, kind, message] of table) {
    it(`throws ${kind.name} for ${what}, before any byte`, () => {
      assertThrowsExactly(call, kind, message);
    });
  }

  it("errors the stream (not a corrupt one) when an async source yields a part with CR/LF in a header", async () => {
    async function* source(): AsyncGenerator<Part> {
      yield { contentType: "text/plain", body: "x", headers: { "X-A": "1\r\nX-Evil: 1" } };
    }
    const reader = pushStream(source()).getReader();
    await reader.read();
    await assert.rejects(
      reader.read(),
      (error: Error) => error instanceof TypeError && /header injection/.test(error.message),
    );
  });
});
