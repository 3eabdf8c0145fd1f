// Source faults behind PushHub.from, seen by clients of the runtime's real server: a source that
// throws or yields a bad part breaks every subscriber's connection (no close delimiter: a client
// can tell it from an end) and reaches onError; one that finishes ends every subscriber cleanly;
// one that hangs leaves subscribers to end cleanly at idleTimeout. In each case the next
// subscriber restarts the source and gets frames, and nothing is left: no subscriber, no retained
// bytes, every run's `finally` ran.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import { deferred, delay, inWindow, latin1, SLACK_MS, until, within } from "../_helpers/streams.ts";

type Fault = "throws" | "bad part" | "hangs" | "finishes";

/** What one client saw: frames, and whether the push ended with the close delimiter. */
type Seen = { frames: number; clean: boolean; error: unknown };

/** Reads a push to its end; `first` resolves at the first frame, `text()` is what came so far. */
function watch(body: ReadableStream<Uint8Array>, boundary: string) {
  const first = deferred();
  let text = "";
  const result = (async (): Promise<Seen> => {
    let error: unknown;
    try {
      for await (const chunk of body) {
        text += latin1(chunk);
        if (text.includes(`\r\n--${boundary}\r\n`)) first.resolve();
      }
    } catch (caught) {
      error = caught;
    }
    first.resolve();
    const frames = text.split(`\r\n--${boundary}`).length - 1;
    return { frames, clean: text.endsWith(`\r\n--${boundary}--\r\n`), error };
  })();
  return { first: first.promise, result, text: () => text };
}

// The harness serves loopback requests from the test's own request; a hub shared between them makes
// workerd cancel the served requests as hung (I/O of one request awaited from another).
const inProcess = runtime === "workerd";
const note = inProcess
  ? " (in-process clients on workerd: served requests waiting on the test's hub are cancelled as hung)"
  : "";

async function scenario(fault: Fault): Promise<void> {
  let started = 0;
  let finished = 0;
  const gate = deferred();
  const hang = deferred();
  const errors: unknown[] = [];
  const source = async function* (): AsyncGenerator<Part> {
    const run = ++started;
    try {
      yield { contentType: "text/plain", body: `run ${run} frame 0` };
      if (run === 1) {
        await gate.promise;
        if (fault === "throws") throw new Error("camera unplugged");
        if (fault === "bad part") yield { contentType: "text/plain", body: 42 } as unknown as Part;
        if (fault === "hangs") return void (await hang.promise);
        return;
      }
      for (let i = 1;; i++) {
        await delay(20);
        yield { contentType: "text/plain", body: `run ${run} frame ${i}` };
      }
    } finally {
      finished++;
    }
  };
  const hub = PushHub.from(source, {
    linger: 0,
    idleTimeout: fault === "hangs" ? 300 : 60_000,
    onError: (error) => void errors.push(error),
  });
  const server: Served | undefined = inProcess ? undefined : await serve((r) => hub.response(r));
  const open = async (): Promise<ReadableStream<Uint8Array>> => {
    if (!server) return hub.response().body!;
    const response = await fetch(server.url);
    assert.equal(response.status, 200);
    return response.body!;
  };
  const state = (): string =>
    `subscribers ${hub.subscribers}, retained ${hub.retainedBytes}, started ${started}, finished ${finished}`;
  try {
    const clients = await Promise.all([open(), open(), open()]);
    const watches = clients.map((body) => watch(body, hub.boundary));
    await within(5000, "every client's first frame", Promise.all(watches.map((w) => w.first)));
    // Frame 0 was published before its clients saw it, so the idle end is due <= 300 ms from here.
    const firstSeenAt = Date.now();
    gate.resolve();
    const ends = Promise.all(watches.map((w) => w.result));
    const seen = fault === "hangs"
      ? await inWindow(firstSeenAt, 250, 300 + SLACK_MS, "the idle end of every client", ends)
      : await within(5000, "every client's end", ends);
    for (const s of seen) {
      assert.ok(s.frames >= 1, `a client saw ${s.frames} frames`);
      if (fault === "throws" || fault === "bad part") {
        assert.equal(s.clean, false, "a broken source must not look like a clean end");
      } else {
        assert.equal(s.clean, true, `a clean end (${String(s.error)})`);
      }
    }
    if (fault === "throws") assert.equal((errors[0] as Error)?.message, "camera unplugged");
    else if (fault === "bad part") assert.ok(errors[0] instanceof TypeError, String(errors[0]));
    else assert.equal(errors.length, 0, String(errors[0]));
    assert.equal(errors.length <= 1, true, `onError called ${errors.length} times`);
    await until(() => hub.subscribers === 0 && hub.retainedBytes === 0, 5000, state);
    if (fault !== "hangs") await until(() => finished === 1, 5000, state);
    else assert.equal(finished, 0, "a hung run's finally waits for its pending next()");

    // The next viewer restarts the source and gets frames of the new run. A hung run may hold the
    // restart back until its return() has settled (one run at a time: a camera opens once).
    const again = watch(await open(), hub.boundary);
    await within(5000, "a frame after the restart", again.first);
    hang.resolve();
    await until(() => again.text().includes("run 2 frame"), 5000, state);
    assert.equal(started, 2);
    hub.close();
    const last = await within(5000, "the restarted client's end", again.result);
    assert.equal(last.clean, true);
    assert.ok(last.frames >= 1);
    await until(() => hub.subscribers === 0 && finished === started, 5000, state);
    assert.equal(hub.retainedBytes, 0);
  } finally {
    gate.resolve();
    hang.resolve();
    hub.close();
    await server?.close();
  }
}

describe(`PushHub.from source faults (${runtime})`, () => {
  it(`a source that throws: connections break, onError, restart serves again${note}`, () =>
    scenario("throws"));
  it(`a source that yields a bad part: connections break, onError, restart serves again${note}`, () =>
    scenario("bad part"));
  it(
    `a source that hangs: subscribers end cleanly at idleTimeout; once its next() settles, its finally runs and a restart serves again${note}`,
    () => scenario("hangs"),
  );
  it(`a source that finishes: clean end for every subscriber, restart serves again${note}`, () =>
    scenario("finishes"));
});
