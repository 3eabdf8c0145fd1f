/**
 * The check every runtime example (examples/deno.ts, bun.ts, node.ts, hono.ts, worker.ts) gets:
 * its page on `/` shows `/clock`, and `/clock` pushes SVG clock faces, read with fetch and the
 * decoder. A replace push read to its end ends with its last part repeated (issue 19), so three
 * faces arrive as four, the fourth the third again.
 */
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";

/** Reads the clock push at `base` and checks its pictures. */
export async function checkClock(base: string): Promise<void> {
  const page = await fetch(new URL("/", base));
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<img src="\/clock"/);
  const response = await fetch(new URL("/clock?count=3&ms=20", base));
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^multipart\/x-mixed-replace;boundary=/);
  const faces: string[] = [];
  for await (const part of parseParts(response)) {
    assert.equal(part.contentType, "image/svg+xml");
    faces.push(part.text());
  }
  assert.equal(faces.length, 4);
  assert.equal(faces[3], faces[2], "the last face repeated at the end");
  faces.slice(0, 3).forEach((svg, i) => {
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, new RegExp(`\\d\\d:\\d\\d:\\d\\d UTC #${i + 1}<`));
  });
}
