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

import { describeValue } from "../shared/describe.ts";
import { boundaryGuard } from "../push/boundary_guard.ts";
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
 * // RangeError: part.body contains "--b", the hub's boundary, …
 * ```
 */
export function publishCheck(boundary: string, where = "part"): PublishCheck {
  // The encoder's guard, with the hub's reason: even a random boundary is public here.
  const guard = boundaryGuard(boundary, (field, name) =>
    new RangeError(
      `${name === undefined || name === "Content-Type" ? field : `${field} ${name}`} contains ` +
        `"--${boundary}", the hub's boundary, which every viewer can read from its ` +
        "Content-Type: it would end the part early and forge a part for every other viewer; " +
        "escape or drop such content before publishing",
    ));
  return (part) => {
    const wire = toWirePart(part, where, guard);
    if (!hasBytes(wire)) {
      throw new TypeError(
        `${where}.body must be a string, Uint8Array, ArrayBuffer or ArrayBufferView for ` +
          `publish(), got ${describeValue((part as Part).body)}; read a Blob or ReadableStream ` +
          "into bytes first",
      );
    }
    guard.checkBody(wire.bytes, `${where}.body`);
    return wire;
  };
}
