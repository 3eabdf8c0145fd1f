// Issue 20, finding 8: hub.stats() keeps a viewer's User-Agent and ?key= cut to a documented
// length (MAX_USER_AGENT, MAX_KEY), as strings of their own, so 2,000 viewers sending 8 KiB of
// each cost about what short values cost, and stats() stays small. Before: 45.0 MB of heap (9.3
// with short values) and 33 MB of JSON.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { MAX_KEY, MAX_USER_AGENT } from "../../lib/hub/stats.ts";
import { runtime } from "../_helpers/runtime.ts";
import { gcNote, heapAfterGc } from "../_helpers/memory.ts";

const VIEWERS = 2000;

/** `VIEWERS` viewers whose User-Agent and key carry `size` more characters; heap and JSON. */
async function viewers(size: number): Promise<{ heap: number | undefined; json: string }> {
  const hub = new PushHub({ keepAlive: Infinity });
  hub.publish({ contentType: "image/jpeg", body: new Uint8Array(100) });
  const before = await heapAfterGc();
  const responses: Response[] = [];
  for (let i = 0; i < VIEWERS; i++) {
    const headers = { "user-agent": `Mozilla/5.0 ${i} ${"u".repeat(size)}` };
    const url = `http://cam.example/stream?key=k${i}${"k".repeat(size)}`;
    responses.push(hub.response(new Request(url, { headers })));
  }
  const after = await heapAfterGc();
  const json = JSON.stringify(hub.stats());
  hub.close();
  await Promise.all(responses.map((response) => response.body?.cancel()));
  return { heap: before === undefined ? undefined : after! - before, json };
}

describe(`hub.stats() bounds what viewers send (${runtime})`, () => {
  it("an 8 KiB User-Agent and key are cut to MAX_USER_AGENT and MAX_KEY characters", () => {
    const hub = new PushHub();
    const ua = `Mozilla/5.0 <b>${"u".repeat(8192)}`;
    hub.response(
      new Request(`http://cam.example/?key=${"k".repeat(8192)}`, { headers: { "user-agent": ua } }),
    );
    const [viewer] = hub.stats().viewers;
    assert.equal(MAX_USER_AGENT, 256);
    assert.equal(MAX_KEY, 64);
    assert.equal(viewer.userAgent, ua.slice(0, MAX_USER_AGENT));
    assert.equal(viewer.key, "k".repeat(MAX_KEY));
    hub.close();
  });

  it(`${VIEWERS} viewers with 8 KiB of each: stats() JSON under 1.5 MB, heap about that of short values${gcNote}`, async () => {
    const short = await viewers(0);
    const long = await viewers(8192);
    assert.ok(long.json.length < 1.5e6, `stats() JSON: ${long.json.length} characters`);
    if (gcNote !== "") return;
    const perViewer = (long.heap! - short.heap!) / VIEWERS;
    console.log(
      `# ${runtime}: heap ${(long.heap! / 1e6).toFixed(1)} MB vs ${
        (short.heap! / 1e6).toFixed(1)
      } ` +
        `MB with short values; stats() JSON ${(long.json.length / 1e6).toFixed(2)} MB`,
    );
    assert.ok(perViewer < 4096, `${perViewer.toFixed(0)} more bytes of heap per viewer`);
  });
});
