// relay heals (issue 14 item 9): fed a connect function or a URL, it connects again (backoff,
// jitter, a cap) when the camera drops mid-push, is down, or comes back on another server; a
// hub's viewers keep the last frame and never see the push end meanwhile.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { relay } from "../../lib/parse/relay.ts";
import type { ReconnectInfo } from "../../lib/parse/relay_reconnect.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import { delay, within } from "../_helpers/streams.ts";

/** A camera: `names` 10 ms apart, then it drops (the stream errors) or ends. */
function camera(names: string[], drop: boolean): () => Response {
  return () =>
    pushResponse(
      (async function* (): AsyncGenerator<Part> {
        for (const name of names) {
          yield { contentType: "text/plain", body: name };
          await delay(10);
        }
        if (drop) throw new Error("camera dropped");
      })(),
      { boundary: "cam" },
    );
}

describe("relay reconnects to its upstream", () => {
  it("after a drop, through a down time, to a restarted upstream; hub viewers keep the last frame", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const viewer = parseParts(hub.response());
    const seen: { text: string; at: number }[] = [];
    const watching = (async () => {
      for await (const part of viewer) seen.push({ text: part.text(), at: Date.now() });
    })();
    let upstream: Served | undefined = await serve(camera(["a1", "a2", "a3"], true));
    const downUrl = upstream.url;
    const infos: ReconnectInfo[] = [];
    const stop = new AbortController();
    let url = downUrl;
    const relaying = relay((signal) => fetch(url, { signal }), (part) => hub.publish(part), {
      signal: stop.signal,
      retryMs: 50,
      maxRetryMs: 200,
      onReconnect: (info) => infos.push(info),
    });
    try {
      while (!seen.some((s) => s.text === "a3")) await within(2000, "a3", delay(10));
      // The camera has dropped; its server is killed, and a new one comes up 400 ms later.
      await upstream.close();
      await delay(400);
      const restartedAt = Date.now();
      upstream = await serve(camera(["b1", "b2"], false));
      url = upstream.url;
      while (!seen.some((s) => s.text === "b1")) await within(3000, "b1", delay(10));
      const gap = seen.find((s) => s.text === "b1")!.at - restartedAt;
      assert.ok(gap < 1000, `first frame from the restarted upstream ${gap} ms after it came up`);
      assert.deepEqual(seen.slice(0, 4).map((s) => s.text), ["a1", "a2", "a3", "b1"]);
      assert.ok(infos.length >= 2, `reconnections: ${infos.length}`);
      // The drop reaches the relay as a broken connection, or (workerd ends an errored response
      // body cleanly) as an end right after a complete part: a reconnection either way.
      assert.equal(infos[0].attempt, 1);
      assert.ok(infos.every((info) => info.waitMs <= 200), `capped: ${infos.map((i) => i.waitMs)}`);
      const downs = infos.filter((info) => info.attempt > 1);
      assert.ok(downs.length >= 1, "retried while the upstream was down");
    } finally {
      stop.abort();
      const count = await within(2000, "relay resolves on abort", relaying);
      assert.ok(count >= 4, `relayed ${count}`);
      hub.close();
      await within(2000, "viewer ends with the hub", watching);
      await upstream?.close();
    }
  });

  it("after a clean end it connects again (error undefined); a part received resets the attempt count", async () => {
    // The upstream, connection by connection: down twice, then one part and a clean end, then
    // down once, then two parts and a clean end; then the test stops the relay.
    const script: (string[] | 503)[] = [503, 503, ["p1"], 503, ["p2", "p3"]];
    const stop = new AbortController();
    const infos: ReconnectInfo[] = [];
    const got: string[] = [];
    const relaying = relay(
      () => {
        const next = script.shift();
        if (next === undefined) {
          stop.abort();
          return new Response(null, { status: 503 });
        }
        return next === 503 ? new Response(null, { status: 503 }) : camera(next, false)();
      },
      (part) => void got.push(new TextDecoder().decode(part.body as Uint8Array)),
      {
        signal: stop.signal,
        retryMs: 1,
        maxRetryMs: 1,
        onReconnect: (info) => infos.push(info),
      },
    );
    // Each upstream push ends with its last part again (lib/push/framing.ts).
    assert.equal(await within(5000, "relay resolves on abort", relaying), 5);
    assert.deepEqual(got, ["p1", "p1", "p2", "p3", "p3"]);
    // Each connection that delivered a part starts the count again at 1.
    assert.deepEqual(infos.map((i) => i.attempt), [1, 2, 1, 2, 1]);
    const clean = [infos[2], infos[4]];
    assert.deepEqual(
      clean.map((i) => i.error),
      [undefined, undefined],
      "clean ends carry no error",
    );
    for (const i of [0, 1, 3]) assert.match(String(infos[i].error), /answered 503/);
  });

  it("with reconnect false, reads one upstream and resolves with its count", async () => {
    const upstream = await serve(camera(["x", "y"], false));
    try {
      const parts: string[] = [];
      const count = await relay(
        upstream.url,
        (part) => void parts.push(new TextDecoder().decode(part.body)),
        {
          reconnect: false,
        },
      );
      // "y" twice: a replace push ends with its last part again (lib/push/framing.ts).
      assert.equal(count, 3);
      assert.deepEqual(parts, ["x", "y", "y"]);
    } finally {
      await upstream.close();
    }
  });

  it("with reconnect false, rejects an error status naming it, and cancels its body", async () => {
    let cancelled = false;
    const body = new ReadableStream({ cancel: () => void (cancelled = true) });
    await assert.rejects(
      relay(() => new Response(body, { status: 503 }), () => {}, { reconnect: false }),
      /relay: the upstream answered 503/,
    );
    assert.equal(cancelled, true, "the error response's body is cancelled, not left open");
  });

  it("a part the hub refuses (its boundary in the body) is told to onError and skipped; the relay reads on and reconnects (issue 20, 5)", async () => {
    const hub = new PushHub({ mode: "mixed" });
    const forged = `--${hub.boundary}\r\nContent-Type: text/html\r\n\r\n<script>`;
    const upstream = await serve(camera(["a1", forged, "a2"], false));
    const viewer = parseParts(hub.response());
    const seen: string[] = [];
    const watching = (async () => {
      for await (const part of viewer) seen.push(part.text());
    })();
    const told: unknown[] = [];
    const infos: ReconnectInfo[] = [];
    const stop = new AbortController();
    const relaying = relay(upstream.url, (part) => hub.publish(part), {
      signal: stop.signal,
      retryMs: 10,
      maxRetryMs: 10,
      onError: (error) => told.push(error),
      onReconnect: (info) => infos.push(info),
    });
    try {
      // The upstream ends after its parts: a relay that survived the forged part connects again.
      while (infos.length < 2) await within(5000, "two reconnections", delay(10));
      stop.abort();
      const count = await within(2000, "the relay resolves on abort", relaying);
      assert.ok(told.length >= 2, `the forged part of two connections told: ${told.length}`);
      assert.ok(told.every((e) => e instanceof RangeError && /the hub's boundary/.test(e.message)));
      assert.ok(count >= 4, `a1 and a2 of two connections published: ${count}`);
      // a2 twice: the upstream push ends with its last part again (lib/push/framing.ts).
      assert.deepEqual(seen.slice(0, 4), ["a1", "a2", "a2", "a1"], "viewers are not cut off");
    } finally {
      stop.abort();
      hub.close();
      await watching;
      await upstream.close();
    }
  });

  it("keeps reconnecting when onReconnect throws", async () => {
    const stop = new AbortController();
    let calls = 0;
    const relaying = relay(() => new Response(null, { status: 503 }), () => {}, {
      signal: stop.signal,
      retryMs: 5,
      maxRetryMs: 5,
      onReconnect: () => {
        if (++calls === 3) stop.abort();
        throw new Error("logger down");
      },
    });
    assert.equal(await within(2000, "relay resolves on abort", relaying), 0);
    assert.equal(calls, 3);
  });

  it("refuses bad reconnection options, naming them", () => {
    assert.throws(
      () => relay("http://127.0.0.1:9/", () => {}, { retryMs: "5" as never }),
      /options\.retryMs must be a number of milliseconds > 0 .* got the string "5"/,
    );
    assert.throws(() => relay(() => new Response(), () => {}, { maxRetryMs: 0 }), RangeError);
  });
});
