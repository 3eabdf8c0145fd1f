import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/response.ts";
import { createBoundary } from "../../lib/shared/boundary.ts";
import { readText } from "../_helpers/streams.ts";

describe("pushResponse headers", () => {
  it("sets Content-Type without a space before boundary, no-cache and X-Accel-Buffering: no", () => {
    const response = pushResponse([], { boundary: "frame" });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "multipart/x-mixed-replace;boundary=frame");
    assert.equal(
      response.headers.get("cache-control"),
      "no-cache, no-store, must-revalidate, no-transform",
    );
    assert.equal(response.headers.get("x-accel-buffering"), "no");
  });

  it("sets X-Content-Type-Options: nosniff on every push and snapshot response", async () => {
    const { PushHub } = await import("../../lib/hub/push_hub.ts");
    const hub = new PushHub();
    hub.publish({ contentType: "image/jpeg", body: "x" });
    const img = new Request("http://h/", { headers: { "Sec-Fetch-Dest": "image" } });
    const fetchReader = new Request("http://h/", { headers: { Accept: "multipart/mixed" } });
    for (
      const response of [
        pushResponse([]),
        pushResponse([], { request: fetchReader }),
        pushResponse([], { mode: "mixed" }),
        hub.response(),
        hub.response(img),
        hub.response(fetchReader),
        hub.snapshot(),
      ]
    ) {
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
      await response.body?.cancel();
    }
    hub.close();
  });

  it("keeps nosniff and the CSP sandbox over a caller's own headers (a hub answer cannot be loosened)", async () => {
    const { PushHub } = await import("../../lib/hub/push_hub.ts");
    const hub = new PushHub();
    hub.publish({ contentType: "image/jpeg", body: "x" });
    const headers = { "Content-Security-Policy": "default-src *", "X-Content-Type-Options": "x" };
    for (const response of [hub.response(undefined, { headers }), hub.snapshot({ headers })]) {
      assert.equal(response.headers.get("content-security-policy"), "sandbox");
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
      await response.body?.cancel();
    }
    hub.close();
  });

  it("never sets Transfer-Encoding, Connection or Content-Length itself", () => {
    const response = pushResponse([]);
    for (const name of ["transfer-encoding", "connection", "content-length"]) {
      assert.equal(response.headers.get(name), null, name);
    }
  });

  it("uses multipart/mixed in mixed mode", () => {
    assert.equal(
      pushResponse([], { boundary: "-", mode: "mixed" }).headers.get("content-type"),
      "multipart/mixed;boundary=-",
    );
  });

  it("quotes a boundary that is not a token", () => {
    const type = pushResponse([], { boundary: "a b:c" }).headers.get("content-type");
    assert.equal(type, 'multipart/x-mixed-replace;boundary="a b:c"');
  });

  it("takes status and extra headers, which may replace Cache-Control", async () => {
    const response = pushResponse([{ contentType: "text/plain", body: "x" }], {
      status: 207,
      headers: { "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store" },
    });
    assert.equal(response.status, 207);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.match(await readText(response.body!), /Content-Length: 1\r\n\r\nx/);
  });

  it("writes the boundary of its Content-Type header in the body", async () => {
    const response = pushResponse([{ contentType: "text/plain", body: "x" }]);
    const boundary = response.headers.get("content-type")!.split("boundary=")[1];
    assert.match(boundary, /^[0-9a-f]{32}$/);
    // After the 512-byte preamble of browser framing (no request): WebKit's sniffer (framing.ts).
    assert.ok(
      (await readText(response.body!)).startsWith(`${" ".repeat(510)}\r\n--${boundary}\r\n`),
    );
  });
});

describe("createBoundary", () => {
  it("gives 32 hex characters (128 random bits), different each time", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const boundary = createBoundary();
      assert.match(boundary, /^[0-9a-f]{32}$/);
      seen.add(boundary);
    }
    assert.equal(seen.size, 1000);
  });
});
