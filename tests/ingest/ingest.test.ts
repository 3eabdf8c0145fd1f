// ingest() in one process: every format, every refusal with its status and message (the table
// in _cases.ts), frames as they arrive, idle timeout, and bad arguments.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../lib/ingest/ingest.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import type { Part } from "../../lib/push/part.ts";
import { runtime } from "../_helpers/runtime.ts";
import { installClock, settledAfterTurn } from "../_helpers/clock.ts";
import { delay, until, within } from "../_helpers/streams.ts";
import { feed, JPEGS, multipart, OPEN, upload } from "./_uploads.ts";
import { CASES, MIXED } from "./_cases.ts";

describe(`ingest (${runtime})`, () => {
  it("each upload gets its status and message; frames before a fault are published", async () => {
    for (const c of CASES) {
      const frames: Part[] = [];
      const answer = await ingest(
        c.request(),
        { publish: (part) => void frames.push(part) },
        { ...OPEN, ...c.options },
      );
      const body = await answer.text();
      assert.equal(answer.status, c.status, `${c.name}: ${body}`);
      if (c.message) assert.match(body, c.message, c.name);
      assert.equal(frames.length, c.frames, c.name);
      if (c.status === 204) assert.equal(answer.headers.get("x-ingest-frames"), String(c.frames));
      if (c.status === 415) assert.match(answer.headers.get("accept")!, /image\/webp/);
      if (c.status === 405) assert.equal(answer.headers.get("allow"), "POST, PUT");
    }
  });

  it("publishes each multipart frame as it arrives, and awaits a returned promise", async () => {
    const body = feed();
    const seen: number[] = [];
    let release = (): void => {};
    const answer = ingest(upload(body.stream, MIXED), {
      publish: (part) => {
        seen.push((part.body as Uint8Array).length);
        return new Promise<void>((resolve) => (release = resolve));
      },
    }, OPEN);
    const bytes = multipart(JPEGS);
    const firstEnd = bytes.indexOf(0x2d, 20 + JPEGS[0].length) + 8; // into the second boundary line
    body.push(bytes.subarray(0, firstEnd));
    await delay(50);
    assert.deepEqual(seen, [JPEGS[0].length]);
    body.push(bytes.subarray(firstEnd));
    body.close();
    await delay(50);
    assert.equal(seen.length, 1, "the next frame waits for publish's promise");
    for (let i = 0; i < 3; i++) {
      release();
      await delay(10);
    }
    assert.equal((await answer).status, 204);
    assert.equal(seen.length, 3);
  });

  it("a frame publish() refuses is told to onError and skipped; the upload goes on (issue 20, 4/5)", async () => {
    const told: unknown[] = [];
    const published: number[] = [];
    const answer = await ingest(upload(concatBytes(JPEGS), "image/jpeg"), {
      publish: (part) => {
        const n = (part.body as Uint8Array).length;
        if (n === JPEGS[1].length) throw new RangeError("no room");
        published.push(n);
      },
    }, { ...OPEN, onError: (error) => told.push(error) });
    assert.equal(answer.status, 204);
    assert.equal(answer.headers.get("x-ingest-frames"), "2");
    assert.equal(answer.headers.get("x-ingest-skipped"), "1");
    assert.deepEqual(published, [JPEGS[0].length, JPEGS[2].length]);
    assert.equal(told.length, 1);
    assert.match((told[0] as Error).message, /^ingest: publish\(\) refused frame 2: no room/);
    assert.ok((told[0] as Error).cause instanceof RangeError);
  });

  it("a silent upload is cut with 408 at idleTimeout", async () => {
    // idleTimeout is ingest's timer: on the test clock the cut comes at 200 ms after the last
    // complete frame exactly, however loaded the machine.
    const clock = installClock();
    try {
      const body = feed();
      body.push(JPEGS[0]);
      let published = 0;
      const answer = ingest(upload(body.stream, "image/jpeg"), { publish: () => published++ }, {
        ...OPEN,
        idleTimeout: 200,
      });
      await until(() => published === 1, 2000, "the first frame");
      await clock.advance(199);
      assert.equal(await settledAfterTurn(answer), false, "cut before idleTimeout");
      await clock.advance(1);
      const cut = await within(2000, "the 408 at idleTimeout", answer);
      assert.equal(cut.status, 408);
      assert.match(await cut.text(), /^408 no complete frame arrived for 200 ms/);
      assert.equal(cut.headers.get("x-ingest-frames"), "1");
    } finally {
      clock.uninstall();
    }
  });

  it("bad arguments throw at once, naming the argument, the rule and what was given", () => {
    const ok = upload(JPEGS[0], "image/jpeg");
    const target = { publish: () => {} };
    const table: [() => unknown, ErrorConstructor, RegExp][] = [
      [
        () => ingest("/ingest" as never, target, OPEN),
        TypeError,
        /^request must be a Request, got the string "\/ingest"/,
      ],
      [
        () => ingest(ok, {} as never, OPEN),
        TypeError,
        /^target must have a publish\(part\) method .*got an object/,
      ],
      [() => ingest(ok, null as never, OPEN), TypeError, /got null/],
      [
        () => ingest(ok, target, "x" as never),
        TypeError,
        /^options must be an object with authorize .*got the string "x"/,
      ],
      [
        () => ingest(ok, target, { ...OPEN, maxFrameSize: "100" as never }),
        RangeError,
        /^options.maxFrameSize must be a whole number of bytes >= 4, got the string "100"/,
      ],
      [() => ingest(ok, target, { ...OPEN, maxFrameSize: 3 }), RangeError, /got 3/],
      [
        () => ingest(ok, target, { ...OPEN, idleTimeout: 0 }),
        RangeError,
        /^options.idleTimeout must be a number of milliseconds > 0 .*got 0/,
      ],
      [
        () => ingest(ok, target, { ...OPEN, idleTimeout: 2 ** 31 }),
        RangeError,
        /^options.idleTimeout must be .*<= 2147483647, or Infinity, got 2147483648/,
      ],
      [
        () => ingest(ok, target, { ...OPEN, signal: {} as never }),
        TypeError,
        /^options.signal must be an AbortSignal, got an object/,
      ],
      [
        () => ingest(ok, target, { authorize: "token" as never }),
        TypeError,
        /^options.authorize must be a function .* or "anyone" .*got the string "token"/,
      ],
      [
        () => ingest(ok, new PushHub(), { ...OPEN, allowTakeover: "yes" as never }),
        TypeError,
        /^options.allowTakeover must be a boolean, got the string "yes"/,
      ],
      [
        () => ingest(42 as never, new PushHub(), OPEN),
        TypeError,
        /^request must be a Request, got 42/,
      ],
    ];
    for (const [call, type, message] of table) {
      assert.throws(call, (error: Error) => {
        assert.ok(error instanceof type, `${error.name}: ${error.message}`);
        assert.match(error.message, message);
        return true;
      });
    }
  });
});
