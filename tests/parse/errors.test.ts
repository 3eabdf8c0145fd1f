import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts, type ParsePartsOptions } from "../../lib/parse/parse_parts.ts";
import { MultipartParseError, type MultipartParseErrorCode } from "../../lib/parse/errors.ts";

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.slice(i, i + size);
}

interface ErrorCase {
  name: string;
  wire: string;
  options?: Omit<ParsePartsOptions, "boundary">;
  /** Bodies yielded before the error. */
  before: string[];
  code: MultipartParseErrorCode;
}

const cases: ErrorCase[] = [
  {
    name: "stream ends inside a part: the parts before it are all yielded",
    wire: "--B\r\n\r\none\r\n--B\r\n\r\ntwo\r\n--B\r\n\r\nthr",
    before: ["one", "two"],
    code: "truncated",
  },
  {
    name: "stream ends right after a delimiter (a camera that went away)",
    wire: "--B\r\nContent-Type: image/jpeg\r\n\r\nframe\r\n--B\r\n",
    before: ["frame"],
    code: "truncated",
  },
  {
    name: "stream ends inside the close delimiter",
    wire: "--B\r\n\r\nx\r\n--B-",
    before: ["x"],
    code: "truncated",
  },
  { name: "empty stream", wire: "", before: [], code: "truncated" },
  { name: "no boundary at all", wire: "hello world\r\n", before: [], code: "truncated" },
  {
    name: "a header block longer than maxHeaderSize",
    wire: "--B\r\nX-Big: " + "a".repeat(100) + "\r\n\r\nbody\r\n--B--",
    options: { maxHeaderSize: 64 },
    before: [],
    code: "header-too-large",
  },
  {
    name: "a header block that never ends, in a large part",
    wire: "--B\r\nok\r\n--B\r\n" + "x".repeat(500),
    options: { maxHeaderSize: 64 },
    before: [],
    code: "malformed-header",
  },
  {
    name: "a part longer than maxPartSize, after a part that fits",
    wire: "--B\r\n\r\nsmall\r\n--B\r\n\r\n" + "x".repeat(200) + "\r\n--B--",
    options: { maxPartSize: 64 },
    before: ["small"],
    code: "part-too-large",
  },
  {
    name: "a part longer than maxPartSize that never ends",
    wire: "--B\r\n\r\n" + "x".repeat(5000),
    options: { maxPartSize: 1000 },
    before: [],
    code: "part-too-large",
  },
  {
    name: "a header line without a colon",
    wire: "--B\r\nContent-Type: a/b\r\nnot a header\r\n\r\nx\r\n--B--",
    before: [],
    code: "malformed-header",
  },
  {
    name: "a header name that is not a token",
    wire: "--B\r\nBad Name: v\r\n\r\nx\r\n--B--",
    before: [],
    code: "malformed-header",
  },
  {
    name: "a NUL in a header value",
    wire: "--B\r\nX-A: a\x00b\r\n\r\nx\r\n--B--",
    before: [],
    code: "malformed-header",
  },
  {
    name: "a bare CR in a header value",
    wire: "--B\r\nX-A: a\rb\r\n\r\nx\r\n--B--",
    before: [],
    code: "malformed-header",
  },
  {
    name: "a header line with an empty name",
    wire: "--B\r\n: v\r\n\r\nx\r\n--B--",
    before: [],
    code: "malformed-header",
  },
  {
    name: "a continuation line before any field",
    wire: "--B\r\n folded\r\n\r\nx\r\n--B--",
    before: [],
    code: "malformed-header",
  },
  {
    name: "more parts than maxParts",
    wire: "--B\r\n\r\n1\r\n--B\r\n\r\n2\r\n--B\r\n\r\n3\r\n--B--",
    options: { maxParts: 2 },
    before: ["1", "2"],
    code: "too-many-parts",
  },
  {
    name: "a preamble longer than maxPartSize (a wrong boundary)",
    wire: "--C\r\n\r\n" + "x".repeat(300),
    options: { maxPartSize: 100 },
    before: [],
    code: "preamble-too-large",
  },
  {
    name: "a boundary line longer than maxHeaderSize",
    wire: "--B" + " ".repeat(300) + "\r\n\r\nx\r\n--B--",
    options: { maxHeaderSize: 100 },
    before: [],
    code: "header-too-large",
  },
];

describe("parseParts: MultipartParseError codes, after yielding every complete part", () => {
  for (const c of cases) {
    for (const size of [Infinity, 1, 5]) {
      const feed = size === Infinity ? "whole" : `${size}-byte chunks`;
      it(`${c.code}: ${c.name} (${feed})`, async () => {
        const got: string[] = [];
        const parts = parseParts(chunked(bytes(c.wire), size), { boundary: "B", ...c.options });
        await assert.rejects(
          (async () => {
            for await (const part of parts) got.push(part.text());
          })(),
          (error) => {
            assert.ok(error instanceof MultipartParseError, String(error));
            assert.equal(error.code, c.code, error.message);
            assert.equal(error.name, "MultipartParseError");
            return true;
          },
        );
        assert.deepEqual(got, c.before);
        assert.deepEqual(await parts.next(), { done: true, value: undefined });
      });
    }
  }

  it("maxParts counts parts, not the replace-mode close marker", async () => {
    const wire = "--B\r\n\r\n1\r\n--B\r\n\r\n2\r\n--B\r\n\r\n--B--\r\n";
    const parts = parseParts(chunked(bytes(wire), 1), { boundary: "B", maxParts: 2 });
    assert.deepEqual(await Array.fromAsync(parts, (p) => p.text()), ["1", "2"]);
  });

  it("a part of exactly maxPartSize bytes and a header block of exactly maxHeaderSize fit", async () => {
    const head = "X: " + "h".repeat(9) + "\r\n\r\n"; // 16 bytes
    const wire = `--B\r\n${head}${"b".repeat(84)}\r\n--B--`;
    const options = { boundary: "B", maxHeaderSize: 16, maxPartSize: 100 };
    for (const size of [Infinity, 1, 3]) {
      const parts = await Array.fromAsync(parseParts(chunked(bytes(wire), size), options));
      assert.equal(parts.length, 1);
      assert.equal(parts[0].body.length, 84);
    }
  });

  it("an error from the input stream is passed on as it is", async () => {
    const failure = new TypeError("network went away");
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(bytes("--B\r\n\r\nok\r\n--B\r\n"));
        else controller.error(failure);
      },
    }, { highWaterMark: 0 });
    const got: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const part of parseParts(stream, { boundary: "B" })) got.push(part.text());
      })(),
      (error) => error === failure,
    );
    assert.deepEqual(got, ["ok"]);
  });
});

describe("parseParts: bad arguments throw at the call, naming the argument", () => {
  const stream = (): ReadableStream<Uint8Array> => new ReadableStream();
  const table: [string, () => unknown, ErrorConstructor, RegExp][] = [
    ["input null", () => parseParts(null as never, { boundary: "B" }), TypeError, /input/],
    ["input a string", () => parseParts("--B" as never, { boundary: "B" }), TypeError, /input/],
    ["input a plain object", () => parseParts({} as never, { boundary: "B" }), TypeError, /input/],
    ["no boundary for a stream", () => parseParts(stream()), TypeError, /options\.boundary/],
    [
      "a Response without a boundary",
      () => parseParts(new Response("x", { headers: { "content-type": "text/html" } })),
      TypeError,
      /options\.boundary/,
    ],
    ["an empty boundary", () => parseParts(stream(), { boundary: "" }), RangeError, /boundary/],
    [
      "a boundary with CRLF",
      () => parseParts(stream(), { boundary: "a\r\nb" }),
      RangeError,
      /boundary/,
    ],
    [
      "a boundary of 257 characters",
      () => parseParts(stream(), { boundary: "x".repeat(257) }),
      RangeError,
      /boundary/,
    ],
    [
      "a boundary number",
      () => parseParts(stream(), { boundary: 5 as never }),
      TypeError,
      /boundary/,
    ],
    [
      "maxHeaderSize 0",
      () => parseParts(stream(), { boundary: "B", maxHeaderSize: 0 }),
      RangeError,
      /options\.maxHeaderSize/,
    ],
    [
      "maxPartSize 1.5",
      () => parseParts(stream(), { boundary: "B", maxPartSize: 1.5 }),
      TypeError,
      /options\.maxPartSize/,
    ],
    [
      "maxParts NaN",
      () => parseParts(stream(), { boundary: "B", maxParts: NaN }),
      TypeError,
      /options\.maxParts/,
    ],
    [
      "signal not an AbortSignal",
      () => parseParts(stream(), { boundary: "B", signal: {} as never }),
      TypeError,
      /options\.signal/,
    ],
    ["options a string", () => parseParts(stream(), "B" as never), TypeError, /options/],
  ];
  for (const [name, call, type, message] of table) {
    it(name, () => {
      assert.throws(call, (error: Error) => {
        assert.ok(error instanceof type, `${error.name}: ${error.message}`);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it("a locked stream", () => {
    const locked = new ReadableStream<Uint8Array>();
    locked.getReader();
    assert.throws(() => parseParts(locked, { boundary: "B" }), TypeError);
  });

  for (
    const [name, contentType] of [
      ["an invalid boundary", 'multipart/mixed; boundary=" padded"'],
      ["no boundary", "multipart/mixed"],
    ]
  ) {
    it(`a Response with ${name} in its Content-Type throws and cancels its body`, async () => {
      let cancelled = false;
      const body = new ReadableStream<Uint8Array>({
        cancel() {
          cancelled = true;
        },
      });
      const response = new Response(body, { headers: { "content-type": contentType } });
      assert.throws(() => parseParts(response), /boundary/);
      await new Promise((resolve) => setTimeout(resolve, 0));
      assert.equal(cancelled, true, "the body was left locked and open");
    });
  }

  it("a Response whose body was read", async () => {
    const response = new Response("x", {
      headers: { "content-type": "multipart/mixed;boundary=B" },
    });
    await response.text();
    assert.throws(() => parseParts(response), /body was already read/);
  });

  it("chunks that are not Uint8Array reject the iteration with a TypeError", async () => {
    async function* strings() {
      yield "--B\r\n" as unknown as Uint8Array;
    }
    await assert.rejects(
      parseParts(strings(), { boundary: "B" }).next(),
      (error: Error) => error instanceof TypeError && /Uint8Array/.test(error.message),
    );
  });
});
