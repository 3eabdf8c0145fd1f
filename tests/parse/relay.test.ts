import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { relay, type RelayedPart } from "../../lib/parse/relay.ts";
import { pushResponse } from "../../lib/push/response.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { Part } from "../../lib/push/part.ts";
import { serve } from "../_helpers/serve.ts";
import { runtime } from "../_helpers/runtime.ts";

/** An async iterable fed by push(): what a hub does for one client. */
function channel<T>(): { push(value: T): void; end(): void; iterable: AsyncIterable<T> } {
  const values: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  return {
    push(value) {
      values.push(value);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        while (true) {
          if (values.length > 0) yield values.shift()!;
          else if (ended) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
  };
}

/** Frames like a camera's: binary, different sizes, one with its own header. */
function frames(): Part[] {
  return Array.from({ length: 12 }, (_, i) => {
    const body = new Uint8Array(1000 + i * 997);
    for (let j = 0; j < body.length; j++) body[j] = (j * 31 + i) & 0xff;
    body[0] = 0xff;
    body[1] = 0xd8;
    return { contentType: "image/jpeg", body, headers: { "X-Frame": String(i) } };
  });
}

async function decodeAll(
  response: Response,
): Promise<{ type: string | null; frame: string | null; body: Uint8Array }[]> {
  const out = [];
  for await (const part of parseParts(response)) {
    out.push({ type: part.contentType, frame: part.headers.get("x-frame"), body: part.body });
  }
  return out;
}

const expected = (parts: Part[]) =>
  parts.map((p) => ({
    type: p.contentType,
    frame: (p.headers as Record<string, string>)["X-Frame"],
    body: p.body as Uint8Array,
  }));

describe("relay", () => {
  it("in process: an upstream push relayed into the encoder comes out frame-identical", async () => {
    // Reader framing (a reader's push: each part whole; browser framing would fill a part
    // announced with the previous frame's X-Frame). A replace push ends with its last part again
    // (lib/push/framing.ts), so each replace hop adds one repeat of the last frame.
    const twelve = expected(frames());
    for (const mode of ["replace", "mixed"] as const) {
      const upstream = pushResponse(frames(), { mode, advanceHeaders: false });
      const out = channel<RelayedPart>();
      const relayed = relay(upstream, (part) => out.push(part)).finally(out.end);
      const downstream = pushResponse(out.iterable, { mode: "replace", advanceHeaders: false });
      const repeats = mode === "replace" ? 2 : 1;
      const last = twelve.at(-1)!;
      assert.deepEqual(await decodeAll(downstream), [...twelve, ...Array(repeats).fill(last)]);
      assert.equal(await relayed, 12 + repeats - 1);
    }
  });

  it(`over loopback: camera server -> relay server -> client, frame-identical (${runtime})`, async () => {
    // Each server passes its client's request: fetch() gets reader framing (every part whole).
    const camera = await serve((request) => pushResponse(frames(), { request }));
    const relayServer = await serve(async (request) => {
      const out = channel<RelayedPart>();
      relay(await fetch(camera.url), out.push).then(out.end, out.end);
      return pushResponse(out.iterable, { request });
    });
    try {
      const twelve = expected(frames());
      assert.deepEqual(await decodeAll(await fetch(relayServer.url)), [
        ...twelve,
        twelve.at(-1)!,
        twelve.at(-1)!,
      ]);
    } finally {
      await relayServer.close();
      await camera.close();
    }
  });

  it("hands on only X-Timestamp and X-Frame (Set-Cookie, Refresh, … stay behind; issue 20, 11), and awaits publish", async () => {
    const upstream = new Response(
      "--B\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nX-A: 1\r\nSet-Cookie: s=1\r\n" +
        "Refresh: 0; url=https://evil.example/\r\nContent-Disposition: attachment\r\n" +
        "X-Timestamp: 1764322800.5\r\nX-Frame: 7\r\n\r\nhi\r\n--B\r\n\r\nno type\r\n--B--\r\n",
      { headers: { "content-type": "multipart/x-mixed-replace;boundary=B" } },
    );
    const seen: { contentType: string; headers: [string, string][]; text: string }[] = [];
    let pending = 0;
    const count = await relay(upstream, async (part) => {
      assert.equal(pending++, 0, "publish is not called again before its promise settles");
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push({
        contentType: part.contentType,
        headers: [...part.headers],
        text: new TextDecoder().decode(part.body),
      });
      pending--;
    }, { defaultContentType: "application/x-unknown" });
    assert.equal(count, 2);
    assert.deepEqual(seen, [
      {
        contentType: "text/plain",
        headers: [["x-frame", "7"], ["x-timestamp", "1764322800.5"]],
        text: "hi",
      },
      { contentType: "application/x-unknown", headers: [], text: "no type" },
    ]);
  });

  it("an upstream that ends mid-frame rejects with MultipartParseError after the whole frames", async () => {
    const upstream = new Response("--B\r\n\r\none\r\n--B\r\n\r\ntw", {
      headers: { "content-type": "multipart/x-mixed-replace;boundary=B" },
    });
    const got: string[] = [];
    await assert.rejects(
      relay(upstream, (part) => void got.push(new TextDecoder().decode(part.body))),
      (error: Error & { code?: string }) => error.code === "truncated",
    );
    assert.deepEqual(got, ["one"]);
  });

  it("a part publish throws for is told to onError and skipped; the relay reads on (issue 20, 5)", async () => {
    const body = new Response("--B\r\n\r\none\r\n--B\r\n\r\ntwo\r\n--B\r\n\r\nthree\r\n--B--\r\n")
      .body!;
    const failure = new RangeError("refused");
    const told: unknown[] = [];
    const got: string[] = [];
    const count = await relay(body, (part) => {
      const text = new TextDecoder().decode(part.body);
      if (text === "two") throw failure;
      got.push(text);
    }, { boundary: "B", onError: (error) => told.push(error) });
    assert.equal(count, 2);
    assert.deepEqual(got, ["one", "three"]);
    assert.deepEqual(told, [failure]);
  });

  it("bad arguments throw at the call", () => {
    const upstream = () =>
      new Response("", { headers: { "content-type": "multipart/mixed;boundary=B" } });
    assert.throws(() => relay(upstream(), "x" as never), /publish must be a function/);
    assert.throws(
      () => relay(upstream(), () => {}, { defaultContentType: "" }),
      /options\.defaultContentType/,
    );
    assert.throws(() => relay(new ReadableStream(), () => {}), /options\.boundary/);
    assert.throws(
      () => relay(upstream(), () => {}, { onError: "log" as never }),
      /^TypeError: options\.onError must be a function, got the string "log"$/,
    );
    assert.throws(
      () => relay(upstream(), () => {}, { onError: null as never }),
      /^TypeError: options\.onError must be a function, got null$/,
    );
  });

  it("an onError that throws does not stop the relay (lib/shared/contained.ts)", async () => {
    const body = new Response("--B\r\n\r\none\r\n--B\r\n\r\ntwo\r\n--B\r\n\r\nthree\r\n--B--\r\n")
      .body!;
    const got: string[] = [];
    let told = 0;
    const count = await relay(body, (part) => {
      const text = new TextDecoder().decode(part.body);
      if (text === "two") throw new RangeError("refused");
      got.push(text);
    }, {
      boundary: "B",
      onError: () => {
        told++;
        throw new Error("the logger broke");
      },
    });
    assert.equal(count, 2);
    assert.equal(told, 1);
    assert.deepEqual(got, ["one", "three"]);
  });
});
