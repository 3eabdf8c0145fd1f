// ingest(request, hub) in one process: the one-publisher slot, viewers keeping the last good frame,
// options.signal and close().
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../lib/ingest/ingest.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import type { Part } from "../../lib/push/part.ts";
import { runtime } from "../_helpers/runtime.ts";
import { delay } from "../_helpers/streams.ts";
import { feed, JPEGS, multipart, OPEN, upload } from "./_uploads.ts";
import { MIXED } from "./_cases.ts";

describe(`ingest into a hub (${runtime})`, () => {
  it("one publisher at a time: 409 for a second; allowTakeover cuts the first with 409", async () => {
    const hub = new PushHub();
    const first = feed();
    first.push(JPEGS[0]);
    const firstAnswer = ingest(upload(first.stream, "image/jpeg"), hub, OPEN);
    await delay(20);
    const second = await ingest(upload(JPEGS[1], "image/jpeg"), hub, OPEN);
    assert.equal(second.status, 409);
    assert.match(await second.text(), /^409 another publisher is live\n$/);
    const third = ingest(upload(concatBytes([JPEGS[2]]), "image/jpeg"), hub, {
      ...OPEN,
      allowTakeover: true,
    });
    const cut = await firstAnswer;
    assert.equal(cut.status, 409);
    assert.match(await cut.text(), /^409 another publisher took over/);
    assert.equal((await third).status, 204);
    const still = new Uint8Array(await hub.snapshot().arrayBuffer());
    assert.deepEqual(still, JPEGS[2]);
    // The slot is free again.
    assert.equal((await ingest(upload(JPEGS[0], "image/jpeg"), hub, OPEN)).status, 204);
    hub.close();
  });

  it("a bad upload leaves viewers the last good frame and the hub serving", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const viewer = hub.response(new Request("http://cam.example/"));
    assert.equal(
      (await ingest(upload(multipart(JPEGS.slice(0, 2), "cut"), MIXED), hub, OPEN)).status,
      400,
    );
    assert.deepEqual(new Uint8Array(await hub.snapshot().arrayBuffer()), JPEGS[1]);
    assert.equal((await ingest(upload(JPEGS[2], "image/jpeg"), hub, OPEN)).status, 204);
    const late = hub.response(new Request("http://cam.example/"));
    hub.close();
    const bodies = async (r: Response): Promise<Uint8Array[]> => {
      const out: Uint8Array[] = [];
      for await (const part of parseParts(r)) out.push(part.body);
      return out;
    };
    // Its last frame again at the end: every replace push ends so (lib/push/framing.ts).
    assert.deepEqual(await bodies(late), [JPEGS[2], JPEGS[2]]);
    assert.deepEqual((await bodies(viewer)).at(-1), JPEGS[2]);
  });

  it("aborting options.signal stops the upload with 503 (into a hub, into a bare publish)", async () => {
    for (const hubbed of [false, true]) {
      const hub = new PushHub();
      const body = feed();
      body.push(JPEGS[0]);
      const controller = new AbortController();
      const request = upload(body.stream, "image/jpeg");
      const target = hubbed ? hub : { publish: (part: Part) => hub.publish(part) };
      const live = ingest(request, target, { ...OPEN, signal: controller.signal });
      await delay(20);
      controller.abort(new Error("maintenance"));
      const answer = await live;
      assert.equal(answer.status, 503);
      assert.match(await answer.text(), /^503 Error: maintenance/);
      assert.equal(answer.headers.get("x-ingest-frames"), "1");
      hub.close();
    }
  });

  it("close() cuts the live upload with 503 and refuses later ones", async () => {
    const hub = new PushHub();
    const body = feed();
    const live = ingest(upload(body.stream, "image/jpeg"), hub, OPEN);
    await delay(20);
    hub.close();
    const answer = await live;
    assert.equal(answer.status, 503);
    assert.match(await answer.text(), /^503 the hub was closed/);
    const later = await ingest(upload(JPEGS[0], "image/jpeg"), hub, OPEN);
    assert.equal(later.status, 503);
  });

  it("a hub closed before its first upload answers 503, its body cancelled unread", async () => {
    const hub = new PushHub();
    hub.close();
    const body = feed();
    const answer = await ingest(upload(body.stream, "image/jpeg"), hub, OPEN);
    assert.equal(answer.status, 503);
    assert.match(await answer.text(), /^503 the hub was closed\n$/);
    assert.equal(answer.headers.get("x-ingest-frames"), null, "refused, not taken and then cut");
    assert.equal(hub.stats().framesPublished, 0);
    assert.throws(() => body.push(JPEGS[0]), "the upload's body was cancelled");
  });
});
