// The demo across processes, as Deno Deploy runs it (many isolates, no shared memory): two demo
// processes started as documented, one with NATS_URL=ws://… (NATS over WebSocket, Deploy's only
// way out) and one with nats://…, sharing a real nats-server, PUBLISH_TOKEN and STREAM_SECRET.
// A broadcast posted to the first is watched through a signed link from the second, byte-exact.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { BLUE, GREEN, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { runCommand } from "../_helpers/commands.ts";
import { startNats } from "../_helpers/bus_servers.ts";
import { runtime } from "../_helpers/runtime.ts";

const onlyNode = runtime === "node"
  ? ""
  : ` (skipped on ${runtime}: the demo runs on Deno; its processes are started once, from Node)`;
const DEMO = "deno run --allow-net --allow-env examples/demo/main.ts";
const TOKEN = "publisher-token-of-the-test";
const SECRET = "stream-secret-shared-by-every-process";

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

describe("demo: the webcam broadcast through NATS", () => {
  it(
    `a frame posted to one process reaches a signed viewer of another, byte-exact${onlyNode}`,
    { skip: runtime !== "node" },
    async () => {
      const nats = await startNats();
      const env = { PUBLISH_TOKEN: TOKEN, STREAM_SECRET: SECRET };
      try {
        await runCommand(DEMO, async (publisherBase) => {
          await runCommand(DEMO, async (viewerBase) => {
            // The viewer's process writes the signed link; the watch page names the push.
            const link = await fetch(new URL("watch-link", viewerBase), {
              method: "POST",
              headers: { authorization: `Bearer ${TOKEN}` },
            });
            assert.equal(link.status, 200);
            const page = await (await fetch(new URL((await link.json()).url, viewerBase))).text();
            const src = /<img class="live" id="img" src="([^"]+)"/.exec(page)![1];
            const push = await fetch(
              new URL(
                src.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))),
                viewerBase,
              ),
            );
            assert.equal(push.status, 200);
            const parts = parseParts(push);
            const offline = (await parts.next()).value!.body;

            // Before each new frame arrives, only pictures already sent may repeat (keep-alive).
            const sent = [offline];
            for (const color of [RED, GREEN, BLUE]) {
              const jpeg = solidJpeg(color);
              const posted = await fetch(new URL("ingest", publisherBase), {
                method: "POST",
                headers: { authorization: `Bearer ${TOKEN}`, "content-type": "image/jpeg" },
                body: jpeg as Uint8Array<ArrayBuffer>,
              });
              assert.equal(posted.status, 204, await posted.text());
              let next = await parts.next();
              for (let i = 0; i < 10 && !next.done && !same(next.value.body, jpeg); i++) {
                assert.ok(sent.some((body) => same(body, next.value!.body)), "a repeat");
                next = await parts.next();
              }
              assert.ok(!next.done && same(next.value.body, jpeg), "the posted frame, byte-exact");
              sent.push(jpeg);
            }
            const stats = await (await fetch(new URL("stats", viewerBase))).json();
            assert.equal(stats.broadcast.bus, "nats");
            assert.equal(stats.broadcast.viewers, 1);
            await parts.return?.();
          }, { env: { ...env, NATS_URL: `nats://${nats.url}` } });
        }, { env: { ...env, NATS_URL: nats.wsUrl } });
      } finally {
        await nats.kill();
      }
    },
  );
});
