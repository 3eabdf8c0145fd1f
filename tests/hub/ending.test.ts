// The ending × client table (issue 19), decoder side: every ending of a replace push, from
// pushResponse and from PushHub, read by our decoder as each client gets it. Every framing ends
// with the last part again before the close (browser framing fills the part it announced; reader
// framing repeats it for VLC, which drops the part the close ends), so a decoder reads N+1, the
// last twice. No ending leaves an empty part. The browsers' side is tests/browser/ending.test.ts; sends per
// frame are counted at the end of this file.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { pushStream } from "../../lib/push/stream.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { Part } from "../../lib/push/part.ts";
import { delay } from "../_helpers/streams.ts";
import { endingResponse, ENDINGS, hasEnding, type Via } from "../_helpers/endings.ts";

const frame = (body: string): Part => ({ contentType: "image/jpeg", body });
const BODIES = ["one", "two", "three"];

/** The clients, by the request they send. */
const CLIENTS = [
  ["no request", undefined],
  ["<img>", { "Sec-Fetch-Dest": "image", Accept: "image/avif,image/webp,*/*" }],
  ["top-level page", { "Sec-Fetch-Dest": "document", Accept: "text/html,*/*;q=0.8" }],
  ["ffmpeg (Lavf)", { "User-Agent": "Lavf/61.7.100", Accept: "*/*" }],
  ["fetch() reader (pushInto)", { "Sec-Fetch-Dest": "empty", Accept: "multipart/mixed" }],
] as const;

/** Every part's body as our decoder reads it. */
async function bodiesOf(response: Response): Promise<string[]> {
  const out: string[] = [];
  for await (const part of parseParts(response)) out.push(part.text());
  return out;
}

describe("every ending × client, read by our decoder: every part, none empty", () => {
  for (const via of ["pushResponse", "PushHub"] as Via[]) {
    for (const ending of ENDINGS) {
      for (const [client, headers] of CLIENTS) {
        if (!hasEnding(ending, via, headers !== undefined)) continue;
        it(`${via}, ${ending}, ${client}: N+1 (the last twice)`, async () => {
          const request = headers && new Request("http://h/", { headers });
          const response = endingResponse(ending, via, BODIES.map(frame), 30, request)!;
          const got = await bodiesOf(response);
          assert.deepEqual(got, [...BODIES, "three"]);
        });
      }
    }
  }
});

describe("one wire rule: the hub sends what the encoder sends", () => {
  for (const [client, headers] of CLIENTS) {
    it(`${client}: a PushHub.from source and pushStream of the same parts, byte for byte`, async () => {
      async function* three(): AsyncGenerator<Part> {
        for (const [i, body] of BODIES.entries()) {
          if (i > 0) await delay(10);
          yield frame(body);
        }
      }
      const hub = PushHub.from(three, { boundary: "B", keepAlive: Infinity });
      const request = headers && new Request("http://h/", { headers });
      const wire = await hub.response(request).text();
      const expected = await new Response(pushStream(three(), { boundary: "B", request })).text();
      assert.equal(wire, expected);
    });
  }
});

/**
 * A consumer that counts the chunks it takes, as a socket counts writes (sendResponse and the
 * runtimes' servers write each chunk as it comes): what it takes between two frames is what one
 * frame costs.
 */
async function chunksPerFrame(
  stream: ReadableStream<Uint8Array>,
  publish: (i: number) => Promise<void> | void,
  frames: number,
): Promise<number[]> {
  const reader = stream.getReader();
  let taken = 0;
  const reading = (async () => {
    while (!(await reader.read()).done) taken++;
  })();
  await delay(5);
  const counts: number[] = [];
  for (let i = 0; i < frames; i++) {
    const before = taken;
    await publish(i);
    await delay(5); // the consumer takes all it is given
    counts.push(taken - before);
  }
  await reader.cancel();
  await reading;
  return counts;
}

describe("one send per viewer per frame (chunks counted, not timed)", () => {
  const body = (i: number): Part => ({
    contentType: "image/jpeg",
    body: new Uint8Array(50_000).fill(i),
  });
  for (const [client, headers] of CLIENTS) {
    it(`PushHub, ${client}: each frame is one chunk, in steady state`, async () => {
      const hub = new PushHub({ keepAlive: Infinity });
      const request = headers && new Request("http://h/", { headers });
      const counts = await chunksPerFrame(hub.response(request).body!, (i) => {
        hub.publish(body(i));
      }, 20);
      hub.close();
      assert.deepEqual(counts, Array(20).fill(1));
    });

    it(`pushResponse, ${client}: each part with a body of bytes is one chunk`, async () => {
      const next: ((part: Part) => void)[] = [];
      async function* source(): AsyncGenerator<Part> {
        for (;;) yield await new Promise<Part>((resolve) => next.push(resolve));
      }
      const request = headers && new Request("http://h/", { headers });
      const stream = pushStream(source(), { request });
      const counts = await chunksPerFrame(stream, async (i) => {
        while (next.length === 0) await delay(1);
        next.shift()!(body(i));
      }, 20);
      assert.deepEqual(counts, Array(20).fill(1));
    });
  }
});
