// PushHub on real servers: Deno.serve, Bun.serve, @hono/node-server.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import { until } from "../_helpers/streams.ts";

const decoder = new TextDecoder();

/** Reads until `needle` has arrived (at most 200 chunks), returning what was read. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  needle: string,
): Promise<string> {
  let text = "";
  for (let i = 0; i < 200 && !text.includes(needle); i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

const noSockets = runtime === "workerd";
describe(`PushHub on a real server (${runtime})`, () => {
  it(
    "200 loopback clients get the frames, then all disconnect: 0 subscribers, nothing retained" +
      (noSockets ? " (skipped on workerd: 6 simultaneous outgoing connections per request)" : ""),
    { skip: noSockets },
    async () => {
      const hub = new PushHub({ keepAlive: 200 });
      const server: Served = await serve((request) => hub.response(request));
      let publisher: ReturnType<typeof setInterval> | undefined;
      try {
        let n = 0;
        const frame = (): void => hub.publish({ contentType: "text/plain", body: `frame ${n++}` });
        frame();
        const clients = Array.from({ length: 200 }, () => new AbortController());
        const readers = await Promise.all(clients.map(async (client) => {
          const response = await fetch(server.url, { signal: client.signal });
          assert.equal(response.status, 200);
          assert.match(
            response.headers.get("content-type")!,
            /^multipart\/x-mixed-replace;boundary=/,
          );
          return response.body!.getReader();
        }));
        assert.equal(hub.subscribers, 200);
        publisher = setInterval(frame, 20);
        const target = `frame ${n + 3}`;
        const got = await Promise.all(readers.map((reader) => readUntil(reader, target)));
        for (const text of got) assert.ok(text.includes(target), text.slice(-200));
        await Promise.all(readers.map((reader) => reader.cancel().catch(() => {})));
        for (const client of clients) client.abort();
        await until(() => hub.subscribers === 0, 5000, "every subscriber to leave");
        assert.equal(hub.retainedBytes, 0);
      } finally {
        clearInterval(publisher);
        hub.close();
        await server.close();
      }
    },
  );
});
