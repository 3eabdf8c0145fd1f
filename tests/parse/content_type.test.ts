import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { boundaryFromContentType } from "../../lib/parse/content_type_boundary.ts";

const table: [string | null | undefined, string | null][] = [
  ["multipart/x-mixed-replace;boundary=ThisRandomString", "ThisRandomString"],
  ["multipart/x-mixed-replace; boundary=NEXT", "NEXT"],
  ['multipart/mixed; boundary="-"; deferSpec=20220824', "-"],
  ['multipart/mixed;boundary="graphql";subscriptionSpec="1.0"', "graphql"],
  ["multipart/x-mixed-replace;boundary=--myboundary", "--myboundary"],
  ["multipart/x-mixed-replace;boundary=---ThisRandomString---", "---ThisRandomString---"],
  ["Multipart/Mixed; BOUNDARY=Abc", "Abc"],
  ["multipart/mixed; charset=utf-8; Boundary = spaced ; x=y", "spaced"],
  ['multipart/mixed; boundary="with space and \\"quote\\""', 'with space and "quote"'],
  ['multipart/mixed; name="a;boundary=fake"; boundary=real', "real"],
  ["multipart/mixed; boundary=", null],
  ['multipart/mixed; boundary=""', null],
  ["multipart/mixed", null],
  ["text/html; charset=utf-8", null],
  ["", null],
  [null, null],
  [undefined, null],
];

describe("boundaryFromContentType", () => {
  for (const [header, boundary] of table) {
    it(`${JSON.stringify(header)} -> ${JSON.stringify(boundary)}`, () => {
      assert.equal(boundaryFromContentType(header), boundary);
    });
  }
});
