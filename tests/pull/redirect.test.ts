// Issue 10, item 2: a URL without a scheme never leaves the page's origin. Scheme-relative and
// backslash forms ("//evil.example/x", "/\\evil.example/") name another host, so they are treated
// as absolute: refused without a base, checked against the base's origin with one. A full URL
// with its scheme is how a caller sends clients to another origin.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { refreshHeader, refreshMetaTag, refreshResponse } from "../../lib/pull/refresh.ts";

// The host is named where the runtime's URL parser resolves the form ("///host" it may not).
const ANOTHER_HOST =
  /^url .* leads to another origin( \(evil\.example\))?: a URL without a scheme must stay on /;

describe("client pull and other origins (issue 10, item 2)", () => {
  const forms = [
    "//evil.example/x",
    "/\\evil.example/",
    "\\\\evil.example/x",
    "\\/evil.example",
    " //evil.example/x",
    "///evil.example/x",
  ];

  for (const url of forms) {
    it(`refuses ${JSON.stringify(url)} without a base`, () => {
      assert.throws(
        () => refreshHeader(1, url),
        (error: Error) => error instanceof TypeError && ANOTHER_HOST.test(error.message),
      );
      assert.throws(() => refreshMetaTag(1, url), TypeError);
      assert.throws(() => refreshResponse(null, { seconds: 1, url }), TypeError);
    });

    it(`refuses ${JSON.stringify(url)} against a base on another origin`, () => {
      assert.throws(
        () => refreshHeader(1, url, "https://example.com/jobs/1"),
        (error: Error) =>
          error instanceof TypeError && ANOTHER_HOST.test(error.message) &&
          error.message.includes("https://example.com"),
      );
    });
  }

  it("keeps a scheme-relative URL that stays on the base's origin", () => {
    assert.equal(
      refreshHeader(1, "//example.com/next", "https://example.com/jobs/1"),
      "1; url=https://example.com/next",
    );
    assert.equal(
      refreshHeader(1, "/\\example.com/next", "https://example.com/jobs/1"),
      "1; url=https://example.com/next",
    );
  });

  it("still takes relative paths, and full URLs to another origin (the documented way)", () => {
    assert.equal(refreshHeader(1, "/next"), "1; url=/next");
    assert.equal(refreshHeader(1, "next/step"), "1; url=next/step");
    assert.equal(refreshHeader(1, "https://other.example/x"), "1; url=https://other.example/x");
    assert.equal(
      refreshHeader(1, "https://other.example/x", "https://example.com/"),
      "1; url=https://other.example/x",
    );
  });

  it("writes an absolute URL as itself, not resolved against the stand-in page", () => {
    // "http:host" is relative to an http: base in WHATWG URL parsing; alone it names the host.
    assert.equal(refreshHeader(1, "http:other.example/x"), "1; url=http://other.example/x");
  });
});
