/**
 * Property: for random part lists (binary bodies with near-boundaries, random headers, empty
 * parts) and random chunkings, parseParts(pushStream(x)) gives back exactly x, in both modes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { pushStream } from "../../lib/push/stream.ts";
import type { Part } from "../../lib/push/part.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import { latin1, readAll, rechunk } from "../_helpers/streams.ts";

const BOUNDARY = "r0und-Tr1p";
const encoder = new TextEncoder();
const RUNS = 1000;

/** Byte runs that look like a delimiter but are not one (the encoder refuses real ones). */
const nearMisses = [
  `\r\n--${BOUNDARY.slice(0, -1)}`,
  `\r\n--${BOUNDARY.slice(0, -1)}X`,
  `\n-${BOUNDARY}`,
  `\r\n-${BOUNDARY}--`,
  `\r\n--${BOUNDARY.toUpperCase()}`,
  `--${BOUNDARY.slice(0, 4)}`,
  "\r\n\r\n",
  "\r\n--",
  "\r",
  "\n",
  "--",
].map((text) => encoder.encode(text));

const body = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.array(
    fc.oneof(fc.uint8Array({ maxLength: 20 }), fc.constantFrom(...nearMisses)),
    { maxLength: 8 },
  ).map(concatBytes),
  fc.constant(new Uint8Array(0)),
).filter((bytes) => !latin1(bytes).includes(`--${BOUNDARY}`));

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/);
const headerName = token.filter((name) => !/^content-(type|length)$/i.test(name));

const part = fc.record({
  contentType: fc.oneof(
    fc.constantFrom("image/jpeg", "text/plain; charset=utf-8", "application/json"),
    fc.tuple(token, token).map(([a, b]) => `${a}/${b}`),
  ),
  body,
  headers: fc.uniqueArray(fc.tuple(headerName, headerValue), {
    maxLength: 3,
    selector: ([name]) => name.toLowerCase(),
  }),
  asString: fc.boolean(),
});

type Generated = {
  contentType: string;
  body: Uint8Array;
  headers: [string, string][];
  asString: boolean;
};

function toPart(generated: Generated): Part {
  const text = new TextDecoder().decode(generated.body);
  return {
    contentType: generated.contentType,
    // A string body goes out as its UTF-8 bytes; compare against exactly those.
    body: generated.asString ? text : generated.body,
    headers: generated.headers,
  };
}

function bytesOf(part: Part): Uint8Array {
  return typeof part.body === "string" ? encoder.encode(part.body) : part.body as Uint8Array;
}

/**
 * The encoder in reader framing (each part whole, with its length; browser framing announces
 * blocks without it). A replace push ends with its last part again (lib/push/framing.ts): the
 * parts read are `parts` and, in replace mode, the last one once more.
 */
async function roundTrip(mode: "replace" | "mixed", sent: Part[], sizes: number[]): Promise<void> {
  const options = { boundary: BOUNDARY, mode, advanceHeaders: false };
  const wire = await readAll(pushStream(sent, options));
  const got = await Array.fromAsync(parseParts(rechunk(wire, sizes), { boundary: BOUNDARY }));
  const parts = mode === "replace" && sent.length > 0 ? [...sent, sent.at(-1)!] : sent;
  assert.equal(got.length, parts.length);
  got.forEach((received, i) => {
    const sent = parts[i];
    const expected = bytesOf(sent);
    assert.equal(received.contentType, sent.contentType);
    assert.deepEqual(received.body, expected);
    const own = [...received.headers].filter(([name]) => name !== "content-type");
    const length = own.find(([name]) => name === "content-length");
    assert.deepEqual(length, ["content-length", String(expected.length)]);
    assert.deepEqual(
      own.filter(([name]) => name !== "content-length"),
      (sent.headers as [string, string][]).map(([n, v]) => [n.toLowerCase(), v])
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  });
}

describe("parseParts(pushStream(x)) == x", () => {
  for (const mode of ["replace", "mixed"] as const) {
    it(`${mode} mode: ${RUNS} random part lists, random chunkings down to one byte`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(part, { maxLength: 6 }),
          fc.oneof(
            fc.constant([] as number[]),
            fc.constant([1] as number[]),
            fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
          ),
          (generated, sizes) => roundTrip(mode, generated.map(toPart), sizes),
        ),
        { numRuns: RUNS },
      );
    });

    it(`${mode} mode: straight from the encoder's stream, a part at a time`, async () => {
      const parts: Part[] = [
        { contentType: "image/jpeg", body: new Uint8Array(70_000).fill(0x0a) },
        { contentType: "text/plain", body: "" },
        { contentType: "text/plain", body: `\r\n--${BOUNDARY.slice(1)}`, headers: { "X-N": "2" } },
      ];
      const options = { boundary: BOUNDARY, mode, advanceHeaders: false };
      const got = await Array.fromAsync(
        parseParts(pushStream(parts, options), { boundary: BOUNDARY }),
      );
      const repeat = mode === "replace" ? [parts.at(-1)!] : [];
      assert.deepEqual(got.map((p) => p.body), [...parts, ...repeat].map(bytesOf));
    });
  }
});
