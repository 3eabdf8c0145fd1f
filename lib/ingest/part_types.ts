/**
 * Which media types a part of a multipart upload may have. By default only
 * raster images: a publisher's part typed `text/html` or `image/svg+xml`
 * would otherwise be served by the hub in the viewers' origin, where a
 * browser opening it runs its script. `allowTypes` adds types on purpose.
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";

/** The raster image types browsers show in an `<img>`; none of them can hold script. */
export const RASTER_TYPES: readonly string[] = Object.freeze([
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/gif",
  "image/avif",
  "image/bmp",
]);

/** `type/subtype` as RFC 9110 §8.3.1 spells a media type (token characters), no parameters. */
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The accepted types: the raster ones and `allowTypes`, lowercased.
 *
 * @example
 * ```ts
 * import { checkAllowTypes } from "./part_types.ts";
 *
 * checkAllowTypes(["Image/SVG+XML"]).has("image/svg+xml"); // true
 * ```
 * @throws {TypeError} unless `allowTypes` is undefined or an array of media types without parameters.
 */
export function checkAllowTypes(allowTypes: unknown): ReadonlySet<string> {
  if (allowTypes === undefined) return new Set(RASTER_TYPES);
  if (!Array.isArray(allowTypes)) {
    throw new TypeError(
      `options.allowTypes must be an array of media types, got ${describe(allowTypes)}`,
    );
  }
  const types = new Set(RASTER_TYPES);
  allowTypes.forEach((type: unknown, i) => {
    if (typeof type !== "string" || !MEDIA_TYPE.test(type)) {
      throw new TypeError(
        `options.allowTypes[${i}] must be a media type such as "image/svg+xml" ` +
          `(type/subtype, no parameters), got ${describe(type)}`,
      );
    }
    types.add(type.toLowerCase());
  });
  return types;
}
