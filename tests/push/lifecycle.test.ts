import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushStream } from "../../lib/push/stream.ts";
import { FILL_GAP_MS } from "../../lib/push/framing.ts";
import type { Part } from "../../lib/push/part.ts";
import { installClock, settledAfterTurn } from "../_helpers/clock.ts";
import {
  deferred,
  delay,
  latin1,
  readingText,
  readText,
  until,
  within,
} from "../_helpers/streams.ts";

const frame = (i: number): Part => ({ contentType: "text/plain", body: `frame ${i}` });

/** An endless source that records whether its `finally` ran. */
function endless(everyMs: number): { source: AsyncGenerator<Part>; finished: Promise<void> } {
  const done = deferred();
  async function* source(): AsyncGenerator<Part> {
    try {
      for (let i = 0;; i++) {
        yield frame(i);
        await delay(everyMs);
      }
    } finally {
      done.resolve();
    }
  }
  return { source: source(), finished: done.promise };
}

describe("pushStream cancellation", () => {
  it("calls the source's return() when the reader cancels, so its finally runs at once", async () => {
    const { source, finished } = endless(10);
    const reader = pushStream(source).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    await within(1000, "source finally after cancel", finished);
  });

  it("cancels a streamed body that is in flight", async () => {
    const cancelled = deferred<unknown>();
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array([65])),
      cancel: (reason) => cancelled.resolve(reason),
    });
    const reader = pushStream([{ contentType: "a/b", body }]).getReader();
    for (let i = 0; i < 4; i++) await reader.read();
    await reader.cancel("gone");
    assert.equal(await within(1000, "body cancel", cancelled.promise), "gone");
  });
});

describe("pushStream waitUntil", () => {
  it("hands over a promise that settles only after the source's return() has finished", async () => {
    const order: string[] = [];
    async function* source(): AsyncGenerator<Part> {
      try {
        for (let i = 0;; i++) {
          yield frame(i);
          await delay(30);
        }
      } finally {
        await delay(20);
        order.push("finally done");
      }
    }
    let settled: Promise<void> | undefined;
    const reader = pushStream(source(), { waitUntil: (promise) => (settled = promise) })
      .getReader();
    assert.ok(settled instanceof Promise, "waitUntil is called when the stream starts");
    await reader.read();
    await reader.read();
    await reader.cancel();
    await within(1000, "waitUntil promise", settled!);
    order.push("settled");
    assert.deepEqual(order, ["finally done", "settled"]);
  });

  it("settles when the source ends by itself", async () => {
    let settled: Promise<void> | undefined;
    await readText(pushStream([frame(1)], { waitUntil: (promise) => (settled = promise) }));
    await within(1000, "waitUntil promise", settled!);
  });
});

describe("pushStream errors", () => {
  it("errors the stream and reports to onError when the source throws", async () => {
    const boom = new Error("camera unplugged");
    const reported: unknown[] = [];
    async function* source(): AsyncGenerator<Part> {
      yield frame(0);
      throw boom;
    }
    const stream = pushStream(source(), { onError: (error) => reported.push(error) });
    await assert.rejects(readText(stream), (error) => error === boom);
    assert.deepEqual(reported, [boom]);
  });

  it("errors the stream with a TypeError naming the part when the source yields a bad part, and stops the source", async () => {
    const { promise: finished, resolve } = deferred();
    async function* source(): AsyncGenerator<Part> {
      try {
        yield frame(0);
        yield { contentType: "text/plain", body: 42 } as unknown as Part;
      } finally {
        resolve();
      }
    }
    await assert.rejects(readText(pushStream(source())), (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /^parts\[1\]\.body must be a string/);
      return true;
    });
    await within(1000, "source finally after bad part", finished);
  });

  it("errors the stream when a body stream errors", async () => {
    const body = new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error("disk")) });
    await assert.rejects(readText(pushStream([{ contentType: "a/b", body }])), /disk/);
  });

  it("refuses a streamed body that contains the caller's boundary across chunks, before sending the chunk", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("safe text\r\n-"));
        c.enqueue(new TextEncoder().encode("-SECRET forged"));
        c.close();
      },
    });
    const seen: string[] = [];
    const reader = pushStream([{ contentType: "a/b", body }], { boundary: "SECRET" }).getReader();
    await assert.rejects(
      async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          seen.push(latin1(value));
        }
      },
      (error: Error) =>
        error instanceof RangeError && /parts\[0\]\.body contains "--SECRET"/.test(error.message),
    );
    assert.ok(!seen.join("").includes("forged"));
  });

  it("refuses the caller's boundary however the body's chunks split it, and passes what only nearly holds it", async () => {
    const text = "ab\r\n--SECRETcd";
    /** Whether a push of `text` cut at `cuts` is refused. */
    const refused = (text: string, cuts: number[]): Promise<boolean> => {
      const bounds = [0, ...cuts, text.length];
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 1; i < bounds.length; i++) {
            c.enqueue(new TextEncoder().encode(text.slice(bounds[i - 1], bounds[i])));
          }
          c.close();
        },
      });
      return readText(pushStream([{ contentType: "a/b", body }], { boundary: "SECRET" })).then(
        () => false,
        (error) => error instanceof RangeError,
      );
    };
    const splits: number[][] = [[]];
    for (let a = 1; a < text.length; a++) {
      splits.push([a]);
      for (let b = a + 1; b < text.length; b++) splits.push([a, b]);
    }
    // Every way into one, two or three chunks, one-byte chunks included.
    for (const cuts of splits) assert.equal(await refused(text, cuts), true, `cut at ${cuts}`);
    const near = "ab\r\n--SECRE-xSECRETcd-";
    for (let a = 1; a < near.length; a++) {
      assert.equal(await refused(near, [a]), false, `near miss cut at ${a}`);
    }
  });
});

// A whole part, then the close: right after its body, or after its complete delimiter line when
// the stop came a moment after the part (the encoder holds the line open for one timer turn).
const ENDS_AFTER_PART = /frame \d+\r\n--B(?:\r\n\r\n--B)?--\r\n$/;

describe("pushStream ending", () => {
  // WebKit blanks a document whose part comes right behind the one before (framing.ts).
  it("a source that returns at once after its last part: the fill and close go out FILL_GAP_MS after that part, not a ms sooner", async () => {
    const clock = installClock();
    try {
      const reader = pushStream([{ contentType: "text/html", body: "last" }], { boundary: "B" })
        .getReader();
      const reading = readingText(reader);
      await until(() => reading.text().includes("last"), 2000, "the part");
      await clock.advance(FILL_GAP_MS - 1);
      assert.equal(await settledAfterTurn(reading.ended), false, `closed before ${FILL_GAP_MS} ms`);
      assert.doesNotMatch(
        reading.text(),
        /last\r\n--B\r\nContent-Type: text\/html\r\n\r\nlast/,
      );
      await clock.advance(1);
      assert.match(
        await within(2000, "the close", reading.ended),
        /last\r\n--B\r\nContent-Type: text\/html\r\n\r\nlast\r\n--B--\r\n$/,
      );
    } finally {
      clock.uninstall();
    }
  });

  it("a source that returns FILL_GAP_MS after its last part: the fill and close go out at once", async () => {
    const clock = installClock();
    try {
      let waiting = false;
      const source = async function* (): AsyncGenerator<Part> {
        yield { contentType: "text/html", body: "last" };
        waiting = true;
        await new Promise((resolve) => setTimeout(resolve, FILL_GAP_MS)); // the test clock's
      };
      const reading = readText(pushStream(source(), { boundary: "B" }));
      await until(() => waiting, 2000, "the source's wait after its part");
      await clock.advance(FILL_GAP_MS);
      assert.equal(await settledAfterTurn(reading), true, "the close waited again");
      assert.match(await reading, /last\r\n--B--\r\n$/);
    } finally {
      clock.uninstall();
    }
  });

  it("ends cleanly with the close delimiter when the signal aborts, and stops the source", async () => {
    const { source, finished } = endless(10);
    const controller = new AbortController();
    const stream = pushStream(source, { boundary: "B", signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const out = await within(2000, "end after abort", readText(stream));
    assert.match(out, ENDS_AFTER_PART, "last part completed, then closed");
    await within(1000, "source finally after abort", finished);
  });

  it("ends at once when the signal is already aborted", async () => {
    const out = await readText(
      pushStream([frame(0)], { boundary: "B", signal: AbortSignal.abort() }),
    );
    assert.equal(out.trimStart(), "--B\r\n\r\n--B--\r\n");
  });

  it("ends when request.signal aborts", async () => {
    const { source, finished } = endless(10);
    const controller = new AbortController();
    const request = new Request("http://localhost/", { signal: controller.signal });
    const stream = pushStream(source, { boundary: "B", request });
    setTimeout(() => controller.abort(), 30);
    assert.ok(
      (await within(2000, "end after request abort", readText(stream))).endsWith("--B--\r\n"),
    );
    await within(1000, "source finally", finished);
  });

  it("ends idleTimeout ms after the last part, not before, keeping the last part whole", async () => {
    // The deadlines are the stream's timers: on the test clock each end comes at its instant.
    const clock = installClock();
    try {
      const never = deferred();
      let lastAt = 0;
      const source = async function* (): AsyncGenerator<Part> {
        lastAt = Date.now();
        yield frame(7);
        await never.promise;
      };
      const reading = readText(pushStream(source(), { boundary: "B", idleTimeout: 100 }));
      await until(() => lastAt !== 0, 2000, "the part");
      await delay(1); // the part goes out within microtasks, and the idle timer with it
      await clock.advance(99);
      assert.equal(await settledAfterTurn(reading), false, "ended before idleTimeout");
      await clock.advance(1);
      const out = await within(2000, "idle end", reading);
      assert.equal(Date.now() - lastAt, 100, "ended idleTimeout after the last part");
      assert.ok(
        out.endsWith("frame 7\r\n--B\r\nContent-Type: text/plain\r\n\r\nframe 7\r\n--B--\r\n"),
        out,
      );
      never.resolve();
    } finally {
      clock.uninstall();
    }
  });

  it("ends maxDuration ms after it started, not before, even while parts keep coming", async () => {
    const clock = installClock();
    try {
      // Parts every 5 ms of the runtime's timers: the stream is alive until maxDuration ends it.
      const { source, finished } = endless(5);
      const reader = pushStream(source, { boundary: "B", maxDuration: 100, idleTimeout: 10_000 })
        .getReader();
      const reading = readingText(reader);
      const parts = (): number => reading.text().split("\r\n--B").length - 2;
      await until(() => parts() >= 5, 2000, () => `5 parts, got ${parts()}`);
      await clock.advance(99);
      assert.equal(await settledAfterTurn(reading.ended), false, "ended before maxDuration");
      await clock.advance(1);
      await within(1000, "source finally", finished);
      // The last part went out at the clock's 99 ms: the fill keeps FILL_GAP_MS from it.
      await clock.advance(FILL_GAP_MS);
      assert.match(await within(2000, "maxDuration end", reading.ended), ENDS_AFTER_PART);
    } finally {
      clock.uninstall();
    }
  });

  const stops: [string, () => { maxDuration?: number; signal?: AbortSignal }][] = [
    ["maxDuration", () => ({ maxDuration: 50 })],
    ["an abort", () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50); // on the test clock, as the stream's timers
      return { signal: controller.signal };
    }],
  ];
  for (const [name, options] of stops) {
    it(`breaks the stream off when ${name} comes while a streamed body stalls, and stops the source`, async () => {
      const clock = installClock();
      try {
        const { promise: finished, resolve } = deferred();
        const source = async function* (): AsyncGenerator<Part> {
          try {
            yield {
              contentType: "a/b",
              body: new ReadableStream({ start: (c) => c.enqueue(new Uint8Array([1])) }),
            };
          } finally {
            resolve();
          }
        };
        const reading = readText(pushStream(source(), { boundary: "B", ...options() }));
        reading.catch(() => {}); // asserted below, once the clock has reached the end
        // 50 ms to the stop, then the 1000 ms a streamed body is given to finish.
        await delay(1);
        await clock.advance(1049);
        assert.equal(await settledAfterTurn(reading), false, "broken off before 1050 ms");
        await clock.advance(1);
        await assert.rejects(
          within(2000, "stalled body", reading),
          /parts\[0\]\.body was still streaming and did not finish within 1000 ms/,
        );
        await within(1000, "source finally", finished);
      } finally {
        clock.uninstall();
      }
    });
  }

  it("finishes a streamed body in flight before closing on abort", async () => {
    const controller = new AbortController();
    const rest = deferred();
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(new TextEncoder().encode("half"));
        await rest.promise;
        c.enqueue(new TextEncoder().encode("+rest"));
        c.close();
      },
    });
    const stream = pushStream([{ contentType: "a/b", body }], {
      boundary: "B",
      signal: controller.signal,
    });
    const reading = readText(stream);
    await delay(20);
    controller.abort();
    rest.resolve();
    assert.ok((await within(2000, "end", reading)).endsWith("half+rest\r\n--B--\r\n"));
  });
});
