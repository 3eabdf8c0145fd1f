// ingest(request, hub) behind the runtime's real server (Deno.serve, Bun.serve, Node, workerd): the
// statuses a publisher gets over the wire, and a viewer's stream carrying what was ingested.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { ingest } from "../../lib/ingest/ingest.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { bearerToken } from "../../lib/access/bearer_token.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import { runtime } from "../_helpers/runtime.ts";
import { served } from "../_helpers/serve.ts";
import { until } from "../_helpers/streams.ts";
import { JPEGS, multipart, PNG } from "./_uploads.ts";

const TOKEN = "wire-token-0123456789";
const MIXED = "multipart/x-mixed-replace;boundary=ffmpeg";

describe(`ingest into a hub on a real server (${runtime})`, () => {
  it("publisher statuses over the wire; a viewer gets the ingested frames", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const authorize = bearerToken(TOKEN);
    await served((request) => {
      const path = new URL(request.url).pathname;
      if (path === "/ingest") return ingest(request, hub, { authorize, maxFrameSize: 4096 });
      return path === "/still" ? hub.snapshot() : hub.response(request);
    }, async (url) => {
      const post = (
        body: BodyInit | Uint8Array | null,
        type?: string,
        token = TOKEN,
      ): Promise<Response> =>
        fetch(`${url}ingest`, {
          method: "POST",
          body: body as BodyInit | null,
          headers: {
            ...(type ? { "content-type": type } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        });
      const viewer = await fetch(`${url}stream`);
      const received: Uint8Array[] = [];
      const reading = (async () => {
        for await (const part of parseParts(viewer)) received.push(part.body);
      })();
      await until(() => hub.subscribers === 1, 5000, "the viewer to subscribe");

      const table: [string, () => Promise<Response>, number, RegExp][] = [
        ["no token", () => post(JPEGS[0], "image/jpeg", ""), 401, /a Bearer token is required/],
        ["wrong token", () => post(JPEGS[0], "image/jpeg", `${TOKEN}x`), 401, /token is wrong/],
        ["text/plain", () => post("hi", "text/plain"), 415, /cannot read an upload/],
        [
          "too large",
          () => post(new Uint8Array(5000), "image/png"),
          413,
          /larger than maxFrameSize/,
        ],
        [
          "cut multipart",
          () => post(multipart(JPEGS.slice(0, 1), "cut"), MIXED),
          400,
          /malformed multipart upload/,
        ],
        ["no body", () => post(null, "image/jpeg"), 400, /has no body/],
        ["mpjpeg", () => post(multipart(JPEGS, "ffmpeg"), MIXED), 204, /^$/],
        ["png", () => post(PNG, "image/png"), 204, /^$/],
        ["mjpeg", () => post(concatBytes(JPEGS), "video/x-motion-jpeg"), 204, /^$/],
      ];
      for (const [name, send, status, message] of table) {
        const answer = await send();
        assert.equal(answer.status, status, name);
        assert.match(await answer.text(), message, name);
      }
      const still = await fetch(`${url}still`);
      assert.deepEqual(new Uint8Array(await still.arrayBuffer()), JPEGS[2]);
      await until(() => received.at(-1)?.length === JPEGS[2].length, 5000, "the last frame");
      hub.close();
      await reading;
      // Latest wins: the viewer gets the cut upload's good frame, then frames of each upload,
      // always ending on the last one published.
      assert.deepEqual(received.at(-1), JPEGS[2]);
      assert.ok(received.some((body) => body.length === PNG.length), "the PNG reached the viewer");
    });
  });
});
