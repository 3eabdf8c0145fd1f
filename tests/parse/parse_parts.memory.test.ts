// parseParts memory, measured from outside: what the yielded bodies keep alive (the sizes of the
// ArrayBuffers under them) and, where a script can run the GC, the live heap while a big chunk of
// tiny parts is being read. Issue 10, items 14 and 16.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { concatBytes, latin1Bytes as bytes } from "../../lib/shared/bytes.ts";
import { gcNote, liveBytes } from "../_helpers/memory.ts";
import { rechunk } from "../_helpers/streams.ts";

/** The wire bytes of `bodies` as parts with one `Content-Type` line each, boundary "B". */
function wire(bodies: Uint8Array[], head = "Content-Type: text/plain\r\n\r\n"): Uint8Array {
  const pieces = [bytes("--B\r\n")];
  for (const body of bodies) pieces.push(bytes(head), body, bytes("\r\n--B\r\n"));
  pieces[pieces.length - 1] = bytes("\r\n--B--\r\n");
  return concatBytes(pieces);
}

/** Bytes of the distinct ArrayBuffers under `views`: what they keep alive. */
function retained(views: Uint8Array[]): number {
  const buffers = new Set<ArrayBufferLike>(views.map((view) => view.buffer));
  let total = 0;
  for (const buffer of buffers) total += buffer.byteLength;
  return total;
}

describe("parseParts: memory", () => {
  it("small bodies fed in tiny chunks keep at most 64 bytes over their part each (issue 10 #14)", async () => {
    const HEAD = 28; // "Content-Type: text/plain\r\n\r\n"
    for (const sizes of [[1], [3, 1, 2], [5, 7, 1]]) {
      const bodies = Array.from({ length: 1000 }, (_, i) => bytes(`body${String(i).padStart(6)}`));
      const got: Uint8Array[] = [];
      for await (const part of parseParts(rechunk(wire(bodies), sizes), { boundary: "B" })) {
        got.push(part.body);
      }
      assert.deepEqual(got, bodies, `chunk sizes ${sizes}`);
      const own = bodies.reduce((n, body) => n + HEAD + body.length, 0);
      const kept = retained(got);
      // Before the fix every body was a view into its own 16 KiB scratch block: 16.4 MB here.
      assert.ok(
        kept <= own + 64 * bodies.length,
        `chunk sizes ${sizes}: ${kept} bytes kept alive for ${own} bytes of parts`,
      );
    }
  });

  it("bodies of every size keep what they hold, in any chunking (issue 10 #14)", async () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed % n;
    };
    const bodies = Array.from({ length: 300 }, () => new Uint8Array(random(3000)).fill(0x61));
    const sizes = Array.from({ length: 97 }, () => 1 + random(900));
    const got: Uint8Array[] = [];
    for await (const part of parseParts(rechunk(wire(bodies), sizes), { boundary: "B" })) {
      got.push(part.body);
    }
    assert.deepEqual(got, bodies);
    const own = bodies.reduce((n, body) => n + 28 + body.length, 0);
    const kept = retained(got);
    // Chunks under 1 KiB are copied; a body held in one copy block pins at most 64 bytes more.
    assert.ok(kept <= own + 64 * bodies.length, `${kept} bytes kept alive for ${own}`);
  });

  it(
    `one big chunk of tiny parts is split as the consumer pulls, not queued whole (issue 10 #16)${gcNote}`,
    { skip: gcNote !== "" },
    async () => {
      const PARTS = 200_000;
      const one = bytes("\r\n\r\nx");
      const chunk = wire(Array.from({ length: PARTS }, () => one), "");
      const source = async function* (): AsyncGenerator<Uint8Array> {
        yield chunk;
      };
      let parts: AsyncIterableIterator<unknown> | undefined = parseParts(source(), {
        boundary: "B",
      });
      assert.equal((await parts.next()).done, false);
      // What the iterator holds after one part, against what is left once it is gone: measured
      // this way round, garbage an earlier test left (Bun scans stacks conservatively) cannot
      // hide the difference.
      const holding = await liveBytes();
      await parts.return!();
      parts = undefined;
      const held = holding - (await liveBytes());
      // Before the fix all 200,000 parts were built and queued at the first next(): ~30 MB.
      assert.ok(held < 4 * 1024 * 1024, `${held} bytes held by the iterator after one part`);
      let count = 0;
      for await (const _ of parseParts(source(), { boundary: "B" })) count++;
      assert.equal(count, PARTS);
    },
  );

  it("one chunk of many parts: each next() gives one, in order, and errors come after the parts before them", async () => {
    const good = Array.from({ length: 50 }, (_, i) => bytes(`p${i}`));
    const data = wire(good);
    // A malformed header block after the 50 good parts, in the same chunk.
    const tail = bytes("\r\n--B\r\nno colon\r\n\r\nx\r\n--B--");
    const bad = new Uint8Array(data.length - 9 + tail.length);
    bad.set(data.subarray(0, data.length - 9));
    bad.set(tail, data.length - 9);
    const got: string[] = [];
    const iterator = parseParts(
      (async function* () {
        yield bad;
      })(),
      { boundary: "B" },
    );
    await assert.rejects(async () => {
      for await (const part of iterator) got.push(new TextDecoder().decode(part.body));
    }, { name: "MultipartParseError", code: "malformed-header" });
    assert.deepEqual(got, good.map((b) => new TextDecoder().decode(b)));
  });

  it("abort after the first part of a chunk: the rest of the chunk is not yielded", async () => {
    const data = wire(Array.from({ length: 10 }, (_, i) => bytes(`p${i}`)));
    const abort = new AbortController();
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(data.subarray(0, data.length - 1));
      },
      cancel() {
        cancelled = true;
      },
    });
    const iterator = parseParts(stream, { boundary: "B", signal: abort.signal });
    assert.equal(new TextDecoder().decode((await iterator.next()).value!.body), "p0");
    abort.abort(new Error("stop"));
    await assert.rejects(iterator.next(), { message: "stop" });
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
    assert.equal(cancelled, true);
  });
});
