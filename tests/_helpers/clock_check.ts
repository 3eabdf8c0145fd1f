/**
 * The check every runtime example (examples/deno.ts, bun.ts, node.ts, hono.ts, worker.ts) gets:
 * its page on `/` shows `/clock`, and `/clock` pushes SVG clock faces, read with fetch and the
 * decoder, to its end: three faces, then the third again (tests/_helpers/repeated_last.ts).
 */
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { ReceivedPart } from "../../lib/parse/received_part.ts";
import { withoutRepeat } from "./repeated_last.ts";

/** Reads the clock push at `base` and checks its pictures. */
export async function checkClock(base: string): Promise<void> {
  const page = await fetch(new URL("/", base));
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<img src="\/clock"/);
  const response = await fetch(new URL("/clock?count=3&ms=20", base));
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^multipart\/x-mixed-replace;boundary=/);
  const received: ReceivedPart[] = [];
  for await (const part of parseParts(response)) {
    assert.equal(part.contentType, "image/svg+xml");
    received.push(part);
  }
  const faces = withoutRepeat(received).map((part) => part.text());
  assert.equal(faces.length, 3);
  faces.forEach((svg, i) => {
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, new RegExp(`\\d\\d:\\d\\d:\\d\\d UTC #${i + 1}<`));
  });
}
