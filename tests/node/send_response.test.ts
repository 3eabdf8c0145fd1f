// sendResponse on a real node:http server (Node, and Deno's and Bun's node:http), read by fetch
// and parseParts: frames arrive, a client that leaves unsubscribes, HEAD has no body and holds no
// slot, a body that errors breaks the connection, backpressure loses nothing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/mod.ts";
import { parseParts } from "../../lib/parse/mod.ts";
import { type NodeServerResponse, sendResponse, toRequest } from "../../lib/node/mod.ts";
import { type NodeHttp, nodeServer } from "../_helpers/node_http.ts";
import { runtime } from "../_helpers/runtime.ts";
import { delay, until, within } from "../_helpers/streams.ts";

const skip = runtime === "workerd";
const why = skip ? ` (skipped on ${runtime}: no node:http server)` : "";

describe(`sendResponse${why}`, { skip }, () => {
  it("serves a body read as a stream (a hub's, through another stream), and the viewer leaves when the client does", async () => {
    const hub = new PushHub();
    // Not the hub's own body, so not its direct path (tests/node/direct_body.test.ts): the pump.
    const server = await nodeServer(() => {
      const response = hub.response();
      return new Response(response.body!.pipeThrough(new TransformStream()), response);
    });
    try {
      const abort = new AbortController();
      const response = await fetch(server.url, { signal: abort.signal });
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type")!, /^multipart\/x-mixed-replace;/);
      await until(() => hub.subscribers === 1, 5000, "the viewer subscribes");
      const parts = parseParts(response);
      hub.publish({ contentType: "text/plain", body: "one" });
      assert.equal((await parts.next()).value!.text(), "one");
      hub.publish({ contentType: "text/plain", body: "two" });
      assert.equal((await parts.next()).value!.text(), "two");
      abort.abort();
      await until(() => hub.subscribers === 0, 5000, "the viewer leaves after the client");
      await Promise.all(server.sent);
    } finally {
      hub.close();
      server.close();
    }
  });

  for (const path of ["direct", "stream"]) {
    it(`a client that left before the push started does not stay subscribed (${path} path)`, async () => {
      const hub = new PushHub();
      // The hub's own body goes the direct way; through another stream it is read as a stream.
      const answer = (): Response => {
        const response = hub.response();
        if (path === "direct") return response;
        return new Response(response.body!.pipeThrough(new TransformStream()), response);
      };
      const name = "node:http";
      const http = (await import(name)) as {
        createServer(
          handler: (
            req: { once(event: "close", f: () => void): void },
            res: NodeServerResponse,
          ) => void,
        ): ReturnType<NodeHttp["createServer"]>;
      };
      let sent: Promise<void> | undefined;
      let left = (): void => {};
      const gone = new Promise<void>((resolve) => (left = resolve));
      const server = http.createServer((req, res) => {
        // An async handler (a lookup, say) that answers only after the client has gone.
        req.once("close", () => {
          left();
          setTimeout(() => (sent = sendResponse(answer(), res)), 20);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const abort = new AbortController();
        const request = fetch(`http://127.0.0.1:${server.address().port}/`, {
          signal: abort.signal,
        });
        request.catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 50));
        abort.abort();
        await gone;
        await until(() => sent !== undefined, 5000, "the handler answers");
        await within(5000, "sendResponse settles for a client already gone", sent!);
        await until(() => hub.subscribers === 0, 5000, "no viewer left subscribed");
      } finally {
        hub.close();
        server.closeAllConnections?.();
        server.close();
      }
    });
  }

  it("answers HEAD with the push headers, no body, and no subscriber", async () => {
    const hub = new PushHub();
    const server = await nodeServer(() => hub.response());
    try {
      const response = await fetch(server.url, { method: "HEAD" });
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type")!, /^multipart\/x-mixed-replace;/);
      assert.equal(await response.text(), "");
      await Promise.all(server.sent);
      assert.equal(hub.subscribers, 0);
    } finally {
      hub.close();
      server.close();
    }
  });

  it("HEAD never reads the body; several Set-Cookie headers stay separate", async () => {
    let pulled = 0;
    const server = await nodeServer(() => {
      const headers = new Headers([["set-cookie", "a=1"], ["set-cookie", "b=2; Path=/"]]);
      // highWaterMark 0: pulled only when someone reads it.
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new TextEncoder().encode("body"));
          controller.close();
        },
      }, { highWaterMark: 0 });
      return new Response(body, { headers });
    });
    try {
      const head = await fetch(server.url, { method: "HEAD" });
      assert.equal(await head.text(), "");
      await Promise.all(server.sent);
      assert.equal(pulled, 0, "a HEAD answer read its body");
      const get = await fetch(server.url);
      assert.deepEqual(get.headers.getSetCookie(), ["a=1", "b=2; Path=/"]);
      assert.equal(await get.text(), "body");
    } finally {
      server.close();
    }
  });

  it("waits for drain: a client that reads nothing holds the source back", async () => {
    const CHUNK = 64 * 1024;
    const COUNT = 512; // 32 MiB: far more than the socket buffers hold
    let pulls = 0;
    const server = await nodeServer(() =>
      new Response(
        new ReadableStream({
          pull(controller) {
            if (pulls === COUNT) return controller.close();
            controller.enqueue(new Uint8Array(CHUNK).fill(pulls++ & 0xff));
          },
        }),
      )
    );
    try {
      const response = await fetch(server.url);
      await delay(300);
      // Socket buffers and the stream's queue hold a few MiB; ignoring write()'s false pulls all.
      assert.ok(pulls < COUNT / 2, `the source was pulled ${pulls} times of ${COUNT}`);
      await response.body!.cancel();
    } finally {
      server.close();
    }
  });

  it("a body that errors breaks the connection instead of ending it cleanly", async () => {
    const server = await nodeServer(() =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("partial"));
          },
          pull(controller) {
            controller.error(new Error("source failed"));
          },
        }),
      )
    );
    try {
      const response = await fetch(server.url);
      await assert.rejects(response.arrayBuffer());
    } finally {
      server.close();
    }
  });

  it("writes a large body through a slow reader without losing or reordering bytes", async () => {
    const CHUNK = 64 * 1024;
    const COUNT = 128; // 8 MiB, well past the socket buffers
    const server = await nodeServer(() => {
      let i = 0;
      return new Response(
        new ReadableStream({
          pull(controller) {
            if (i === COUNT) return controller.close();
            controller.enqueue(new Uint8Array(CHUNK).fill(i++ & 0xff));
          },
        }),
      );
    });
    try {
      const reader = (await fetch(server.url)).body!.getReader();
      let offset = 0;
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        for (let k = 0; k < r.value.length; k += 4096) {
          assert.equal(r.value[k], Math.floor((offset + k) / CHUNK) & 0xff, `byte ${offset + k}`);
        }
        offset += r.value.length;
        if (offset < CHUNK * 4) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(offset, CHUNK * COUNT);
    } finally {
      server.close();
    }
  });

  it("refuses what is not a Response or a ServerResponse, naming the argument", () => {
    const res = { writeHead() {}, write: () => true, end() {}, destroy() {}, once() {}, off() {} };
    assert.throws(
      () => sendResponse("x" as unknown as Response, res),
      { name: "TypeError", message: 'response must be a Response, got the string "x"' },
    );
    assert.throws(
      () => sendResponse(new Response("x"), {} as NodeServerResponse),
      {
        name: "TypeError",
        message:
          /^res must be a Node http.ServerResponse \(with a writeHead\(\) method\), got an object$/,
      },
    );
  });

  it("toRequest hands the push the client's request: an <img> gets browser framing, ffmpeg reader framing, and a client that leaves aborts its signal", async () => {
    const hub = new PushHub({ boundary: "B" });
    const signals: AbortSignal[] = [];
    const server = await nodeServer((req, res) => {
      const request = toRequest(req, res);
      signals.push(request.signal);
      return hub.response(request);
    });
    try {
      const abort = new AbortController();
      const img = await fetch(`${server.url}cam?fps=5`, {
        headers: { "Sec-Fetch-Dest": "image", Accept: "image/avif,*/*" },
        signal: abort.signal,
      });
      const ffmpeg = await fetch(server.url, { headers: { "User-Agent": "Lavf/61.7.100" } });
      await until(() => hub.subscribers === 2, 5000, "both viewers subscribe");
      hub.publish({ contentType: "text/plain", body: "one" });
      const first = async (response: Response): Promise<string> => {
        const reader = response.body!.getReader();
        let text = "";
        while (!text.includes("one")) text += new TextDecoder().decode((await reader.read()).value);
        reader.releaseLock();
        return text;
      };
      assert.match(
        await first(img),
        /^ {510}\r\n--B\r\nContent-Type: text\/plain/,
        "browser framing",
      );
      assert.match(await first(ffmpeg), /^\r\n--B\r\nContent-Type: text\/plain/, "reader framing");
      assert.equal(signals[0].aborted, false);
      abort.abort();
      await until(
        () => signals[0].aborted,
        5000,
        "the request's signal aborts when the client leaves",
      );
      await until(() => hub.subscribers === 1, 5000, "the <img> viewer leaves");
      await ffmpeg.body!.cancel();
    } finally {
      hub.close();
      server.close();
    }
  });

  it("toRequest keeps method, URL and repeated header fields, and refuses what is no request", () => {
    const request = toRequest({
      method: "HEAD",
      url: "/cam?fps=5",
      headers: { host: "example.test:8080", accept: "image/*", "x-a": ["1", "2"], ":path": "/x" },
    });
    assert.equal(request.method, "HEAD");
    assert.equal(request.url, "http://example.test:8080/cam?fps=5");
    assert.equal(request.headers.get("x-a"), "1, 2");
    assert.deepEqual([...request.headers.keys()], ["accept", "host", "x-a"], "no pseudo-header");
    assert.throws(() => toRequest({} as never), {
      name: "TypeError",
      message: "req must be a Node http.IncomingMessage (with headers), got an object",
    });
    for (const method of ["TRACE", "CONNECT"]) {
      assert.throws(() => toRequest({ method, headers: {} }), {
        name: "TypeError",
        message: `req.method must be one a fetch Request allows, got the string "${method}"`,
      });
    }
    // TLS makes the URL https; a Host that is no host keeps the path on localhost.
    const tls = toRequest({
      url: "/cam",
      headers: { host: "example.test" },
      socket: { encrypted: true },
    } as never);
    assert.equal(tls.url, "https://example.test/cam");
    const badHost = toRequest({ url: "/cam?fps=5", headers: { host: "a b" } });
    assert.equal(badHost.url, "http://localhost/cam?fps=5");
  });
});
