// Client pull: Refresh header, refreshing responses and the <meta> tag.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { refreshHeader, refreshMetaTag, refreshResponse } from "../../lib/pull/refresh.ts";

describe("refreshHeader", () => {
  it("writes the delay, and the URL resolved against a base", () => {
    assert.equal(refreshHeader(5), "5");
    assert.equal(refreshHeader(0, "https://example.com/next"), "0; url=https://example.com/next");
    assert.equal(
      refreshHeader(5, "/next", "https://example.com/jobs/1"),
      "5; url=https://example.com/next",
    );
    assert.equal(
      refreshHeader(2, "next?a=1", new URL("http://h/x/")),
      "2; url=http://h/x/next?a=1",
    );
    assert.equal(refreshHeader(1, new URL("https://e.com/a b")), "1; url=https://e.com/a%20b");
  });

  it("keeps a relative URL as given when there is no base", () => {
    assert.equal(refreshHeader(3, "/jobs/7/result"), "3; url=/jobs/7/result");
    // "//host/x" names another host: refused since issue 10 (tests/pull/redirect.test.ts).
  });

  it("percent-encodes a relative URL's non-ASCII characters, so the value is a valid header", () => {
    const value = refreshHeader(1, "/résultats/日本?q=a b");
    assert.equal(value, "1; url=/r%C3%A9sultats/%E6%97%A5%E6%9C%AC?q=a%20b");
    assert.equal(new Headers({ Refresh: value }).get("refresh"), value);
    assert.equal(
      refreshResponse("wait", { seconds: 1, url: "/jobs/日本" }).headers.get("refresh"),
      "1; url=/jobs/%E6%97%A5%E6%9C%AC",
    );
    assert.throws(
      () => refreshHeader(1, "/x\uD800"),
      (e: Error) => e instanceof TypeError && /well-formed/.test(e.message),
    );
  });

  it("writes whole seconds (what browsers honour) for any non-negative finite number", () => {
    assert.equal(refreshHeader(1.9), "1");
    assert.equal(refreshHeader(1e21), "1000000000000000000000");
  });

  it("refuses bad seconds with a RangeError naming seconds", () => {
    for (const bad of [-1, NaN, Infinity, "5" as unknown as number]) {
      assert.throws(() => refreshHeader(bad), (e: unknown) => {
        return e instanceof RangeError &&
          /seconds must be a non-negative finite number/.test(e.message);
      });
    }
  });

  it("refuses CR/LF, other schemes, quotes and bad bases with a TypeError", () => {
    const bad: [string, string?][] = [
      ["/next\r\nSet-Cookie: a=b"],
      ["/next\n"],
      ["javascript:alert(1)"],
      [" javascript:alert(1)"],
      ["data:text/html,hi"],
      ["ftp://example.com/"],
      ["'/next'"],
      ['"/next"'],
      [' "/next"'],
      ["/next", "javascript:x"],
      ["/next", "relative/base"],
      ["/next", "https://e.com/\r\n"],
    ];
    for (const [url, base] of bad) {
      assert.throws(() => refreshHeader(1, url, base), TypeError, JSON.stringify([url, base]));
    }
    assert.throws(() => refreshHeader(1, 42 as unknown as string), /url must be a string or URL/);
  });
});

describe("refreshResponse", () => {
  it("sets Refresh and no-store, keeps the caller's status and headers", async () => {
    const response = refreshResponse("<p>wait</p>", {
      seconds: 2,
      url: "/done",
      base: "http://h/a",
    }, {
      status: 202,
      headers: { "Content-Type": "text/html", Refresh: "99" },
    });
    assert.equal(response.status, 202);
    assert.equal(response.headers.get("refresh"), "2; url=http://h/done");
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(response.headers.get("content-type"), "text/html");
    assert.equal(await response.text(), "<p>wait</p>");
    const cached = refreshResponse(null, { seconds: 1 }, {
      headers: { "Cache-Control": "max-age=1" },
    });
    assert.equal(cached.headers.get("cache-control"), "max-age=1");
  });

  it("checks its options", () => {
    assert.throws(() => refreshResponse("", null as never), /options must be an object/);
    assert.throws(() => refreshResponse("", { seconds: -1 }), RangeError);
  });
});

describe("refreshMetaTag", () => {
  it("HTML-escapes the content", () => {
    assert.equal(refreshMetaTag(1), '<meta http-equiv="refresh" content="1">');
    assert.equal(
      refreshMetaTag(1, '/done?a=1&b="x"<y>'),
      '<meta http-equiv="refresh" content="1; url=/done?a=1&amp;b=&quot;x&quot;&lt;y&gt;">',
    );
    assert.equal(
      refreshMetaTag(0, "/r?q='x'", "https://e.com/"),
      `<meta http-equiv="refresh" content="0; url=https://e.com/r?q=%27x%27">`,
    );
  });
});
