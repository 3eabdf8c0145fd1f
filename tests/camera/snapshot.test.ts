// snapshot({ fresh: true }) waits (bounded by `timeout`) for the next frame instead of serving an
// old one; `maxAge` sets Cache-Control; bad init values are refused before any wait.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { installClock, settledAfterTurn } from "../_helpers/clock.ts";
import { delay, within } from "../_helpers/streams.ts";
import { text } from "./_viewer.ts";

describe("snapshot({ fresh: true })", () => {
  it("waits for the next frame, not the latest one", async () => {
    // The wait's timeout is the hub's timer: on the test clock it cannot fire unless moved, so
    // the answer is the next frame's whenever a loaded machine gets to it.
    const clock = installClock();
    try {
      const hub = new PushHub();
      hub.publish(text("old"));
      const fresh = hub.snapshot({ fresh: true });
      await clock.advance(1999); // the default timeout is 2000 ms
      assert.equal(await settledAfterTurn(fresh), false, "no answer before the next frame");
      hub.publish(text("new"));
      const response = await within(2000, "the next frame's answer", fresh);
      assert.equal(await response.text(), "new");
      assert.equal(response.headers.get("cache-control"), "no-store");
      hub.close();
    } finally {
      clock.uninstall();
    }
  });

  it("past `timeout`: 503 with Retry-After, at the timeout", async () => {
    const clock = installClock();
    try {
      const hub = new PushHub({ retryAfter: 3 });
      hub.publish(text("old"));
      const answer = hub.snapshot({ fresh: true, timeout: 200 });
      await clock.advance(199);
      assert.equal(await settledAfterTurn(answer), false, "gave up before the timeout");
      await clock.advance(1);
      const response = await within(2000, "the 503 at the timeout", answer);
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "3");
      assert.match(await response.text(), /no new frame within 200 ms/);
      hub.close();
    } finally {
      clock.uninstall();
    }
  });

  it("past `timeout` while offline: the offline part", async () => {
    const hub = new PushHub({ offline: text("offline") });
    const response = await hub.snapshot({ fresh: true, timeout: 50 });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "offline");
    hub.close();
  });

  it("runs a lazy PushHub.from source for the wait, which stops after linger", async () => {
    let pulls = 0;
    let stopped = false;
    const hub = PushHub.from(async function* () {
      try {
        for (;;) {
          pulls++;
          yield text(`pull ${pulls}`);
          await delay(20);
        }
      } finally {
        stopped = true;
      }
    }, { linger: 0 });
    const response = await hub.snapshot({ fresh: true, timeout: 2000 });
    assert.equal(await response.text(), "pull 1");
    await delay(100);
    assert.ok(stopped, "the source stopped once nobody waited");
    assert.ok(pulls <= 2, `pulled ${pulls} times for one snapshot`);
    hub.close();
  });

  it("close() ends a wait at once with 503; after close, 503 at once", async () => {
    const hub = new PushHub();
    const waiting = hub.snapshot({ fresh: true, timeout: 10_000 });
    const start = Date.now();
    hub.close();
    assert.equal((await waiting).status, 503);
    assert.ok(Date.now() - start < 200);
    const after = await hub.snapshot({ fresh: true });
    assert.equal(after.status, 503);
    assert.match(await after.text(), /closed/);
  });
});

describe("snapshot maxAge and bad init", () => {
  it("maxAge sets Cache-Control: max-age=N; init.headers may still override", () => {
    const hub = new PushHub();
    hub.publish(text("x"));
    assert.equal(hub.snapshot({ maxAge: 5 }).headers.get("cache-control"), "max-age=5");
    assert.equal(hub.snapshot({ maxAge: 0 }).headers.get("cache-control"), "max-age=0");
    const own = hub.snapshot({ maxAge: 5, headers: { "Cache-Control": "private, max-age=1" } });
    assert.equal(own.headers.get("cache-control"), "private, max-age=1");
    hub.close();
  });

  const cases: [unknown, RegExp][] = [
    ["fresh", /^TypeError: init must be an object, got the string "fresh"$/],
    [{ fresh: "true" }, /^TypeError: init\.fresh must be a boolean, got the string "true"$/],
    [
      { fresh: true, timeout: 0 },
      /^RangeError: init\.timeout must be milliseconds > 0 and <= 60000, got 0$/,
    ],
    [{ fresh: true, timeout: "100" }, /init\.timeout .* got the string "100"$/],
    [{ fresh: true, timeout: NaN }, /init\.timeout .* got NaN$/],
    [{ fresh: true, timeout: 1e9 }, /init\.timeout .* got 1000000000$/],
    [{ maxAge: -1 }, /^RangeError: init\.maxAge must be a whole number of seconds >= 0, got -1$/],
    [{ maxAge: 1.5 }, /init\.maxAge .* got 1\.5$/],
    [{ maxAge: "60" }, /init\.maxAge .* got the string "60"$/],
    [
      { request: "http://x/" },
      /^TypeError: init\.request must be a Request, got the string "http:\/\/x\/"$/,
    ],
    [{ fresh: true, headers: { "Content-Type": "x/y" } }, /init\.headers/],
  ];
  for (const [init, message] of cases) {
    it(`refuses ${JSON.stringify(init)} with a throw, before any wait`, () => {
      const hub = new PushHub();
      hub.publish(text("x"));
      assert.throws(() => hub.snapshot(init as never), message);
      hub.close();
    });
  }
});
