// Issue 10, encoder side: a caller's boundary in a part header (1), an iterator whose next()
// resolves to a non-object (3), a throwing onError (4), a streamed body that stalls (5) and header
// text above U+00FF (11).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushStream } from "../../lib/push/stream.ts";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import { installClock, settledAfterTurn } from "../_helpers/clock.ts";
import { delay, latin1, readAll, within } from "../_helpers/streams.ts";
import { watchUnhandled } from "../_helpers/unhandled.ts";

const B = "BOUND-1";

/** Reads a stream to its end or error; returns the text so far and the error. */
async function drain(
  stream: ReadableStream<Uint8Array>,
): Promise<{ text: string; error: unknown }> {
  let text = "";
  try {
    for await (const chunk of stream) text += latin1(chunk);
  } catch (error) {
    return { text, error };
  }
  return { text, error: undefined };
}

/** An async source yielding `parts`, recording whether its return() ran. */
function source(parts: unknown[]): AsyncIterable<Part> & { returned: boolean } {
  const it = {
    returned: false,
    async *[Symbol.asyncIterator]() {
      try {
        for (const part of parts) yield part as Part;
      } finally {
        it.returned = true;
      }
    },
  };
  return it;
}

describe("a caller's boundary in a part's header fields (issue 10, item 1)", () => {
  it("is refused in an array's header value before any byte is sent", () => {
    assert.throws(
      () =>
        pushStream([{ contentType: "text/plain", body: "x", headers: { "X-Title": `--${B}` } }], {
          boundary: B,
        }),
      (error: Error) =>
        error instanceof RangeError &&
        /^parts\[0\]\.headers: header X-Title contains "--BOUND-1", which would end the part early/
          .test(error.message),
    );
  });

  it("is refused in a streamed source's contentType: the stream errors, onError is told, nothing of the part is sent", async () => {
    const errors: unknown[] = [];
    const parts = source([
      { contentType: "text/plain", body: "one" },
      { contentType: `text/plain; x="a--${B}"`, body: "two" },
    ]);
    const { text, error } = await drain(
      pushStream(parts, { boundary: B, onError: (e) => errors.push(e) }),
    );
    assert.ok(error instanceof RangeError, String(error));
    assert.match(
      (error as Error).message,
      /^parts\[1\]\.contentType: header Content-Type contains "--BOUND-1"/,
    );
    assert.deepEqual(errors, [error]);
    assert.ok(text.includes("one") && !text.includes("two") && !text.includes('x="a'), text);
    assert.ok(parts.returned, "the source's return() ran");
  });

  it("is allowed with a random boundary, and when only a prefix of the boundary appears", async () => {
    const part = {
      contentType: "text/plain",
      body: "x",
      headers: { "X-Title": `--${B.slice(0, -1)}` },
    };
    const { error } = await drain(pushStream([part], { boundary: B }));
    assert.equal(error, undefined);
    const random = await drain(pushStream([{ ...part, headers: { "X-Title": `--${B}` } }]));
    assert.equal(random.error, undefined);
  });
});

describe("an iterator whose next() resolves to a non-object (issue 10, item 3)", () => {
  for (const bad of [undefined, 42, "x"]) {
    it(`(${typeof bad}) tells onError, calls return(), removes the abort listener and errors the stream with a TypeError`, async () => {
      const errors: unknown[] = [];
      let returned = 0;
      const iterator = {
        next: () => Promise.resolve(bad),
        return: () => {
          returned++;
          return Promise.resolve({ done: true, value: undefined });
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      } as unknown as AsyncIterable<Part>;
      const signal = new AbortController().signal;
      let listeners = 0;
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener =
        ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
      signal.removeEventListener =
        ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
      const { error } = await drain(
        pushStream(iterator, { signal, onError: (e) => errors.push(e) }),
      );
      assert.ok(error instanceof TypeError, String(error));
      assert.match(
        (error as Error).message,
        /^parts: the iterator's next\(\) must resolve to an object \{ done, value \}, got /,
      );
      assert.deepEqual(errors, [error]);
      assert.equal(returned, 1, "return() was called once");
      assert.equal(listeners, 0, "the abort listener was removed");
    });
  }
});

describe("a throwing onError (issue 10, item 4)", () => {
  const throwing = (): never => {
    throw new Error("the logger failed");
  };

  it("never becomes an unhandled rejection when the source's return() rejects after a bad part", async () => {
    const watch = watchUnhandled();
    let calls = 0;
    try {
      const iterator = {
        next: () => Promise.resolve({ done: false, value: { contentType: "" } }),
        return: () => Promise.reject(new Error("return failed")),
        [Symbol.asyncIterator]() {
          return this;
        },
      } as unknown as AsyncIterable<Part>;
      const { error } = await drain(pushStream(iterator, {
        onError: (e) => {
          calls++;
          throwing();
          void e;
        },
      }));
      assert.ok(error instanceof TypeError, String(error));
      await delay(50);
    } finally {
      assert.deepEqual(watch.stop(), []);
    }
    assert.equal(calls, 2, "onError heard the bad part and the failed return()");
  });

  it("never becomes an unhandled rejection when the client leaves and return() rejects", async () => {
    const watch = watchUnhandled();
    try {
      let step = 0;
      const iterator = {
        next: () =>
          Promise.resolve({ done: false, value: { contentType: "text/plain", body: `${step++}` } }),
        return: () => Promise.reject(new Error("return failed")),
        [Symbol.asyncIterator]() {
          return this;
        },
      } as unknown as AsyncIterable<Part>;
      const response = pushResponse(iterator, { onError: throwing });
      const reader = response.body!.getReader();
      await reader.read();
      await reader.cancel();
      await delay(50);
    } finally {
      assert.deepEqual(watch.stop(), []);
    }
  });

  it("never becomes an uncaught exception, and the body is still cancelled, when a streamed body outlives the grace after an abort", async () => {
    const watch = watchUnhandled();
    let cancelled: unknown = "not cancelled";
    try {
      const controller = new AbortController();
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new Uint8Array([1]));
        },
        cancel(reason) {
          cancelled = reason;
        },
      });
      const stream = pushStream([{ contentType: "application/octet-stream", body }], {
        signal: controller.signal,
        onError: throwing,
      });
      const done = drain(stream);
      await delay(20);
      controller.abort();
      const { error } = await within(3000, "the grace error", done);
      assert.match(String(error), /did not finish within 1000 ms/);
      await delay(50);
      assert.equal(cancelled, error, "the body was cancelled after onError threw");
    } finally {
      assert.deepEqual(watch.stop(), []);
    }
  });
});

describe("idleTimeout and a streamed body that stops sending (issue 10, item 5)", () => {
  it("errors the push after idleTimeout without a byte, and cancels the body", async () => {
    let cancelled: unknown = "not cancelled";
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("abc"));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const errors: unknown[] = [];
    // idleTimeout is the stream's timer: on the test clock the cut comes 300 ms after the body's
    // last bytes exactly, however loaded the machine.
    const clock = installClock();
    let ended;
    try {
      const draining = drain(pushStream([{ contentType: "text/plain", body }], {
        idleTimeout: 300,
        onError: (e) => errors.push(e),
      }));
      await delay(1); // "abc" goes out within microtasks, and the body's idle timer with it
      await clock.advance(299);
      assert.equal(await settledAfterTurn(draining), false, "cut before idleTimeout");
      await clock.advance(1);
      ended = await within(2000, "the idle error", draining);
    } finally {
      clock.uninstall();
    }
    const { text, error } = ended;
    assert.ok(error instanceof Error, String(error));
    assert.match(
      (error as Error).message,
      /^parts\[0\]\.body sent no bytes for 300 ms \(options\.idleTimeout\): the push is broken off/,
    );
    assert.deepEqual(errors, [error]);
    assert.equal(cancelled, error, "the stalled body was cancelled with the error");
    assert.ok(text.endsWith("abc"), "no delimiter after the cut part");
  });

  it("does not fire while the body keeps sending, even past idleTimeout in total", async () => {
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        await delay(60);
        if (n++ === 8) c.close();
        else c.enqueue(new Uint8Array([65]));
      },
    });
    const { text, error } = await drain(
      pushStream([{ contentType: "text/plain", body }], { idleTimeout: 200 }),
    );
    assert.equal(error, undefined);
    assert.ok(text.includes("AAAAAAAA"), text);
  });
});

describe("header text above U+00FF (issue 10, item 11)", () => {
  const table: [string, Part][] = [
    ["a contentType", { contentType: "text/plain; name=\u0100", body: "" }],
    ["a header value", {
      contentType: "text/plain",
      body: "",
      headers: { "X-Title": "smile \u{1F600}" },
    }],
  ];
  for (const [what, part] of table) {
    it(`refuses ${what} with a TypeError naming the rule`, () => {
      assert.throws(
        () => pushStream([part]),
        (error: Error) =>
          error instanceof TypeError &&
          /has a character above U\+00FF \(U\+[0-9A-F]{4,} ".+"\) at index \d+: header values are bytes \(Latin-1\)/
            .test(error.message),
      );
    });
  }

  it("sends U+0080..U+00FF as one byte each (Latin-1), as fetch's Headers does", async () => {
    const bytes = await readAll(
      pushStream([{ contentType: "text/plain", body: "", headers: { "X-Name": "caf\xe9" } }]),
    );
    assert.ok(latin1(bytes).includes("X-Name: caf\xe9\r\n"), latin1(bytes));
  });
});
