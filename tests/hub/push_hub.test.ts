// PushHub in process: encode once, latest wins, bounded memory, mixed queues, limits, timers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { pushStream } from "../../lib/push/stream.ts";
import type { Part } from "../../lib/push/part.ts";
import { delay, readingText, until, within } from "../_helpers/streams.ts";
import { bufferBytesAfterGc, countBytes, gcNote } from "../_helpers/memory.ts";
import { trackTimers } from "../_helpers/timers.ts";
import { installClock, settledAfterTurn } from "../_helpers/clock.ts";

const decoder = new TextDecoder();
const IMG = { headers: { "Sec-Fetch-Dest": "image" } };
/**
 * A media reader's request (ffmpeg's): it gets reader framing, each part whole with its length,
 * which these tests of the hub's mechanics read; ending.test.ts and the browser tests cover the
 * browser framing a request-less `hub.response()` gets.
 */
const lavf = (): Request => new Request("http://h/", { headers: { "User-Agent": "Lavf/61" } });

function text(part: string, type = "text/plain", headers?: HeadersInit): Part {
  return { contentType: type, body: part, headers };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return decoder.decode(await new Response(stream).arrayBuffer());
}

/** The next chunk: a whole frame, its framing included (one chunk per frame). */
async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value, done } = await reader.read();
  assert.equal(done, false, "the stream ended early");
  return decoder.decode(value);
}

/** Bodies of a replace-mode push in reader framing, in order, the repeat of the last one left out. */
function replaceBodies(wire: string, boundary: string): string[] {
  const open = `\r\n--${boundary}`;
  assert.ok(wire.startsWith(open), "opens with the boundary line");
  const close = `\r\n--${boundary}--\r\n`;
  assert.ok(wire.endsWith(close), "ends with the close delimiter");
  if (wire === close) return [];
  const parts = wire.slice(open.length + 2, -close.length).split(`\r\n--${boundary}\r\n`);
  assert.equal(parts.at(-1), parts.at(-2), "the last part is repeated before the close");
  return parts.slice(0, -1).map((part) => part.slice(part.indexOf("\r\n\r\n") + 4));
}

describe("PushHub: wire bytes", () => {
  const parts = [
    text("a"),
    text("b"),
    text("<i>c</i>", "text/html", { "X-Frame": "3" }),
    text("<i>d</i>", "text/html"),
    text("<i>e</i>", "text/html"),
  ];

  for (
    const [name, mode, request, advanceHeaders] of [
      ["replace, reader framing (a media reader)", "replace", lavf(), false],
      ["replace, browser framing (an <img> load)", "replace", new Request("http://h/", IMG), true],
      ["replace, browser framing (no request)", "replace", undefined, true],
      ["mixed", "mixed", undefined, false],
    ] as const
  ) {
    it(`a subscriber that keeps up gets exactly what pushStream sends: ${name}`, async () => {
      const hub = new PushHub({ boundary: "hub-b", mode, keepAlive: Infinity });
      const body = readAll(hub.response(request).body!);
      for (const part of parts) {
        hub.publish(part);
        await delay(2);
      }
      hub.close();
      const got = await body;
      // Timestamps aside (none here), one wire rule: the same bytes whenever the push ends.
      const expected = await readAll(
        pushStream(parts, { boundary: "hub-b", mode, advanceHeaders }),
      );
      assert.equal(got, expected);
    });
  }

  it("shares one buffer between subscribers and framings (encoded once, no copy)", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const plain = [hub.response(lavf()).body!.getReader(), hub.response(lavf()).body!.getReader()];
    const img = hub.response(new Request("http://h/", IMG)).body!.getReader();
    for (const reader of [...plain, img]) await reader.read();
    const body = new Uint8Array(100_000).fill(7);
    hub.publish({ contentType: "image/jpeg", body });
    const chunks = await Promise.all([...plain, img].map(async (r) => (await r.read()).value!));
    assert.equal(chunks[0].buffer, chunks[1].buffer, "plain subscribers get views of one buffer");
    assert.equal(chunks[0].byteOffset, chunks[1].byteOffset, "the very same bytes");
    assert.equal(chunks[2].buffer, chunks[0].buffer, "the <img> framing is a view of it too");
    assert.notEqual(
      chunks[0].buffer,
      body.buffer,
      "the body was copied, so the caller may reuse it",
    );
    assert.ok(decoder.decode(chunks[0].subarray(0, 60)).includes("Content-Length: 100000"));
    hub.close();
  });

  it("refuses a caller boundary inside a body, and bad parts, before anything is sent", () => {
    const hub = new PushHub({ boundary: "frame" });
    assert.throws(() => hub.publish(text("x--frame")), RangeError);
    assert.throws(() => hub.publish({ contentType: "", body: "x" }), /contentType/);
    assert.throws(
      () => hub.publish({ contentType: "a/b", body: new Blob(["x"]) }),
      /part.body must be a string/,
    );
    assert.equal(hub.snapshot().status, 503);
  });
});

describe("PushHub: fan-out and memory", () => {
  it("1,000 subscribers get every frame of a 30 fps source, decoding to the published frames", async () => {
    const frames = Array.from({ length: 30 }, (_, i) => `frame ${i} ${"x".repeat(i * 10)}`);
    const hub = PushHub.from(async function* () {
      for (const frame of frames) {
        yield text(frame);
        await delay(1000 / 30);
      }
    }, { keepAlive: Infinity });
    const bodies = Array.from({ length: 1000 }, () => readAll(hub.response(lavf()).body!));
    const received = await Promise.all(bodies);
    for (const wire of received) assert.deepEqual(replaceBodies(wire, hub.boundary), frames);
    assert.equal(hub.subscribers, 0);
    assert.equal(hub.retainedBytes, 0);
  });

  it(`a subscriber that never reads holds at most one frame while 300 x 100 KB are published, counted by the hub, by what its stream still delivers and by the heap${gcNote}`, async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const stalled = hub.response(lavf());
    const frame = new Uint8Array(100 * 1024);
    const before = await bufferBytesAfterGc();
    let most = 0;
    for (let i = 0; i < 300; i++) {
      frame[0] = i;
      hub.publish({ contentType: "image/jpeg", body: frame });
      most = Math.max(most, hub.retainedBytes);
      if (i % 50 === 0) await delay(0);
    }
    assert.ok(most > frame.byteLength, `the stalled subscriber holds its frame (${most} bytes)`);
    assert.ok(most < 2 * frame.byteLength, `retained ${most} bytes, not under 2 frames`);
    // From outside: each publish copies its body, so a hub that queued them would hold 30 MB.
    const after = await bufferBytesAfterGc();
    if (before !== undefined && after !== undefined) {
      assert.ok(after - before < 5 * frame.byteLength, `buffers grew ${after - before} bytes`);
    }
    // close() flushes whatever the subscriber holds: one frame, not 300, then that frame again
    // to end (the repeat is a view of the same buffer).
    hub.close();
    const delivered = await countBytes(stalled.body!);
    assert.ok(
      delivered > 2 * frame.byteLength && delivered < 2 * frame.byteLength + 1024,
      `the stalled stream still delivered ${delivered} bytes`,
    );
    assert.equal(hub.subscribers, 0);
    assert.equal(hub.retainedBytes, 0);
  });

  it("a slow reader gets the newest frame, never an older one after a newer one", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const reader = hub.response(lavf()).body!.getReader();
    await reader.read();
    let publishing = true;
    const publisher = (async () => {
      for (let i = 0; i < 60; i++) {
        hub.publish(text(String(i)));
        await delay(3);
      }
      publishing = false;
    })();
    const seen: number[] = [];
    for (let i = 0; i < 200 && (publishing || seen.at(-1) !== 59); i++) {
      const chunk = await readChunk(reader);
      seen.push(Number(chunk.slice(chunk.indexOf("\r\n\r\n") + 4, chunk.lastIndexOf("\r\n--"))));
      await delay(20);
    }
    await publisher;
    assert.ok(seen.length < 60, `a slow reader skips frames (saw ${seen.length})`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `order: ${seen}`);
    assert.equal(seen.at(-1), 59, "ends on the newest frame");
    hub.close();
  });
});

describe("PushHub: mixed mode", () => {
  it("keeps every part in order for a reader that keeps up with bursts", async () => {
    const hub = new PushHub({ mode: "mixed", boundary: "m" });
    const body = readAll(hub.response(lavf()).body!);
    for (let i = 0; i < 50; i++) hub.publish(text(`{"n":${i}}`, "application/json"));
    hub.close();
    const wire = await body;
    const expected = await readAll(
      pushStream(
        Array.from({ length: 50 }, (_, i) => text(`{"n":${i}}`, "application/json")),
        { mode: "mixed", boundary: "m" },
      ),
    );
    assert.equal(wire, expected);
  });

  it("cuts a stalled subscriber off at maxQueue: its stream errors (issue 10, item 10)", async () => {
    const hub = new PushHub({ mode: "mixed", boundary: "m", maxQueue: 5 });
    const reader = hub.response(lavf()).body!.getReader();
    let got = await readChunk(reader);
    hub.publish(text("0"));
    got += await readChunk(reader);
    for (let i = 1; i <= 5; i++) hub.publish(text(String(i)));
    assert.equal(hub.subscribers, 1, "5 parts waiting is within maxQueue");
    assert.ok(hub.retainedBytes > 0);
    hub.publish(text("6"));
    assert.equal(hub.subscribers, 0, "the 6th part waiting cuts it off");
    assert.equal(hub.retainedBytes, 0, "what it held is dropped at once");
    await assert.rejects(reader.read(), /fell more than maxQueue \(5\) parts behind/);
    assert.ok(got.endsWith("0\r\n--m"), "the parts it took");
  });
});

describe("PushHub: limits, snapshot, close", () => {
  it("answers maxSubscribers + 1 with 503 and Retry-After, and takes a new one after a leave", async () => {
    const hub = new PushHub({ maxSubscribers: 2, retryAfter: 3 });
    const a = hub.response(lavf());
    hub.response(lavf());
    const full = hub.response(lavf());
    assert.equal(full.status, 503);
    assert.equal(full.headers.get("retry-after"), "3");
    await full.text();
    await a.body!.cancel();
    assert.equal(hub.response(lavf()).status, 200);
    hub.close();
    assert.equal(hub.response(lavf()).status, 503, "a closed hub takes nobody");
  });

  it("snapshot(): 503 before the first frame, then the latest frame as a plain response", async () => {
    const hub = new PushHub({ dropSame: true });
    const before = hub.snapshot();
    assert.equal(before.status, 503);
    assert.equal(before.headers.get("retry-after"), "1");
    await before.text();
    hub.publish({ contentType: "image/jpeg", body: new Uint8Array([1, 2, 3]) });
    hub.publish({ contentType: "image/png", body: new Uint8Array([4, 5]) });
    const snap = hub.snapshot({ headers: { "Access-Control-Allow-Origin": "*" } });
    assert.equal(snap.status, 200);
    assert.equal(snap.headers.get("content-type"), "image/png");
    assert.equal(snap.headers.get("content-length"), "2");
    assert.equal(snap.headers.get("cache-control"), "no-store");
    assert.equal(snap.headers.get("access-control-allow-origin"), "*");
    assert.deepEqual(new Uint8Array(await snap.arrayBuffer()), new Uint8Array([4, 5]));
  });

  it("close() sends each subscriber its pending frame and the close delimiter", async () => {
    const hub = new PushHub({ boundary: "c" });
    const bodies = [hub.response(lavf()), hub.response(lavf())].map((r) => readAll(r.body!));
    hub.publish(text("last"));
    hub.close();
    for (const wire of await Promise.all(bodies)) {
      assert.equal(
        wire,
        await readAll(pushStream([text("last")], { boundary: "c", advanceHeaders: false })),
      );
      assert.ok(wire.endsWith("\r\nlast\r\n--c--\r\n"), wire);
    }
    assert.equal(hub.subscribers, 0);
  });

  it("a request whose signal aborts leaves the hub", async () => {
    const hub = new PushHub();
    const controller = new AbortController();
    const response = hub.response(new Request("http://h/", { signal: controller.signal }));
    assert.equal(hub.subscribers, 1);
    controller.abort();
    assert.equal(hub.subscribers, 0);
    assert.ok((await readAll(response.body!)).endsWith(`--${hub.boundary}--\r\n`));
  });

  it("checks its options and init, naming the option", () => {
    assert.throws(() => new PushHub({ keepAlive: 0 }), /options.keepAlive/);
    assert.throws(() => new PushHub({ maxQueue: 1.5 }), /options.maxQueue/);
    assert.throws(() => new PushHub({ maxSubscribers: 0 }), /options.maxSubscribers/);
    assert.throws(() => new PushHub({ dropSame: 1 as unknown as boolean }), /options.dropSame/);
    assert.throws(() => new PushHub({ boundary: "bad boundary " }), /options.boundary/);
    assert.throws(() => new PushHub().response(undefined, { fps: 0 }), /init.fps/);
    assert.throws(() => new PushHub().response(123 as never), {
      name: "TypeError",
      message: /^request must be a Request/,
    });
    assert.throws(() => new PushHub().response(undefined, { headers: { "content-type": "x" } }), {
      name: "TypeError",
      message: /^init\.headers must not set content-type/,
    });
    assert.throws(() => PushHub.from(42 as never), /source must be/);
    assert.throws(() => PushHub.from([], { linger: -1 }), /options.linger/);
  });
});

describe("PushHub: timing", () => {
  it("keep-alive resends the latest frame to an idle subscriber every keepAlive ms", async () => {
    const clock = installClock();
    try {
      const hub = new PushHub({ keepAlive: 100, idleTimeout: 10_000 });
      const reader = hub.response(lavf()).body!.getReader();
      await reader.read();
      hub.publish(text("still"));
      await readChunk(reader);
      for (let i = 0; i < 3; i++) {
        // Each resend comes keepAlive ms after the last frame, to the millisecond.
        const next = readChunk(reader);
        await clock.advance(99);
        assert.equal(await settledAfterTurn(next), false, `resend ${i} before 100 ms`);
        await clock.advance(1);
        const chunk = await within(2000, `resend ${i}`, next);
        assert.match(chunk, /\r\n\r\nstill\r\n--/, `resend ${i} is the latest frame`);
      }
      hub.close();
    } finally {
      clock.uninstall();
    }
  });

  it("dropSame: a byte-equal frame is not sent again, a different one is", async () => {
    const hub = new PushHub({ dropSame: true, keepAlive: Infinity, boundary: "d" });
    const body = readAll(hub.response(lavf()).body!);
    for (const part of ["a", "a", "b", "b", "a"]) {
      hub.publish(text(part));
      await delay(5);
    }
    hub.close();
    assert.deepEqual(replaceBodies(await body, "d"), ["a", "b", "a"]);
  });

  it("fps caps one subscriber (latest wins) while another gets everything", async () => {
    const hub = new PushHub({ keepAlive: Infinity, boundary: "f" });
    const slow = readAll(hub.response(lavf(), { fps: 10 }).body!);
    const fast = readAll(hub.response(lavf()).body!);
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      hub.publish(text(String(i)));
      await delay(10);
    }
    await delay(120);
    const elapsed = Date.now() - started;
    hub.close();
    const capped = replaceBodies(await slow, "f").map(Number);
    assert.equal(replaceBodies(await fast, "f").length, 40);
    // One frame per 100 ms of the run (timers slip on a loaded machine), plus the one close flushes.
    const most = Math.max(8, Math.floor(elapsed / 100) + 2);
    assert.ok(
      capped.length >= 2 && capped.length <= most,
      `10 fps over ${elapsed} ms got ${capped}`,
    );
    assert.equal(capped.at(-1), 39, "the capped subscriber still ends on the newest frame");
  });

  // Publishes during an fps gap only replace the held frame (they used to re-arm the gap timer on
  // every publish: a cost, not a visible change, so this pins what the cheaper path must keep).
  it("an fps-capped viewer gets the frame held during its gap when the gap ends, with no later publish", async () => {
    const hub = new PushHub({ keepAlive: Infinity, boundary: "g" });
    const controller = new AbortController();
    const reader = hub.response(lavf(), { fps: 5 }).body!.getReader();
    const leaving = hub.response(new Request("http://h/", { signal: controller.signal }), {
      fps: 1,
    }).body!.getReader();
    assert.equal(await readChunk(reader), "\r\n--g");
    assert.equal(await readChunk(leaving), "\r\n--g");
    // Taken before frame 0 is sent, so the gap measured is never longer than the real one.
    const sentAt = Date.now();
    hub.publish(text("0"));
    assert.match(await readChunk(reader), /\r\n\r\n0\r\n--g$/);
    assert.match(await readChunk(leaving), /\r\n\r\n0\r\n--g$/);
    for (let i = 1; i <= 20; i++) {
      hub.publish(text(String(i)));
      await delay(5);
    }
    const next = await within(1000, "the frame held during the gap", readChunk(reader));
    const gap = Date.now() - sentAt;
    assert.match(next, /\r\n\r\n20\r\n--g$/, "the latest frame, once");
    assert.ok(gap >= 190, `5 fps: the next frame came ${gap} ms after the previous one`);
    // An abort during the gap still ends that viewer at once, dropping the frame it held.
    controller.abort();
    const rest = await within(500, "the aborted viewer's end", readingText(leaving).ended);
    // Its ending repeats the newest frame it was given (sent or held: a stalled viewer keeps one).
    assert.match(rest, /^\r\n[^]*\r\n\r\n20\r\n--g--\r\n$/, "frame 20 to end, then the close");
    hub.close();
    assert.match(await readingText(reader).ended, /\r\n\r\n20\r\n--g--\r\n$/);
  });

  it("a viewer that leaves during its fps gap leaves no timer behind", async () => {
    const timers = trackTimers();
    try {
      // No hub-wide deadline, so the only timer is the viewer's fps gap.
      const hub = new PushHub({ keepAlive: Infinity, idleTimeout: Infinity, boundary: "t" });
      const controller = new AbortController();
      const request = new Request("http://h/", { signal: controller.signal });
      const reader = hub.response(request, { fps: 1 }).body!.getReader();
      await reader.read();
      hub.publish(text("0"));
      await reader.read();
      hub.publish(text("1"));
      const pending = reader.read(); // frame 1 waits out the 1 s gap
      await delay(20);
      assert.equal(timers.live(), 1, "the gap timer while the viewer waits");
      controller.abort();
      assert.equal(timers.live(), 0, "the gap timer is cleared when the viewer leaves");
      assert.match(
        decoder.decode((await pending).value),
        /\r\n\r\n1\r\n--t$/,
        "the held frame, to end",
      );
      hub.close();
    } finally {
      timers.stop();
    }
  });

  it("idleTimeout ends a subscriber cleanly when nothing is published, at idleTimeout", async () => {
    const clock = installClock();
    try {
      const idle = new PushHub({ idleTimeout: 80, keepAlive: Infinity, boundary: "i" });
      const reader = idle.response(lavf()).body!.getReader();
      const wire = readingText(reader).ended;
      await clock.advance(79);
      assert.equal(await settledAfterTurn(wire), false, "ended before idleTimeout");
      await clock.advance(1);
      assert.equal(await within(2000, "idle end", wire), "\r\n--i--\r\n");
      assert.equal(idle.subscribers, 0);
    } finally {
      clock.uninstall();
    }
  });

  it("maxDuration ends a subscriber at maxDuration while keep-alives keep it from going idle", async () => {
    const clock = installClock();
    try {
      const capped = new PushHub({
        maxDuration: 300,
        keepAlive: 30,
        idleTimeout: 10_000,
        boundary: "m",
      });
      capped.publish(text("x"));
      const wire = readingText(capped.response(lavf()).body!.getReader()).ended;
      await clock.advance(299);
      assert.equal(await settledAfterTurn(wire), false, "ended before maxDuration");
      await clock.advance(1);
      const sent = await within(2000, "maxDuration end", wire);
      // The keep-alives it got show the stream was alive until maxDuration ended it, cleanly.
      const frames = replaceBodies(sent, "m");
      assert.ok(frames.length >= 3 && frames.every((f) => f === "x"), `frames: ${frames}`);
      assert.ok(sent.endsWith("\r\n--m--\r\n"));
      assert.equal(capped.subscribers, 0);
    } finally {
      clock.uninstall();
    }
  });
});

describe("PushHub.from: lazy source", () => {
  it("starts on the first subscriber, stops linger ms after the last, restarts on the next", async () => {
    let starts = 0;
    let finallies = 0;
    const hub = PushHub.from(async function* () {
      starts++;
      try {
        for (let i = 0; i < 10_000; i++) {
          yield text(`${starts}:${i}`);
          await delay(5);
        }
      } finally {
        finallies++;
      }
    }, { linger: 50, keepAlive: Infinity });
    await delay(20);
    assert.equal(starts, 0, "no viewer, no source");
    const first = hub.response(lavf()).body!.getReader();
    await first.read();
    assert.ok((await readChunk(first)).includes("1:0"));
    const leftAt = Date.now();
    await first.cancel();
    assert.equal(finallies, 0, "still lingering");
    await until(() => finallies === 1, 1000, "the source's finally after linger", 5);
    const lingered = Date.now() - leftAt;
    assert.ok(lingered >= 45, `the source stopped ${lingered} ms after the last viewer left`);

    const back = hub.response(lavf()).body!.getReader();
    await back.read();
    assert.ok((await readChunk(back)).includes("1:"), "replay of the last frame at once");
    assert.ok((await readChunk(back)).includes("2:0"), "then the restarted source");
    assert.equal(starts, 2);
    await back.cancel();
    const again = hub.response(lavf()).body!.getReader();
    await delay(80);
    assert.equal(finallies, 1, "a subscriber within linger keeps it running");
    hub.close();
    await again.cancel();
    await until(() => finallies === 2, 1000, "finally after close()");
  });

  it("close() stops the source at once, not after linger, and ends its subscribers cleanly", async () => {
    let finallies = 0;
    const hub = PushHub.from(async function* () {
      try {
        for (let i = 0;; i++) {
          yield text(`frame ${i}`);
          await delay(5);
        }
      } finally {
        finallies++;
      }
    }, { linger: 60_000, keepAlive: Infinity, boundary: "z" });
    const reader = hub.response(lavf()).body!.getReader();
    await reader.read();
    const first = await readChunk(reader);
    assert.match(first, /frame 0/);
    hub.close();
    // The linger is a minute, so only close() itself can have stopped the source this soon.
    await until(() => finallies === 1, 1000, "the source's finally after close()", 5);
    const rest = await within(1000, "the subscriber's end", readingText(reader).ended);
    assert.match(first + rest, /frame \d+\r\n--z(\r\n\r\n--z)?--\r\n$/);
    assert.equal(hub.subscribers, 0);
  });

  it("a source error breaks every subscriber's connection; the next subscriber restarts it", async () => {
    const errors: unknown[] = [];
    let run = 0;
    const hub = PushHub.from(async function* () {
      run++;
      yield text(`run ${run}`);
      await delay(5);
      if (run === 1) throw new Error("camera unplugged");
      yield text(`run ${run} again`);
    }, { onError: (error) => errors.push(error), keepAlive: Infinity });
    await assert.rejects(readAll(hub.response(lavf()).body!), /camera unplugged/);
    assert.equal(errors.length, 1);
    assert.equal(hub.subscribers, 0);
    const wire = await readAll(hub.response(lavf()).body!);
    assert.deepEqual(replaceBodies(wire, hub.boundary), ["run 1", "run 2", "run 2 again"]);
  });

  it("reads Blob and stream bodies from a source before publishing them", async () => {
    const hub = PushHub.from([
      { contentType: "text/plain", body: new Blob(["blob"]) },
      { contentType: "text/plain", body: new Response("stream").body! },
    ], { keepAlive: Infinity });
    assert.deepEqual(replaceBodies(await readAll(hub.response(lavf()).body!), hub.boundary), [
      "blob",
      "stream",
    ]);
  });
});
