/**
 * Frames with a known body per sequence number, and viewers that read a push
 * over HTTP and keep what they received, for the bus adapter tests.
 */
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { Part } from "../../lib/push/part.ts";
import { prng } from "./random.ts";

const bodies = new Map<string, Uint8Array>();

/** Frame `seq`: `size` bytes that depend on `seq` (binary, every byte value), header `X-Seq`. */
export function frame(seq: number, size = 50_000): Part & { body: Uint8Array } {
  const key = `${seq}/${size}`;
  let body = bodies.get(key);
  if (!body) {
    const random = prng(seq + 1);
    body = new Uint8Array(size);
    for (let i = 0; i < size; i++) body[i] = random(256);
    // Many viewers check the same frames: make each body once (a few hundred at most).
    if (bodies.size > 500) bodies.clear();
    bodies.set(key, body);
  }
  return { contentType: "image/jpeg", body, headers: { "X-Seq": String(seq) } };
}

/** What one viewer received: sequence numbers in order, and when each arrived. */
export interface Viewer {
  seqs: number[];
  times: number[];
  /** Parts received, repeats included. */
  parts: number;
  /** The sequence number of each part that repeated the one before it, in order. */
  repeated: number[];
  /** Settles when the push ends or `close()` is called; rejects on a corrupt part. */
  done: Promise<void>;
  close(): void;
}

/**
 * Opens a push at `url` and checks every part byte-exact against `frame(seq)`,
 * keeping each new sequence number. A part that repeats the one before it fails the viewer
 * (`done` rejects: a frame delivered twice), unless `keepAlive` says the hub resends its last
 * frame; then it is kept in `repeated`, for the test to say which repeats it expected.
 */
export function watch(url: string, options: { keepAlive?: boolean } = {}): Viewer {
  const controller = new AbortController();
  const viewer: Viewer = {
    seqs: [],
    times: [],
    parts: 0,
    repeated: [],
    done: Promise.resolve(),
    close: () => controller.abort(),
  };
  viewer.done = (async () => {
    try {
      const response = await fetch(url, { signal: controller.signal });
      for await (const part of parseParts(response, { signal: controller.signal })) {
        viewer.parts++;
        const seq = Number(part.headers.get("X-Seq"));
        if (seq === viewer.seqs.at(-1)) {
          assert.ok(options.keepAlive, `frame ${seq} delivered twice (no keep-alive on ${url})`);
          viewer.repeated.push(seq);
          continue;
        }
        assert.deepEqual(part.body, frame(seq, part.body.byteLength).body, `frame ${seq} corrupt`);
        viewer.seqs.push(seq);
        viewer.times.push(performance.now());
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  })();
  return viewer;
}

/** Checks that `seqs` only goes up (latest-wins may skip, never reorder or repeat). */
export function assertInOrder(seqs: number[], what: string): void {
  for (let i = 1; i < seqs.length; i++) {
    assert.ok(seqs[i] > seqs[i - 1], `${what}: ${seqs[i]} after ${seqs[i - 1]} in ${seqs}`);
  }
}
