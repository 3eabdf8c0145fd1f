// The examples from the seeds, each served on this runtime's own server and read back with fetch
// and the decoder: the process list, the "please wait" push, the pushed image file with its
// snapshot and client-pull fallback, and the three-page push
// (GraphQL @defer over multipart/mixed: tests/graphql/example.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { ReceivedPart } from "../../lib/parse/received_part.ts";
import { handler as processes } from "../../examples/processes.ts";
import { handler as pleaseWait } from "../../examples/please_wait_push.ts";
import { handler as threePages } from "../../examples/three_pages.ts";
import { imageFileApp } from "../../examples/image_file.ts";
import { GREEN, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { served } from "../_helpers/serve.ts";
import { settledAfterTurn } from "../_helpers/clock.ts";
import { HELD_BACK_MS, within } from "../_helpers/streams.ts";

/**
 * Every part of a push, each with the ms since the request started. A replace push ends with its
 * last part again (lib/push/framing.ts): that repeat is checked to be one, and left out.
 */
async function allParts(response: Response): Promise<{ part: ReceivedPart; ms: number }[]> {
  const start = Date.now();
  const parts: { part: ReceivedPart; ms: number }[] = [];
  for await (const part of parseParts(response)) parts.push({ part, ms: Date.now() - start });
  const [last, repeat] = parts.slice(-2).map(({ part }) => part.text());
  assert.equal(repeat, last, "the last part again, to end");
  return parts.slice(0, -1);
}

/** A query time no other timer of the test asks for, so {@linkcode holdTimers} holds the query's alone. */
const QUERY_MS = 4321;

/**
 * Holds every `setTimeout(fn, ms)` armed from now with exactly `ms` (the example looks the global
 * up at each call) until `release()`, which runs them and puts the global back. Other timers run
 * as usual (a held one still gets a real, empty timer, so `unref` and `clearTimeout` work).
 */
function holdTimers(ms: number): { readonly held: number; release(): void } {
  const original = globalThis.setTimeout;
  const held: (() => void)[] = [];
  globalThis.setTimeout =
    ((fn: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
      if (delay !== ms) return original(fn, delay, ...args);
      held.push(() => fn(...args));
      return original(() => {}, 0);
    }) as typeof setTimeout;
  return {
    get held() {
      return held.length;
    },
    release() {
      globalThis.setTimeout = original;
      for (const run of held.splice(0)) run();
    },
  };
}

describe("seed examples", () => {
  it("processes.ts pushes 'Processes On This Server' again and again", async () => {
    await served(processes, async (url) => {
      const response = await fetch(new URL("processes?every=0.2&count=2", url));
      assert.match(response.headers.get("content-type")!, /^multipart\/x-mixed-replace;boundary=/);
      const parts = await allParts(response);
      assert.equal(parts.length, 2);
      for (const { part } of parts) {
        assert.equal(part.contentType, "text/html; charset=utf-8");
        assert.match(
          part.text(),
          /^<h3>Processes On This Server<\/h3>\n<p>Date: .+ GMT<\/p>\n<pre>/,
        );
        // ps -el's header where there are subprocesses; a note saying why not where there are none.
        assert.match(part.text(), canSpawn ? /PID/ : /no process list on this runtime/);
      }
      assert.ok(parts[1].ms - parts[0].ms >= 150, "the second list comes `every` later");
      const page = await (await fetch(url)).text();
      assert.match(page, /pushInto\(out, "\/processes"\)/);
    });
  });

  it("please_wait_push.ts pushes the wait message at once, then the result replacing it", async () => {
    await served(pleaseWait, async (url) => {
      // The query's timer is the test's to fire: while it is held the result cannot exist, so a
      // wait message that arrives was pushed at once (not held until the result), however loaded
      // the machine; the result comes once the query ends.
      const query = holdTimers(QUERY_MS);
      try {
        const response = await within(
          HELD_BACK_MS,
          "the response head",
          fetch(new URL(`search?q=cats&ms=${QUERY_MS}`, url)),
        );
        const parts = parseParts(response)[Symbol.asyncIterator]();
        const wait = await within(
          HELD_BACK_MS,
          "the wait message while the query runs",
          parts.next(),
        );
        assert.match(wait.value!.text(), /Please wait: searching for “cats”/);
        const result = parts.next();
        assert.equal(query.held, 1, "the query is running");
        assert.equal(await settledAfterTurn(result), false, "no result while the query runs");
        query.release();
        const got = await within(HELD_BACK_MS, "the result once the query ended", result);
        assert.match(got.value!.text(), /<h2>Results for “cats”<\/h2><ul><li>alpha cats<\/li>/);
        const repeat = await parts.next();
        assert.equal(repeat.value!.text(), got.value!.text(), "the last part again, to end");
        assert.equal((await parts.next()).done, true);
      } finally {
        query.release();
      }
      const escaped = await allParts(await fetch(new URL("search?q=%3Cb%3E&ms=0", url)));
      assert.doesNotMatch(escaped[1].part.text(), /<b>/);
    });
  });

  it("three_pages.ts pushes First, Second, Third Page and ends", async () => {
    await served(threePages, async (url) => {
      const parts = await allParts(await fetch(new URL("pages?ms=50", url)));
      assert.deepEqual(parts.map(({ part }) => part.text()), [
        "<p>First Page</p>",
        "<p>Second Page</p>",
        "<p>Third Page</p>",
      ]);
    });
  });

  it(
    `image_file.ts pushes the file again when it changes on disk, with snapshot and pull fallback${
      canSpawn ? "" : ` (skipped on ${runtime}: no file system)`
    }`,
    { skip: !canSpawn },
    async () => {
      const name = "node:fs/promises";
      const fs = await import(name) as typeof import("node:fs/promises");
      const os = "node:os";
      const { tmpdir } = await import(os) as typeof import("node:os");
      const dir = await fs.mkdtemp(`${tmpdir()}/mpush-image-`);
      const path = `${dir}/picture.jpg`;
      const red = solidJpeg(RED);
      const green = solidJpeg(GREEN);
      await fs.writeFile(path, red);
      const app = imageFileApp(path, { pollMs: 50 });
      try {
        await served(app.handler, async (url) => {
          const response = await fetch(new URL("image", url));
          const parts = parseParts(response);
          const first = await parts.next();
          assert.deepEqual(first.value?.body, red);
          assert.equal(first.value?.contentType, "image/jpeg");
          const snapshot = await fetch(new URL("snapshot", url));
          assert.deepEqual(new Uint8Array(await snapshot.arrayBuffer()), red);
          await fs.writeFile(`${path}.tmp`, green);
          await fs.rename(`${path}.tmp`, path);
          // Keep-alive may resend red first; the file's new bytes must follow.
          let next = await parts.next();
          for (let i = 0; i < 20 && next.value?.body.length === red.length; i++) {
            if (!next.value.body.every((b: number, k: number) => b === red[k])) break;
            next = await parts.next();
          }
          assert.deepEqual(next.value?.body, green);
          await parts.return?.();
          const pull = await fetch(new URL("pull", url));
          assert.equal(pull.headers.get("refresh"), "1");
          assert.match(await pull.text(), /<img src="\/snapshot"/);
          const page = await (await fetch(url)).text();
          assert.match(page, /<img id="img" src="\/image"/);
          assert.match(page, /location\.replace\('\/pull'\)/);
        });
      } finally {
        app.close();
        await fs.rm(dir, { recursive: true, force: true });
      }
      assert.throws(() => imageFileApp("notes.txt"), RangeError);
    },
  );
});
