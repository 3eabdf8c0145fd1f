// bearerToken, corsPolicy and the mjpg-streamer routes: answers, headers and bad input.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bearerToken } from "../../lib/access/bearer_token.ts";
import { corsPolicy } from "../../lib/access/cors.ts";
import { mjpgStreamerRoutes } from "../../lib/compat/mjpg_streamer.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { runtime } from "../_helpers/runtime.ts";

const TOKEN = "camera-token-0123456789";
const request = (headers: HeadersInit = {}, method = "GET", url = "http://cam/x"): Request =>
  new Request(url, { method, headers });

function throwsLike(call: () => unknown, type: ErrorConstructor, message: RegExp): void {
  assert.throws(call, (error: Error) => {
    assert.ok(error instanceof type, `${error.name}: ${error.message}`);
    assert.match(error.message, message);
    return true;
  });
}

describe(`bearerToken (${runtime})`, () => {
  const check = bearerToken(TOKEN);
  it("lets the right token in; no, another kind of, or a wrong token get 401", async () => {
    assert.equal(await check(request({ authorization: `Bearer ${TOKEN}` })), true);
    assert.equal(await check(request({ authorization: `bearer  ${TOKEN} ` })), true);
    const table: [HeadersInit, RegExp][] = [
      [{}, /^Bearer realm="multipart-push"$/],
      [{ authorization: `Basic ${btoa("a:b")}` }, /^Bearer realm="multipart-push"$/],
      [{ authorization: "Bearer" }, /^Bearer realm="multipart-push"$/],
      [{ authorization: `Bearer ${TOKEN}x` }, /error="invalid_token"/],
      [{ authorization: `Bearer ${TOKEN.slice(1)}` }, /error="invalid_token"/],
      // Prefixes of the token: the whole token is compared.
      [{ authorization: `Bearer ${TOKEN.slice(0, -1)}` }, /error="invalid_token"/],
      [{ authorization: `Bearer ${TOKEN.slice(0, 1)}` }, /error="invalid_token"/],
      [{ authorization: `Bearer ${TOKEN} extra` }, /^Bearer realm="multipart-push"$/],
    ];
    for (const [headers, challenge] of table) {
      const answer = await check(request(headers));
      assert.ok(answer instanceof Response, JSON.stringify(headers));
      assert.equal(answer.status, 401);
      assert.match(answer.headers.get("www-authenticate")!, challenge);
      assert.equal(answer.headers.get("cache-control"), "no-store");
    }
  });

  it("bad tokens throw without echoing them", async () => {
    throwsLike(
      () => bearerToken(123 as never),
      TypeError,
      /^token must be a string, got 123/,
    );
    throwsLike(
      () => bearerToken("short"),
      RangeError,
      /^token must be at least 16 characters .*got a string of 5 characters \(not shown/,
    );
    throwsLike(() => bearerToken("has spaces in it, 12345"), RangeError, /with others \(not shown/);
    // The edge: 15 characters are too few, 16 enough.
    throwsLike(() => bearerToken("a".repeat(15)), RangeError, /got a string of 15 characters/);
    assert.equal(typeof bearerToken("a".repeat(16)), "function");
    await assert.rejects(
      async () => await check("x" as never),
      /^TypeError: request must be a Request, got the string "x"/,
    );
  });
});

describe(`corsPolicy (${runtime})`, () => {
  const preflight = (origin: string): Request =>
    request({ origin, "access-control-request-method": "POST" }, "OPTIONS");

  it("a listed origin gets its preflight and Access-Control-Allow-Origin; others do not", () => {
    const cors = corsPolicy({ allowOrigin: ["https://app.example", "http://localhost:3000"] });
    const ok = cors.preflight(preflight("https://APP.example"))!;
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("access-control-allow-origin"), "https://APP.example");
    assert.equal(ok.headers.get("access-control-allow-methods"), "GET, HEAD, POST");
    assert.equal(ok.headers.get("access-control-allow-headers"), "Authorization, Content-Type");
    assert.equal(ok.headers.get("access-control-max-age"), "600");
    assert.match(ok.headers.get("vary")!, /^Origin, Access-Control-Request-Method/);
    // A listed origin's name as a prefix of another origin is another origin.
    for (
      const other of [
        "https://evil.example",
        "https://app.example.evil.net",
        "http://localhost:30000",
      ]
    ) {
      const no = cors.preflight(preflight(other))!;
      assert.equal(no.status, 403, other);
      assert.equal(no.headers.get("access-control-allow-origin"), null, other);
      assert.equal(
        cors.headers(request({ origin: other })).get("access-control-allow-origin"),
        null,
      );
    }
    // The allowed headers are the policy's, whatever the preflight asks for.
    const asking = cors.preflight(
      request({
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-admin, cookie",
      }, "OPTIONS"),
    )!;
    assert.equal(asking.status, 204);
    assert.equal(asking.headers.get("access-control-allow-headers"), "Authorization, Content-Type");
    assert.equal(cors.preflight(request({ origin: "https://app.example" }, "OPTIONS")), null);
    assert.equal(cors.preflight(request({ origin: "https://app.example" })), null);
    const headers = cors.headers(request({ origin: "http://localhost:3000" }));
    assert.equal(headers.get("access-control-allow-origin"), "http://localhost:3000");
    assert.equal(headers.get("vary"), "Origin");
    assert.equal(cors.headers(request()).get("access-control-allow-origin"), null);
    assert.equal(cors.headers(request()).get("vary"), "Origin");
  });

  it('"*" allows everyone without Vary; a function decides per request and may throw', () => {
    const any = corsPolicy({ allowOrigin: "*" });
    assert.equal(any.headers(request()).get("access-control-allow-origin"), "*");
    assert.equal(any.headers(request()).get("vary"), null);
    const fn = corsPolicy({
      allowOrigin: (origin) => {
        if (origin === "https://boom.example") throw new Error("boom");
        return origin.endsWith(".trusted.example");
      },
      allowMethods: ["GET"],
      allowHeaders: [],
      maxAge: 0,
    });
    assert.equal(
      fn.preflight(preflight("https://a.trusted.example"))!.headers.get(
        "access-control-allow-methods",
      ),
      "GET",
    );
    assert.equal(fn.preflight(preflight("https://boom.example"))!.status, 403);
    assert.equal(fn.preflight(preflight("https://other.example"))!.status, 403);
  });

  it("apply() adds the headers to a hub's push and snapshot, and copies an immutable response", async () => {
    const cors = corsPolicy({ allowOrigin: "https://app.example" });
    const viewer = request({ origin: "https://app.example" });
    const hub = new PushHub();
    hub.publish({ contentType: "text/plain", body: "frame" });
    const push = cors.apply(viewer, hub.response(viewer));
    assert.equal(push.headers.get("access-control-allow-origin"), "https://app.example");
    const snapshot = cors.apply(viewer, hub.snapshot());
    assert.equal(snapshot.headers.get("access-control-allow-origin"), "https://app.example");
    assert.equal(await snapshot.text(), "frame");
    hub.close();
    await push.body!.cancel();
    // A response's own Vary is kept; Origin is added to it.
    const varied = cors.apply(viewer, new Response("x", { headers: { vary: "Accept-Encoding" } }));
    assert.equal(varied.headers.get("vary"), "Accept-Encoding, Origin");
    const frozen = Response.redirect("http://cam/elsewhere", 302);
    const copied = cors.apply(viewer, frozen);
    assert.equal(copied.headers.get("access-control-allow-origin"), "https://app.example");
    assert.equal(copied.headers.get("location"), "http://cam/elsewhere");
  });

  it("bad options throw, naming the option and what was given", () => {
    throwsLike(
      () => corsPolicy(undefined as never),
      TypeError,
      /^options must be an object, got undefined/,
    );
    throwsLike(
      () => corsPolicy({ allowOrigin: 5 as never }),
      TypeError,
      /^options.allowOrigin must be .*got 5/,
    );
    throwsLike(() => corsPolicy({ allowOrigin: [] }), TypeError, /got an array/);
    throwsLike(
      () => corsPolicy({ allowOrigin: "https://a.example/path" }),
      RangeError,
      /no path\), or be "\*" alone, got the string "https:\/\/a.example\/path"/,
    );
    throwsLike(
      () => corsPolicy({ allowOrigin: ["*", "https://a.example"] }),
      RangeError,
      /got the string "\*"/,
    );
    throwsLike(
      () => corsPolicy({ allowOrigin: "*", allowMethods: ["GET POST"] }),
      TypeError,
      /^options.allowMethods must be an array of header-name tokens/,
    );
    throwsLike(
      () => corsPolicy({ allowOrigin: "*", allowHeaders: "X" as never }),
      TypeError,
      /^options.allowHeaders .*got the string "X"/,
    );
    throwsLike(
      () => corsPolicy({ allowOrigin: "*", maxAge: -1 }),
      RangeError,
      /^options.maxAge must be a whole number of seconds >= 0, got -1/,
    );
    throwsLike(
      () => corsPolicy({ allowOrigin: "*", maxAge: "60" as never }),
      TypeError,
      /^options.maxAge must be a number of seconds, got the string "60"/,
    );
    throwsLike(
      () => corsPolicy({ allowOrigin: "*" }).apply(request(), "x" as never),
      TypeError,
      /^response must be a Response, got the string "x"/,
    );
  });
});

describe(`mjpgStreamerRoutes (${runtime})`, () => {
  it("?action=stream is the push, ?action=snapshot the latest frame, anything else null", async () => {
    const hub = new PushHub();
    const route = mjpgStreamerRoutes(hub);
    assert.equal(route(request({}, "GET", "http://pi:8080/?action=snapshot"))!.status, 503);
    hub.publish({ contentType: "image/jpeg", body: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) });
    const still = route(request({}, "GET", "http://pi:8080/webcam/?action=snapshot"))!;
    assert.equal(still.headers.get("content-type"), "image/jpeg");
    assert.deepEqual([...new Uint8Array(await still.arrayBuffer())], [0xff, 0xd8, 0xff, 0xd9]);
    const stream = route(request({}, "GET", "http://pi:8080/?action=stream"))!;
    assert.match(stream.headers.get("content-type")!, /^multipart\/x-mixed-replace;boundary=/);
    const parts = parseParts(stream);
    assert.equal((await parts.next()).value!.body.byteLength, 4);
    await parts.return!();
    // HEAD is answered like GET; the viewer's own request reaches the hub (its User-Agent here).
    const head = route(request({}, "HEAD", "http://pi:8080/?action=stream"))!;
    assert.match(head.headers.get("content-type")!, /^multipart\/x-mixed-replace;boundary=/);
    await head.body?.cancel();
    const named = route(
      request({ "user-agent": "mjpg-client/1" }, "GET", "http://pi:8080/?action=stream"),
    )!;
    assert.deepEqual(hub.stats().viewers.map((v) => v.userAgent), ["mjpg-client/1"]);
    await named.body!.cancel();
    assert.equal(route(request({}, "GET", "http://pi:8080/?action=other")), null);
    assert.equal(route(request({}, "GET", "http://pi:8080/")), null);
    assert.equal(route(request({}, "POST", "http://pi:8080/?action=stream")), null);
    hub.close();
    throwsLike(
      () => mjpgStreamerRoutes({} as never),
      TypeError,
      /^hub must have response\(request\) and snapshot\(\) methods .*got an object/,
    );
    throwsLike(
      () => route("x" as never),
      TypeError,
      /^request must be a Request, got the string "x"/,
    );
  });
});
