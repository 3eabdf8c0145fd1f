/**
 * What `PushHub.publish` refuses beyond a malformed part: content that would
 * forge a part for other viewers, and header values no response can carry.
 *
 * A hub's boundary is shown to every viewer in its `Content-Type`, random or
 * not, so anyone whose text reaches `publish()` (a chat line, an HTML
 * fragment) can learn it from their own response. A body or header value
 * holding `--boundary` would then end the part early for every other viewer
 * (browsers split on `--boundary` wherever it appears), so every published
 * frame is scanned in both modes with the decoder's Horspool search (about
 * 0.3 ms per MiB; see bench/hub.bench.ts).
 *
 * @module
 */

import { BoundarySearch } from "../shared/boundary_search.ts";
import { toWirePart } from "../push/part.ts";
import { type BytesPart, hasBytes } from "./frame.ts";

/** Checks one part before it is published, returning it ready to encode. @throws {RangeError|TypeError} */
export type PublishCheck = (part: unknown) => BytesPart;

// Latin-1 is what a header value can hold: `Headers` refuses more, and the bytes go out one per char.
const ABOVE_LATIN1 = /[\u0100-\u{10FFFF}]/u;

/**
 * The checks for a hub whose boundary is `boundary`.
 *
 * @example
 * ```ts ignore
 * const check = publishCheck("b");
 * check({ contentType: "text/plain", body: "--b" });
 * // RangeError: part.body contains "--b", which would end the part early …
 * ```
 */
export function publishCheck(boundary: string): PublishCheck {
  const marker = `--${boundary}`;
  const search = new BoundarySearch(new TextEncoder().encode(marker));
  const forged = (where: string): RangeError =>
    new RangeError(
      `${where} contains "${marker}", the hub's boundary, which every viewer can read from its ` +
        "Content-Type: it would end the part early and forge a part for every other viewer; " +
        "escape or drop such content before publishing",
    );
  return (part) => {
    const where = "part";
    const wire = toWirePart(part, where);
    if (!hasBytes(wire)) {
      throw new TypeError(
        "part.body must be a string, Uint8Array, ArrayBuffer or ArrayBufferView for publish(); " +
          "read a Blob or ReadableStream into bytes first",
      );
    }
    for (const line of wire.fields.split("\r\n")) {
      if (line === "") continue;
      const name = line.slice(0, line.indexOf(":"));
      const field = name.toLowerCase() === "content-type"
        ? `${where}.contentType`
        : `${where}.headers ${name}`;
      const wide = ABOVE_LATIN1.exec(line);
      if (wide) {
        const code = wide[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
        throw new TypeError(
          `${field} has a character above U+00FF (U+${code}, ${JSON.stringify(wide[0])}): ` +
            "a header value must be Latin-1 (RFC 9110); percent-encode it (RFC 8187)",
        );
      }
      if (line.includes(marker)) throw forged(field);
    }
    search.reset();
    const found = search.search(wire.bytes, 0);
    search.reset();
    if (found !== -1) throw forged(`${where}.body`);
    return wire;
  };
}
