// busFrames with an in-process bus of its own (the BusSubscribe contract, as a user writes one for a
// WebSocket): latest wins while the hub does not pull, bad messages reported and skipped, a bus that
// ends breaks the viewers, and a stopped run unsubscribes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { busFrames, encodeFrame } from "../../lib/bus/mod.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import { delay, until } from "../_helpers/streams.ts";

/** A bus in this process: `send` reaches every current subscriber. */
function localBus() {
  const listeners = new Set<{ deliver(m: Uint8Array): void; fail(e: unknown): void }>();
  return {
    listeners,
    send: (message: Uint8Array) => listeners.forEach((l) => l.deliver(message)),
    end: (error: Error) => listeners.forEach((l) => l.fail(error)),
    subscribe: (deliver: (m: Uint8Array) => void, fail: (e: unknown) => void) => {
      const listener = { deliver, fail };
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

const text = (body: string): Part => ({ contentType: "text/plain", body });

async function next(iterator: AsyncIterator<Part>): Promise<string> {
  const { value } = await iterator.next();
  return new TextDecoder().decode(value.body as Uint8Array);
}

describe("busFrames", () => {
  it("refuses a bad subscribe or option, naming it", () => {
    assert.throws(
      () => busFrames("x" as never),
      /subscribe must be a function, got the string "x"/,
    );
    assert.throws(
      () => busFrames(() => () => {}, null as never),
      /options must be an object, got null/,
    );
    assert.throws(
      () => busFrames(() => () => {}, { onError: 1 as never }),
      /^TypeError: options\.onError must be a function, got 1$/,
    );
    assert.throws(
      () => busFrames(() => () => {}, { onError: null as never }),
      /^TypeError: options\.onError must be a function, got null$/,
    );
    assert.throws(() => busFrames(() => () => {}, { maxQueue: 1.5 }), /maxQueue .* got 1.5/);
  });

  it("holds maxQueue messages while nobody pulls, latest last; unsubscribes on abort", async () => {
    const bus = localBus();
    const controller = new AbortController();
    const source = busFrames(bus.subscribe, { maxQueue: 2 })(controller.signal);
    const iterator = source[Symbol.asyncIterator]();
    const first = next(iterator); // the run subscribes at its first pull
    await until(() => bus.listeners.size === 1, 1000, "subscribed");
    bus.send(encodeFrame(text("a")));
    assert.equal(await first, "a");
    for (const body of ["b", "c", "d"]) bus.send(encodeFrame(text(body)));
    assert.deepEqual([await next(iterator), await next(iterator)], ["c", "d"]);
    const waiting = iterator.next();
    controller.abort();
    assert.deepEqual(await waiting, { done: true, value: undefined });
    assert.equal(bus.listeners.size, 0, "unsubscribed when the run stopped");
  });

  it("reports a message that is not a frame and skips it; a throwing onError changes nothing", async () => {
    const bus = localBus();
    const errors: unknown[] = [];
    const onError = (error: unknown) => {
      errors.push(error);
      throw new Error("the reporter fails too");
    };
    const controller = new AbortController();
    const source = busFrames(bus.subscribe, { onError, maxQueue: 4 });
    const iterator = source(controller.signal)[Symbol.asyncIterator]();
    const got = next(iterator);
    await until(() => bus.listeners.size === 1, 1000, "subscribed");
    bus.send(new TextEncoder().encode("not a frame"));
    bus.send(encodeFrame(text("good")));
    assert.equal(await got, "good");
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /FrameError: bytes must start with the magic 6d 70/);
    controller.abort();
  });

  it("a bus that ends for good breaks the viewers and reaches the hub's onError; the next viewer subscribes again", async () => {
    const bus = localBus();
    const errors: unknown[] = [];
    const hub = PushHub.from(busFrames(bus.subscribe), {
      onError: (e) => errors.push(e),
      linger: 0,
    });
    const reading = hub.response().text();
    await until(() => bus.listeners.size === 1, 1000, "subscribed");
    bus.send(encodeFrame(text("one")));
    bus.end(new Error("connection closed"));
    await assert.rejects(reading, "the viewer's stream breaks, unlike a clean end");
    assert.match(String(errors[0]), /connection closed/);
    await until(() => bus.listeners.size === 0, 1000, "unsubscribed after the failure");
    const again = hub.response().text();
    await until(() => bus.listeners.size === 1, 1000, "subscribed again");
    hub.close();
    await again;
    await delay(0);
    assert.equal(bus.listeners.size, 0);
  });
});
