// PushHub: one source run at a time across lazy restarts, how an <img> (advanceHeaders) push
// ends, and what a stalled <img> subscriber costs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { FILL_GAP_MS } from "../../lib/push/framing.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { installClock, settledAfterTurn } from "../_helpers/clock.ts";
import { delay, latin1, readText, until, within } from "../_helpers/streams.ts";
import { bufferBytesAfterGc, countBytes, gcNote } from "../_helpers/memory.ts";

const IMG = { headers: { "Sec-Fetch-Dest": "image" } };
const img = (): Request => new Request("http://h/cam", IMG);

/** A camera that takes `grabMs` per frame and counts its live runs. */
function camera(grabMs: number) {
  const stats = { starts: 0, finallies: 0, live: 0, most: 0 };
  async function* source() {
    const run = ++stats.starts;
    stats.most = Math.max(stats.most, ++stats.live);
    try {
      for (let i = 0; i < 10_000; i++) {
        await delay(grabMs);
        yield { contentType: "text/plain", body: `run ${run} frame ${i}` };
      }
    } finally {
      stats.live--;
      stats.finallies++;
    }
  }
  return { stats, source };
}

/** A lazy hub whose only viewer left while its camera was grabbing a frame: the run is stopping. */
async function leftMidFrame(): Promise<
  { stats: ReturnType<typeof camera>["stats"]; hub: PushHub }
> {
  const { stats, source } = camera(60);
  const hub = PushHub.from(source, { linger: 0, keepAlive: Infinity });
  const first = hub.response().body!.getReader();
  await first.read(); // the opening boundary
  const pending = first.read(); // demand: the camera is now inside next()
  await delay(15);
  await first.cancel(); // the last viewer leaves while a frame is being grabbed
  await pending.catch(() => {});
  return { stats, hub };
}

describe("PushHub.from: one source run at a time", () => {
  it("a viewer arriving while the last run is stopping (mid-frame) waits for its finally", async () => {
    const { stats, hub } = await leftMidFrame();
    const second = hub.response().body!.getReader();
    assert.equal(hub.subscribers, 1, "the new viewer is counted at once");
    await second.read();
    const frame = second.read();
    assert.equal(stats.starts, 1, "no second run while the first is stopping");
    const { value } = await frame;
    const text = new TextDecoder().decode(value);
    assert.ok(text.includes("run 2 frame 0"), `the restarted run's frame: ${text}`);
    assert.equal(stats.finallies, 1, "the first run's finally ran before the restart");
    assert.equal(stats.most, 1, "never two live runs");
    await second.cancel();
    await until(() => stats.finallies === 2, 1000, "the second run's finally", 5);
    assert.equal(stats.most, 1);
    hub.close();
  });

  it("a viewer that comes and goes while a run is stopping starts nothing", async () => {
    const { stats, hub } = await leftMidFrame();
    const brief = hub.response().body!.getReader();
    await brief.read();
    await brief.cancel(); // gone before the stopping run has finished
    assert.equal(hub.subscribers, 0);
    await until(() => stats.finallies === 1, 1000, "the first run's finally", 5);
    await delay(100);
    assert.equal(stats.starts, 1, "no run for a viewer that already left");
    hub.close();
  });

  it("close() while a run is stopping leaves it stopped", async () => {
    const { stats, hub } = await leftMidFrame();
    const late = hub.response();
    hub.close();
    await readText(late.body!);
    await until(() => stats.finallies === 1, 1000, "the first run's finally", 5);
    await delay(100);
    assert.equal(stats.starts, 1);
  });
});

/** The parts of an <img> push: [header block, body] as text. */
async function imgParts(response: Response, boundary: string): Promise<string[][]> {
  const parts: string[][] = [];
  for await (const part of parseParts(response.body!, { boundary })) {
    parts.push([`${part.contentType}|${part.headers.get("x-frame") ?? ""}`, part.text()]);
  }
  return parts;
}

describe("PushHub.from: the run's AbortSignal", () => {
  it("aborts when the hub stops the run, so a source stuck waiting reaches its finally and can restart", async () => {
    const stats = { starts: 0, finallies: 0, reasons: [] as unknown[] };
    async function* stuckCamera(signal: AbortSignal) {
      stats.starts++;
      try {
        yield { contentType: "text/plain", body: `run ${stats.starts}` };
        // A camera that never sends a second frame: only the signal gets it out of this wait.
        await new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason))
        );
      } catch (error) {
        stats.reasons.push(error);
      } finally {
        stats.finallies++;
      }
    }
    const hub = PushHub.from(stuckCamera, { linger: 0, keepAlive: Infinity });
    const first = hub.response().body!.getReader();
    await first.read(); // the opening boundary
    await first.read(); // run 1's frame; the source is now waiting for the next one
    const pending = first.read();
    await delay(10);
    await first.cancel();
    await pending.catch(() => {});
    await until(() => stats.finallies === 1, 1000, "the stuck run's finally", 5);
    assert.match(String(stats.reasons[0]), /the hub stopped its source/);
    const second = hub.response().body!.getReader();
    let text = "";
    while (!text.includes("run 2")) text += new TextDecoder().decode((await second.read()).value);
    assert.equal(stats.starts, 2);
    await second.cancel();
    await until(() => stats.finallies === 2, 1000, "the second run's finally", 5);
    hub.close();
  });
});

describe("PushHub: an <img> (browser framing) push never ends with an empty part", () => {
  // [name, options, how it is ended, the instant on the test clock it ends at (ms after the response)]
  const ends = [
    ["close()", {}, (hub: PushHub) => hub.close(), 20],
    // Nothing is published after 5 ms, so the idle end comes 60 ms after that.
    ["idleTimeout", { idleTimeout: 60 }, () => {}, 65],
    // Frames keep coming every 20 ms, so only maxDuration can end it (idleTimeout is 10 s).
    ["maxDuration", { maxDuration: 200, idleTimeout: 10_000 }, () => {}, 200],
  ] as const;
  for (const [name, options, end, at] of ends) {
    it(`on ${name}, the announced part gets the last body, then the close delimiter (at its instant)`, async () => {
      // The deadlines are the hub's timers: on the test clock the end comes at its instant exactly.
      const clock = installClock();
      const hub = new PushHub({ boundary: "b", keepAlive: Infinity, ...options });
      let more: unknown;
      try {
        const response = hub.response(img());
        const parts = imgParts(response, "b");
        hub.publish({ contentType: "image/x-a", body: "one", headers: { "X-Frame": "1" } });
        await clock.advance(5);
        hub.publish({ contentType: "image/x-a", body: "two", headers: { "X-Frame": "2" } });
        await clock.advance(5);
        let n = 2;
        more = name === "maxDuration"
          ? setInterval(() => {
            n++;
            hub.publish({ contentType: "image/x-a", body: "two", headers: { "X-Frame": "2" } });
          }, 20)
          : undefined;
        await clock.advance(at - 11);
        assert.equal(hub.subscribers, 1, `still there ${at - 1} ms after the response`);
        assert.equal(await settledAfterTurn(parts), false, `ended before ${at} ms`);
        await clock.advance(1);
        end(hub); // close() at its instant; the deadlines have fired
        assert.equal(hub.subscribers, 0, `ended ${at} ms after the response`);
        clearInterval(more as number);
        if (more) assert.equal(n, 2 + 9, `frames kept coming until maxDuration (${n})`);
        // The fill keeps FILL_GAP_MS from the last part (framing.ts): at most that long.
        await clock.advance(FILL_GAP_MS);
        const got = await within(2000, `the end on ${name}`, parts);
        assert.deepEqual(got.at(-1), ["image/x-a|2", "two"], "the last part repeats the last body");
        for (const [, body] of got) assert.notEqual(body, "", `an empty part: ${got}`);
      } finally {
        clearInterval(more as number);
        hub.close();
        clock.uninstall();
      }
    });
  }

  // WebKit blanks a document whose part comes right behind the one before (framing.ts).
  for (const [after, wait] of [[0, FILL_GAP_MS], [10, FILL_GAP_MS - 10], [FILL_GAP_MS, 0]]) {
    it(`close() ${after} ms after a frame went out: the fill and close follow ${wait} ms later, not a ms sooner`, async () => {
      const clock = installClock();
      const hub = new PushHub({ boundary: "b", keepAlive: Infinity });
      try {
        const reader = hub.response(img()).body!.getReader();
        await reader.read();
        hub.publish({ contentType: "text/html", body: "last" });
        assert.equal(
          latin1((await reader.read()).value!),
          "Content-Type: text/html\r\nContent-Length: 4\r\n\r\nlast\r\n--b\r\nContent-Type: text/html\r\n\r\n",
        );
        await clock.advance(after);
        hub.close();
        const rest = (async () => {
          let out = "";
          for (let r = await reader.read(); !r.done; r = await reader.read()) {
            out += latin1(r.value);
          }
          return out;
        })();
        if (wait > 0) {
          await clock.advance(wait - 1);
          assert.equal(await settledAfterTurn(rest), false, `closed before ${wait} ms`);
          await clock.advance(1);
        }
        assert.equal(await within(2000, "the close", rest), "last\r\n--b--\r\n");
      } finally {
        hub.close();
        clock.uninstall();
      }
    });
  }

  it("the exact bytes: one chunk per frame (body, delimiter line, announced block), then a fill that is a view of the frame's buffer, and the close", async () => {
    const hub = new PushHub({ boundary: "b", keepAlive: Infinity });
    const reader = hub.response(img()).body!.getReader();
    await reader.read();
    hub.publish({ contentType: "text/plain", body: "abc" });
    const frame = (await reader.read()).value!;
    assert.equal(
      new TextDecoder().decode(frame),
      "Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc\r\n--b\r\nContent-Type: text/plain\r\n\r\n",
    );
    hub.publish({ contentType: "text/plain", body: "de" });
    const second = (await reader.read()).value!;
    assert.equal(new TextDecoder().decode(second), "de\r\n--b\r\nContent-Type: text/plain\r\n\r\n");
    hub.close();
    const fill = (await reader.read()).value!;
    assert.equal(fill.buffer, second.buffer, "the fill is a view of the frame's buffer");
    assert.equal(new TextDecoder().decode(fill), "de");
    const tail = new TextDecoder().decode((await reader.read()).value!);
    assert.equal(tail, "\r\n--b--\r\n");
    assert.equal((await reader.read()).done, true);
  });

  it("a frame still waiting at close() is sent, then its announced part is filled and the push closes", async () => {
    const hub = new PushHub({ boundary: "b", keepAlive: Infinity });
    const reader = hub.response(img()).body!.getReader();
    await reader.read();
    hub.publish({ contentType: "text/plain", body: "old", headers: { "X-Frame": "1" } });
    await reader.read();
    hub.publish({ contentType: "text/html", body: "new", headers: { "X-Frame": "2" } });
    hub.close(); // "new" was not taken yet
    let wire = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      wire += new TextDecoder().decode(r.value);
    }
    assert.equal(
      wire,
      "old\r\n--b\r\nContent-Type: text/html\r\nContent-Length: 3\r\nX-Frame: 2\r\n\r\nnew" +
        "\r\n--b\r\nContent-Type: text/html\r\nX-Frame: 2\r\n\r\nnew\r\n--b--\r\n",
    );
  });

  it("a subscriber that got no frame ends with the close delimiter alone", async () => {
    const hub = new PushHub({ boundary: "b" });
    const wire = readText(hub.response(img()).body!);
    hub.close();
    assert.equal((await wire).trimStart(), "--b\r\n\r\n--b--\r\n");
  });
});

describe("PushHub: what a stalled <img> subscriber costs (hub.retainedBytes, buffers after GC, what its stream still delivers)", () => {
  const FRAME = 100 * 1024;

  /**
   * Checks from outside the hub: off-heap growth since `before` (each publish copies its body, so
   * a hub that queued 300 frames would hold 30 MB), then what the stream delivers after close(),
   * which flushes everything the subscriber holds (a queue would deliver every frame it kept).
   */
  async function heldFromOutside(
    hub: PushHub,
    body: ReadableStream<Uint8Array> | ReadableStreamDefaultReader<Uint8Array>,
    before: number | undefined,
    frames: number,
  ): Promise<void> {
    const after = await bufferBytesAfterGc();
    if (before !== undefined && after !== undefined) {
      assert.ok(after - before < 8 * FRAME, `buffers grew ${after - before} bytes`);
    }
    hub.close();
    let delivered = 0;
    if (body instanceof ReadableStream) delivered = await countBytes(body);
    else {for (let r = await body.read(); !r.done; r = await body.read()) {
        delivered += r.value.byteLength;
      }}
    assert.ok(
      delivered < frames * FRAME + 2048,
      `the stalled stream still delivered ${delivered} bytes, over ${frames} frames`,
    );
    assert.equal(hub.retainedBytes, 0);
  }

  it(`one that never reads holds under 2 frames while 300 frames with their own headers come${gcNote}`, async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const stalled = hub.response(img());
    const body = new Uint8Array(FRAME);
    const before = await bufferBytesAfterGc();
    let most = 0;
    for (let i = 0; i < 300; i++) {
      hub.publish({ contentType: "image/jpeg", body, headers: { "X-Frame": String(i) } });
      most = Math.max(most, hub.retainedBytes);
    }
    assert.ok(most > FRAME, `it holds the newest frame (${most} bytes)`);
    assert.ok(most < 2 * FRAME, `${most} bytes held`);
    // The held frame, then its body again to fill the part it announced.
    await heldFromOutside(hub, stalled.body!, before, 2);
  });

  it(`one that read a frame, then stalls, holds under 2 frames when headers repeat${gcNote}`, async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const reader = hub.response(img()).body!.getReader();
    await reader.read();
    const body = new Uint8Array(FRAME);
    hub.publish({ contentType: "image/jpeg", body });
    await reader.read();
    assert.ok(hub.retainedBytes >= FRAME, "the body it keeps to fill its announced part counts");
    const before = await bufferBytesAfterGc();
    let most = 0;
    for (let i = 1; i <= 300; i++) {
      body[0] = i;
      hub.publish({ contentType: "image/jpeg", body });
      most = Math.max(most, hub.retainedBytes);
    }
    assert.ok(most < 2 * FRAME, `${most} bytes held`);
    await heldFromOutside(hub, reader, before, 2);
  });

  it(`with per-frame headers it also keeps the body its announced part needs, and counts it${gcNote}`, async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const reader = hub.response(img()).body!.getReader();
    await reader.read();
    const body = new Uint8Array(FRAME);
    hub.publish({ contentType: "image/jpeg", body, headers: { "X-Frame": "0" } });
    await reader.read(); // announces `X-Frame: 0`; only frame 0's body can fill that part
    const before = await bufferBytesAfterGc();
    let most = 0;
    for (let i = 1; i <= 300; i++) {
      hub.publish({ contentType: "image/jpeg", body, headers: { "X-Frame": String(i) } });
      most = Math.max(most, hub.retainedBytes);
    }
    assert.ok(most >= 2 * FRAME && most < 2 * FRAME + 1024, `${most} bytes held`);
    // Frame 0's body filling the announced part, the newest frame, its body again at the end.
    await heldFromOutside(hub, reader, before, 3);
  });
});
