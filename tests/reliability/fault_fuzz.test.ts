// Decoder fuzz: random and mutated pushes (cut, duplicated, flipped bytes, huge headers, lost CRs,
// random chunkings) through parseParts. Only MultipartParseError may be thrown, each case ends
// within a bound, and no part exceeds the limits. CI count here; `npm run soak` sets
// MULTIPART_PUSH_SOAK=1 for 100,000 cases.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { MultipartParseError } from "../../lib/parse/errors.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import { runtime } from "../_helpers/runtime.ts";
import { within } from "../_helpers/streams.ts";
import { prng } from "../_helpers/random.ts";

const soak = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
  ?.env?.MULTIPART_PUSH_SOAK === "1";
const CASES = soak ? 100_000 : 10_000;
const SEED = 0x5eed;
const LIMITS = { maxHeaderSize: 1024, maxPartSize: 32 * 1024, maxParts: 64 };
const BOUNDARY = "fuzz7b1d";
const encoder = new TextEncoder();

const SNIPPETS = ["\r\n", "\n", "--", `--${BOUNDARY}`, `\r\n--${BOUNDARY}`, "--\r\n", ": ", " \t"];

function body(rand: (n: number) => number): Uint8Array {
  const out = new Uint8Array(rand(4) === 0 ? 0 : rand(600));
  for (let i = 0; i < out.length; i++) out[i] = rand(256);
  // Bytes that look like the boundary, inside a body.
  // Not after a line break: CRLF--boundary would be a real delimiter.
  if (out.length > 20 && rand(3) === 0) {
    const at = 1 + rand(8);
    out[at - 1] = 0x41;
    out.set(encoder.encode(`--${BOUNDARY}`), at);
  }
  return out;
}

/** A valid push in one of the two framings the encoder writes, as RFC 2046 reads it. */
function validPush(rand: (n: number) => number): Uint8Array {
  const mixed = rand(2) === 0;
  const pieces: Uint8Array[] = [encoder.encode(mixed ? `\r\n--${BOUNDARY}` : `--${BOUNDARY}\r\n`)];
  const parts = rand(6);
  for (let i = 0; i < parts; i++) {
    const b = body(rand);
    const head = `Content-Type: application/x-${rand(1000)}\r\nContent-Length: ${b.length}\r\n` +
      (rand(3) === 0 ? `X-Extra-${i}: ${"v".repeat(rand(80))}\r\n` : "");
    if (mixed) {
      pieces.push(encoder.encode(`\r\n${head}\r\n`), b, encoder.encode(`\r\n--${BOUNDARY}`));
    } else pieces.push(encoder.encode(`${head}\r\n`), b, encoder.encode(`\r\n--${BOUNDARY}\r\n`));
  }
  pieces.push(encoder.encode(mixed ? "--\r\n" : `\r\n--${BOUNDARY}--\r\n`));
  return concatBytes(pieces);
}

function mutate(bytes: Uint8Array, rand: (n: number) => number): Uint8Array {
  let out = bytes;
  for (let m = rand(4); m >= 0; m--) {
    const at = rand(out.length + 1);
    switch (rand(8)) {
      case 0: // cut
        out = out.subarray(0, at);
        break;
      case 1: { // duplicate a slice
        const end = Math.min(out.length, at + rand(200));
        out = concatBytes([out.subarray(0, end), out.subarray(at, end), out.subarray(end)]);
        break;
      }
      case 2: // flip bytes
        out = out.slice();
        for (let i = rand(8); i >= 0 && out.length; i--) out[rand(out.length)] ^= 1 << rand(8);
        break;
      case 3: // a huge header line, past maxHeaderSize
        out = concatBytes([
          out.subarray(0, at),
          encoder.encode(`X-Huge: ${"h".repeat(LIMITS.maxHeaderSize + rand(4096))}\r\n`),
          out.subarray(at),
        ]);
        break;
      case 4: // a huge body, past maxPartSize
        out = concatBytes([
          out.subarray(0, at),
          new Uint8Array(LIMITS.maxPartSize + rand(1024)),
          out.subarray(at),
        ]);
        break;
      case 5: // lose every CR (LF-only senders) or one
        out = rand(2)
          ? out.filter((b) => b !== 13)
          : concatBytes([out.subarray(0, at), out.subarray(at + 1)]);
        break;
      case 6: // insert framing-like snippets
        out = concatBytes([
          out.subarray(0, at),
          encoder.encode(SNIPPETS[rand(SNIPPETS.length)]),
          out.subarray(at),
        ]);
        break;
      default: // random garbage
        out = concatBytes([
          out.subarray(0, at),
          Uint8Array.from({ length: rand(64) }, () => rand(256)),
          out.subarray(at),
        ]);
    }
  }
  return out;
}

async function* chunked(
  bytes: Uint8Array,
  rand: (n: number) => number,
): AsyncGenerator<Uint8Array> {
  // At most ~300 chunks a case (each costs a few µs): byte-at-a-time only for small inputs.
  const floor = Math.ceil(bytes.length / 300);
  const max = [1, 7, 64, 4096, bytes.length][rand(5)];
  for (let at = 0; at < bytes.length;) {
    const size = Math.max(floor, 1 + rand(max));
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

type Outcome = "ok" | MultipartParseError["code"];

async function decode(bytes: Uint8Array, rand: (n: number) => number): Promise<Outcome> {
  try {
    for await (const part of parseParts(chunked(bytes, rand), { boundary: BOUNDARY, ...LIMITS })) {
      if (part.body.byteLength > LIMITS.maxPartSize) {
        throw new Error(`a part of ${part.body.byteLength} bytes passed maxPartSize`);
      }
    }
    return "ok";
  } catch (error) {
    if (error instanceof MultipartParseError) return error.code;
    throw error;
  }
}

describe(`parseParts fuzz (${runtime})`, () => {
  it(`${CASES} random and mutated pushes: only MultipartParseError, each case bounded`, async () => {
    const outcomes = new Map<Outcome, number>();
    for (let i = 0; i < CASES; i++) {
      const rand = prng(SEED + i);
      const kind = rand(10);
      const bytes = kind === 0
        ? Uint8Array.from({ length: rand(2000) }, () => rand(256))
        : kind < 3
        ? validPush(rand)
        : mutate(validPush(rand), rand);
      let outcome: Outcome;
      try {
        outcome = await within(5000, `case ${i}`, decode(bytes, rand));
      } catch (error) {
        assert.fail(`case seed ${SEED + i}: ${error instanceof Error ? error.stack : error}`);
      }
      if (kind > 0 && kind < 3) assert.equal(outcome, "ok", `valid push, seed ${SEED + i}`);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // Every error code the mutations aim at was reached, so the fuzz is not all "ok".
    for (const code of ["truncated", "header-too-large", "part-too-large"] as const) {
      assert.ok((outcomes.get(code) ?? 0) > 0, `no case ended in ${code}: ${[...outcomes]}`);
    }
  });
});
