// The hub's cors option (a corsPolicy), shared with ingest: OPTIONS preflights answered,
// Access-Control-Allow-Origin on push, snapshot, HEAD and ingest answers, over the runtime's own
// server; a throwing policy refuses.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { ingest } from "../../lib/ingest/ingest.ts";
import { type AllowOrigin, corsPolicy } from "../../lib/access/cors.ts";
import { serve } from "../_helpers/serve.ts";
import { text } from "./_viewer.ts";

const APP = "https://app.example";

async function corsServer(allowOrigin: AllowOrigin) {
  const cors = corsPolicy({ allowOrigin });
  const hub = new PushHub({ keepAlive: Infinity, cors });
  hub.publish(text("frame"));
  const server = await serve((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/snapshot") return hub.snapshot({ request });
    if (path === "/ingest") return ingest(request, hub, { authorize: "anyone", cors });
    return hub.response(request);
  });
  return {
    hub,
    server,
    async close() {
      hub.close();
      await server.close();
    },
  };
}

const preflight = (origin: string, method = "GET"): RequestInit => ({
  method: "OPTIONS",
  headers: { Origin: origin, "Access-Control-Request-Method": method },
});

describe("cors: a policy shared by the hub and ingest", () => {
  it("answers preflights for push, snapshot and ingest; another origin gets 403", async () => {
    const { server, close } = await corsServer([APP]);
    try {
      for (const path of ["stream", "snapshot", "ingest"]) {
        const ok = await fetch(
          `${server.url}${path}`,
          preflight(APP, path === "ingest" ? "POST" : "GET"),
        );
        assert.equal(ok.status, 204, path);
        assert.equal(ok.headers.get("access-control-allow-origin"), APP);
        assert.match(ok.headers.get("access-control-allow-methods")!, /GET/);
        await ok.body?.cancel();
        const refused = await fetch(`${server.url}${path}`, preflight("https://evil.example"));
        assert.equal(refused.status, 403, path);
        assert.equal(refused.headers.get("access-control-allow-origin"), null);
        await refused.body?.cancel();
      }
    } finally {
      await close();
    }
  });

  it("sets Access-Control-Allow-Origin on the push, HEAD, the snapshot and the ingest answer", async () => {
    const { hub, server, close } = await corsServer(APP);
    try {
      const headers = { Origin: APP };
      const push = await fetch(`${server.url}stream`, { headers });
      assert.equal(push.headers.get("access-control-allow-origin"), APP);
      assert.match(push.headers.get("vary")!, /Origin/);
      await push.body!.cancel();
      const head = await fetch(`${server.url}stream`, { method: "HEAD", headers });
      assert.equal(head.headers.get("access-control-allow-origin"), APP);
      const snapshot = await fetch(`${server.url}snapshot`, { headers });
      assert.equal(snapshot.headers.get("access-control-allow-origin"), APP);
      assert.equal(await snapshot.text(), "frame");
      const ingest = await fetch(`${server.url}ingest`, {
        method: "POST",
        headers: { ...headers, "content-type": "image/webp" },
        body: new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 "),
      });
      assert.equal(ingest.status, 204);
      assert.equal(ingest.headers.get("access-control-allow-origin"), APP);
      const other = await fetch(`${server.url}snapshot`, {
        headers: { Origin: "https://x.example" },
      });
      assert.equal(other.headers.get("access-control-allow-origin"), null);
      await other.body?.cancel();
      assert.equal(hub.stats().framesPublished, 2);
    } finally {
      await close();
    }
  });

  it("a function; one that throws refuses the origin and never breaks the response", async () => {
    const { server, close } = await corsServer((origin) => {
      if (origin === "https://boom.example") throw new Error("policy bug");
      return origin.endsWith(".example");
    });
    try {
      const ok = await fetch(`${server.url}snapshot`, { headers: { Origin: APP } });
      assert.equal(ok.headers.get("access-control-allow-origin"), APP);
      await ok.body?.cancel();
      const boom = await fetch(`${server.url}snapshot`, {
        headers: { Origin: "https://boom.example" },
      });
      assert.equal(boom.status, 200);
      assert.equal(boom.headers.get("access-control-allow-origin"), null);
      await boom.body?.cancel();
    } finally {
      await close();
    }
  });

  it("without cors, no CORS headers", () => {
    const hub = new PushHub();
    hub.publish(text("x"));
    const request = new Request("http://h/", { headers: { Origin: APP } });
    assert.equal(hub.snapshot({ request }).headers.get("access-control-allow-origin"), null);
    hub.close();
  });

  // corsPolicy's own checks (allowOrigin and the rest) are in tests/access/bearer_cors.test.ts.
  const bad: [string, unknown, RegExp][] = [
    ["an origin string", "*", /got the string "\*"$/],
    ["null", null, /got null$/],
    ["an object without apply", { preflight() {}, headers() {} }, /got an object$/],
  ];
  for (const [what, cors, message] of bad) {
    const rule =
      /^TypeError: options\.cors must be a policy from corsPolicy\(\{ allowOrigin \}\), /;
    it(`refuses cors: ${what}, in the hub and in ingest`, () => {
      for (const check of [rule, message]) {
        assert.throws(() => new PushHub({ cors: cors as never }), check);
        const request = new Request("http://h/", { method: "POST" });
        const hub = new PushHub();
        assert.throws(
          () => ingest(request, hub, { authorize: "anyone", cors: cors as never }),
          check,
        );
      }
    });
  }
});
