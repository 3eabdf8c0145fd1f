// sendResponse's direct path (lib/shared/direct_body.ts): a PushHub viewer written from the
// hub's fan-out straight to Node's `res`, its web stream never read. On a real node:http server
// (Node, and Deno's and Bun's node:http): the bytes are the web path's for the same frames on the
// same hub, for every framing and ending; a client that leaves is removed with its stats; a
// stalled one keeps the newest frame, drops the stale ones and is cut after idleTimeout;
// keep-alives go out; one res.write per frame. Each test checks that the path was taken.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/mod.ts";
import type { PushHubOptions, ViewerStats } from "../../lib/hub/mod.ts";
import { parseParts } from "../../lib/parse/mod.ts";
import {
  type NodeIncomingMessage,
  type NodeServerResponse,
  sendResponse,
  toRequest,
} from "../../lib/node/mod.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import type { Part } from "../../lib/push/part.ts";
import { nodeServer, rawGet } from "../_helpers/node_http.ts";
import { runtime } from "../_helpers/runtime.ts";
import { deferred, latin1, until, within } from "../_helpers/streams.ts";

const skip = runtime === "workerd";
const why = skip ? ` (skipped on ${runtime}: no node:http server)` : "";

const BODIES = ["frame-0", "frame-1", "frame-2"];
const frame = (body: string | Uint8Array): Part => ({ contentType: "image/jpeg", body });

/** The clients, by the framing each gets. */
const WIRES = [
  ["browser framing (an <img>)", "replace", { "Sec-Fetch-Dest": "image", Accept: "image/*" }],
  ["reader framing (ffmpeg)", "replace", { "User-Agent": "Lavf/61.7.100", Accept: "*/*" }],
  ["mixed mode", "mixed", { Accept: "multipart/mixed" }],
] as const;

const ENDINGS = ["source ends", "idleTimeout", "maxDuration", "hub.close()"] as const;

/**
 * Closes `hub` and waits until `client` has read the push's end: an ending may wait out the fill's
 * gap (lib/push/framing.ts), and a server closed before it would cut the client off.
 */
async function closeAndRead(hub: PushHub, client: Received): Promise<void> {
  hub.close();
  await within(5000, "the push ends", client.ended);
}

/** A response body read as it comes: what came so far, and when it ended. */
class Received {
  readonly chunks: Uint8Array[] = [];
  readonly ended: Promise<void>;
  readonly contentType: string;

  constructor(response: Response) {
    this.contentType = response.headers.get("content-type")!;
    const reader = response.body!.getReader();
    this.ended = (async () => {
      for (let r = await reader.read(); !r.done; r = await reader.read()) this.chunks.push(r.value);
    })();
  }

  get bytes(): Uint8Array {
    return concatBytes(this.chunks);
  }

  /** How often `marker` came. */
  count(marker: string): number {
    return latin1(this.bytes).split(marker).length - 1;
  }

  /** Every part's body as our decoder reads the bytes. */
  async parts(): Promise<string[]> {
    const bytes = this.bytes as Uint8Array<ArrayBuffer>;
    const response = new Response(bytes, { headers: { "content-type": this.contentType } });
    const out: string[] = [];
    for await (const part of parseParts(response)) out.push(part.text());
    return out;
  }
}

/**
 * A node:http server on `hub`: `/direct` sends the hub's response as it is (the direct path),
 * `/web` the same response's body through an identity stream (a body the hub did not make,
 * so sendResponse reads it: the web path). `responses` keeps each hub response, by path.
 */
async function pathsServer(hub: PushHub, viewer = (request: Request) => hub.response(request)) {
  const responses = new Map<string, Response>();
  const server = await nodeServer((req: NodeIncomingMessage, res: NodeServerResponse) => {
    const response = viewer(toRequest(req, res));
    responses.set(req.url!, response);
    if (req.url !== "/web") return response;
    return new Response(response.body!.pipeThrough(new TransformStream()), response);
  });
  return { server, responses };
}

/** Fails unless the hub response sent on `/direct` went the direct way (its stream unread). */
function assertDirect(responses: Map<string, Response>): void {
  assert.equal(responses.get("/direct")!.body!.locked, false, "the direct path was not taken");
  if (responses.has("/web")) assert.equal(responses.get("/web")!.body!.locked, true);
}

describe(`sendResponse's direct path for a PushHub viewer${why}`, { skip }, () => {
  for (const [wire, mode, headers] of WIRES) {
    for (const ending of ENDINGS) {
      it(`${wire}, ${ending}: the web path's bytes, every part read, the ending's repeat in replace mode`, async () => {
        let gate = deferred();
        async function* source(): AsyncGenerator<Part> {
          for (const body of BODIES) {
            await gate.promise;
            gate = deferred();
            yield frame(body);
          }
          await gate.promise; // then returns: the source ends
        }
        const options: PushHubOptions = {
          mode,
          boundary: "B",
          keepAlive: Infinity,
          idleTimeout: ending === "idleTimeout" ? 800 : undefined,
          maxDuration: ending === "maxDuration" ? 2000 : undefined,
        };
        const hub = ending === "source ends"
          ? PushHub.from(source, { ...options, linger: 0 })
          : new PushHub(options);
        const { server, responses } = await pathsServer(hub);
        try {
          const [direct, web] = await Promise.all(
            ["direct", "web"].map(async (path) =>
              new Received(await fetch(server.url + path, { headers }))
            ),
          );
          await until(() => hub.subscribers === 2, 5000, "both viewers subscribe");
          for (const body of BODIES) {
            if (ending === "source ends") gate.resolve();
            else hub.publish(frame(body));
            await until(
              () => direct.count(body) === 1 && web.count(body) === 1,
              5000,
              () => `both got ${body}: direct ${latin1(direct.bytes)} web ${latin1(web.bytes)}`,
            );
          }
          assertDirect(responses);
          if (ending === "source ends") gate.resolve();
          if (ending === "hub.close()") hub.close();
          await within(5000, "both responses end", Promise.all([direct.ended, web.ended]));
          assert.equal(latin1(direct.bytes), latin1(web.bytes));
          const repeat = mode === "replace" ? [BODIES.at(-1)] : [];
          assert.deepEqual(await direct.parts(), [...BODIES, ...repeat]);
          await within(5000, "sendResponse settles", Promise.all(server.sent));
          assert.equal(hub.subscribers, 0);
        } finally {
          hub.close();
          server.close();
        }
      });
    }
  }

  for (const withRequest of [false, true]) {
    const given = withRequest ? "with toRequest (its signal aborts too)" : "without a request";
    it(`a client that leaves, ${given}: the viewer is removed, counted, and holds nothing`, async () => {
      const left: ViewerStats[] = [];
      const hub = new PushHub({ keepAlive: Infinity, onUnsubscribe: (v) => left.push(v) });
      const { server, responses } = await pathsServer(
        hub,
        (request) => hub.response(withRequest ? request : undefined),
      );
      try {
        const abort = new AbortController();
        const client = new Received(await fetch(server.url + "direct", { signal: abort.signal }));
        client.ended.catch(() => {});
        await until(() => hub.subscribers === 1, 5000, "the viewer subscribes");
        for (const body of BODIES) {
          hub.publish(frame(body));
          await until(() => client.count(body) === 1, 5000, `the client got ${body}`);
        }
        assertDirect(responses);
        abort.abort();
        await until(() => hub.subscribers === 0, 5000, "the viewer leaves with its client");
        await within(5000, "sendResponse settles", Promise.all(server.sent));
        assert.equal(left.length, 1);
        assert.equal(left[0].framesSent, BODIES.length);
        assert.deepEqual(hub.stats().viewers, []);
        assert.equal(hub.retainedBytes, 0);
        assert.equal(hub.subscriberBytes, 0);
      } finally {
        hub.close();
        server.close();
      }
    });
  }

  it("a stalled client: a few writes fill its socket, then the hub keeps only the newest frame, which comes when it reads again", async () => {
    const SIZE = 1 << 20;
    const COUNT = 100; // 100 MiB published: far more than the socket buffers hold
    const hub = new PushHub({ keepAlive: Infinity });
    let writes = 0;
    let response: Response | undefined;
    const server = await nodeServer((_req, res) => {
      const write = res.write.bind(res);
      res.write = (chunk) => (writes++, write(chunk));
      return (response = hub.response());
    });
    const client = await rawGet(server.port);
    try {
      client.pause();
      await until(() => hub.subscribers === 1, 5000, "the viewer subscribes");
      const body = (i: number) => new Uint8Array(SIZE).fill(0x61 + (i % 26));
      for (let i = 0; i < COUNT; i++) {
        hub.publish(frame(body(i)));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const [viewer] = hub.stats().viewers;
      assert.ok(writes < COUNT / 4, `${writes} writes for ${COUNT} frames: backpressure ignored`);
      assert.ok(viewer.framesDropped >= COUNT / 2, `only ${viewer.framesDropped} dropped`);
      // One frame (its body and header lines), not two.
      assert.ok(hub.subscriberBytes < SIZE + 1024, `${hub.subscriberBytes} bytes held for it`);
      const last = "frame-last";
      hub.publish(frame(last));
      client.resume();
      await until(() => client.text().includes(last), 10_000, "the newest frame comes");
      assert.equal(response!.body!.locked, false, "the direct path was not taken");
    } finally {
      client.destroy();
      hub.close();
      server.close();
    }
  });

  for (const path of ["direct", "web"]) {
    it(`${path} path: a client stalled at hub.close() still gets its newest frame, the ending's repeat and the close, once it reads`, async () => {
      const SIZE = 256 * 1024;
      const COUNT = 40; // 10 MiB: more than the socket buffers hold
      const hub = new PushHub({ boundary: "B", keepAlive: Infinity });
      const { server, responses } = await pathsServer(hub, () => hub.response());
      try {
        const response = await fetch(server.url + path);
        await until(() => hub.subscribers === 1, 5000, "the viewer subscribes");
        for (let i = 0; i < COUNT; i++) {
          hub.publish(frame(new Uint8Array(SIZE).fill(i)));
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        if (path === "direct") assertDirect(responses);
        hub.close();
        const firstBytes: number[] = [];
        for await (const part of parseParts(response)) firstBytes.push(part.body[0]);
        assert.deepEqual(firstBytes.slice(-2), [COUNT - 1, COUNT - 1], `${firstBytes}`);
        assert.ok(firstBytes.length < COUNT, `${firstBytes.length} parts: none was dropped`);
      } finally {
        hub.close();
        server.close();
      }
    });
  }

  it("a client that stops reading is cut after idleTimeout: the connection breaks, no clean end", async () => {
    const hub = new PushHub({ keepAlive: Infinity, idleTimeout: 500 });
    const { server } = await pathsServer(hub, () => hub.response());
    const client = await rawGet(server.port);
    try {
      client.pause();
      await until(() => hub.subscribers === 1, 5000, "the viewer subscribes");
      // Frames keep coming (the hub is not idle) while the client takes none.
      const timer = setInterval(() => hub.publish(frame(new Uint8Array(1 << 20))), 20);
      try {
        await until(() => hub.subscribers === 0, 10_000, "the stalled viewer is cut");
      } finally {
        clearInterval(timer);
      }
      client.resume();
      await within(5000, "the connection closes", client.closed);
      assert.ok(!client.text().endsWith("\r\n0\r\n\r\n"), "the push ended cleanly instead");
    } finally {
      client.destroy();
      hub.close();
      server.close();
    }
  });

  it("keep-alives reach a viewer that got one frame", async () => {
    const hub = new PushHub({ keepAlive: 50 });
    const { server, responses } = await pathsServer(hub);
    try {
      const client = new Received(await fetch(server.url + "direct"));
      await until(() => hub.subscribers === 1, 5000, "the viewer subscribes");
      hub.publish(frame("once"));
      await until(() => client.count("once") >= 3, 5000, "the frame is sent again");
      assertDirect(responses);
      await closeAndRead(hub, client);
    } finally {
      hub.close();
      server.close();
    }
  });

  it("one res.write per frame: the opening, then each frame as one chunk", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const chunks: Uint8Array[] = [];
    const server = await nodeServer((_req, res) => {
      const write = res.write.bind(res);
      res.write = (chunk) => (chunks.push(chunk), write(chunk));
      return hub.response();
    });
    try {
      const client = new Received(await fetch(server.url));
      await until(() => hub.subscribers === 1, 5000, "the viewer subscribes");
      for (let i = 0; i < 20; i++) {
        hub.publish(frame(new Uint8Array(50_000).fill(i)));
        await until(() => chunks.length === i + 2, 5000, `frame ${i} written`);
      }
      const sent = concatBytes(chunks);
      await until(() => client.bytes.length === sent.length, 5000, "the client got every byte");
      assert.equal(chunks.length, 21);
      assert.ok(chunks.slice(1).every((chunk) => chunk.byteLength > 50_000));
      await closeAndRead(hub, client);
    } finally {
      hub.close();
      server.close();
    }
  });

  it("a hub response whose body is being read is not taken over: sendResponse refuses it as any locked body", async () => {
    const hub = new PushHub();
    const response = hub.response();
    const reader = response.body!.getReader();
    const res = {
      writeHead() {},
      write: () => true,
      end() {},
      destroy() {},
      once() {},
      off() {},
    };
    assert.throws(() => sendResponse(response, res), TypeError);
    hub.publish(frame("still read"));
    await reader.read(); // the opening
    assert.equal(latin1((await reader.read()).value!).includes("still read"), true);
    hub.close();
  });
});
