// Self-test of the cross-runtime harness: node:test semantics, skips, and real-server streaming
// on Deno.serve, Bun.serve, @hono/node-server and workerd. That failures are reported as failures
// (on every runtime, by scripts/test.sh's counts too) is checked in outcomes.test.ts.
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";

const encoder = new TextEncoder();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the elapsed ms once `done` settles, or with -1 after `limitMs`. */
async function within(done: Promise<unknown>, limitMs: number): Promise<number> {
  const start = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(-1), limitMs);
  });
  try {
    return await Promise.race([done.then(() => Date.now() - start), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A source that yields a chunk every 50 ms forever; `finished` settles when its finally runs.
 * Cancelling `stream` or calling `stop()` ends the generator with `return()`.
 */
function endlessSource(): {
  stream: ReadableStream<Uint8Array>;
  finished: Promise<void>;
  stop(): void;
} {
  let markFinished = (): void => {};
  const finished = new Promise<void>((resolve) => (markFinished = resolve));
  async function* ticks(): AsyncGenerator<Uint8Array> {
    try {
      for (let i = 0;; i++) {
        yield encoder.encode(`tick ${i}\n`);
        await sleep(50);
      }
    } finally {
      markFinished();
    }
  }
  const source = ticks();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await source.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await source.return(undefined);
    },
  });
  return { stream, finished, stop: () => void source.return(undefined) };
}

describe("harness", () => {
  it("skips a test (skipped on every runtime: proves { skip } works)", { skip: true }, () => {
    throw new Error("a skipped test must not run");
  });

  it.skip("skips with it.skip (skipped on every runtime: proves it.skip works)", () => {
    throw new Error("a skipped test must not run");
  });

  describe("hooks", () => {
    const calls: string[] = [];
    before(() => {
      calls.push("before");
    });
    beforeEach(() => {
      calls.push("beforeEach");
    });
    afterEach(() => {
      calls.push("afterEach");
    });
    after(() => {
      assert.deepEqual(calls, [
        "before",
        "beforeEach",
        "first",
        "afterEach",
        "beforeEach",
        "second",
        "afterEach",
      ]);
    });

    it("first", () => {
      calls.push("first");
    });

    describe("nested", () => {
      it("second", async () => {
        await sleep(1);
        calls.push("second");
      });
    });
  });
});

describe(`real server on ${runtime}`, () => {
  const cleanups: Served[] = [];
  afterEach(async () => {
    for (const s of cleanups.splice(0)) await s.close();
  });

  it("streams chunks sent with delays, byte-exact", async () => {
    const server = await serve(() => {
      const chunks = ["first,", "second,", "third"];
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = chunks.shift();
          if (next === undefined) return controller.close();
          await sleep(20);
          controller.enqueue(encoder.encode(next));
        },
      });
      return new Response(stream, { headers: { "content-type": "text/plain" } });
    });
    cleanups.push(server);
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/plain");
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual(bytes, encoder.encode("first,second,third"));
  });

  it("serves the path and method it was asked for", async () => {
    const server = await serve((req) => {
      const { pathname, search } = new URL(req.url);
      return new Response(`${req.method} ${pathname}${search}`);
    });
    cleanups.push(server);
    const res = await fetch(`${server.url}a/b?c=1`, { method: "POST", body: "x" });
    assert.equal(await res.text(), "POST /a/b?c=1");
  });

  it(
    "a client cancel aborts request.signal within 1 s",
    async () => {
      let aborted: Promise<void> = Promise.reject(new Error("handler never ran"));
      aborted.catch(() => {});
      const server = await serve((req) => {
        aborted = new Promise((resolve) => req.signal.addEventListener("abort", () => resolve()));
        return new Response(endlessSource().stream);
      });
      cleanups.push(server);
      const reader = (await fetch(server.url)).body!.getReader();
      assert.equal((await reader.read()).done, false);
      assert.equal((await reader.read()).done, false);
      await reader.cancel();
      const ms = await within(aborted, 1000);
      assert.ok(ms >= 0, "request.signal did not abort within 1 s of the client cancelling");
    },
  );

  it(
    "a client cancel cancels the response body, so the generator's finally runs within 1 s" +
      (runtime === "workerd"
        ? " (skipped on workerd: a disconnect never calls the body's cancel(), workerd#6832)"
        : ""),
    { skip: runtime === "workerd" },
    async () => {
      let finished: Promise<void> = Promise.reject(new Error("handler never ran"));
      finished.catch(() => {});
      const server = await serve(() => {
        const source = endlessSource();
        finished = source.finished;
        return new Response(source.stream);
      });
      cleanups.push(server);
      const reader = (await fetch(server.url)).body!.getReader();
      assert.equal((await reader.read()).done, false);
      assert.equal((await reader.read()).done, false);
      await reader.cancel();
      const ms = await within(finished, 1000);
      assert.ok(ms >= 0, "the generator's finally did not run within 1 s of the client cancelling");
    },
  );

  // The pattern that works on all four: stop the source on request.signal, and on workerd keep
  // the request's context alive with waitUntil, or its pending timer never fires and the
  // generator stays suspended with its finally never run.
  it("a client cancel runs the finally within 1 s via request.signal and waitUntil", async () => {
    let finished: Promise<void> = Promise.reject(new Error("handler never ran"));
    finished.catch(() => {});
    const server = await serve((req, ctx) => {
      const source = endlessSource();
      finished = source.finished;
      req.signal.addEventListener("abort", source.stop);
      ctx.waitUntil(source.finished);
      return new Response(source.stream);
    });
    cleanups.push(server);
    const reader = (await fetch(server.url)).body!.getReader();
    assert.equal((await reader.read()).done, false);
    assert.equal((await reader.read()).done, false);
    await reader.cancel();
    const ms = await within(finished, 1000);
    assert.ok(ms >= 0, "the generator's finally did not run within 1 s of the client cancelling");
  });
});
