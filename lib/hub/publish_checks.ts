/**
 * What `PushHub.publish` refuses beyond a malformed part (which `toWirePart`
 * refuses, header values above U+00FF among it): content that would forge a
 * part for other viewers.
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
import { describeValue } from "../shared/describe.ts";
import { type Part, toWirePart } from "../push/part.ts";
import { type BytesPart, hasBytes } from "./frame.ts";

/** Checks one part before it is published, returning it ready to encode. @throws {RangeError|TypeError} */
export type PublishCheck = (part: unknown) => BytesPart;

/**
 * The checks for a hub whose boundary is `boundary`; messages name the part
 * `where` (`"part"` for `publish()`, `"options.offline"` for the offline picture).
 *
 * @example
 * ```ts ignore
 * const check = publishCheck("b");
 * check({ contentType: "text/plain", body: "--b" });
 * // RangeError: part.body contains "--b", which would end the part early …
 * ```
 */
export function publishCheck(boundary: string, where = "part"): PublishCheck {
  const marker = `--${boundary}`;
  const search = new BoundarySearch(new TextEncoder().encode(marker));
  const forged = (where: string): RangeError =>
    new RangeError(
      `${where} contains "${marker}", the hub's boundary, which every viewer can read from its ` +
        "Content-Type: it would end the part early and forge a part for every other viewer; " +
        "escape or drop such content before publishing",
    );
  return (part) => {
    const wire = toWirePart(part, where);
    if (!hasBytes(wire)) {
      throw new TypeError(
        `${where}.body must be a string, Uint8Array, ArrayBuffer or ArrayBufferView for ` +
          `publish(), got ${
            describeValue((part as Part).body)
          }; read a Blob or ReadableStream into bytes first`,
      );
    }
    for (const line of wire.fields.split("\r\n")) {
      if (line === "") continue;
      const name = line.slice(0, line.indexOf(":"));
      const field = name.toLowerCase() === "content-type"
        ? `${where}.contentType`
        : `${where}.headers ${name}`;
      if (line.includes(marker)) throw forged(field);
    }
    search.reset();
    const found = search.search(wire.bytes, 0);
    search.reset();
    if (found !== -1) throw forged(`${where}.body`);
    return wire;
  };
}
