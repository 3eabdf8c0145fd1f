/**
 * The media type of a `Content-Type` value (RFC 9110 §8.3.1): `type/subtype`,
 * case-insensitive, parameters apart. Every check of "is this part a JPEG" or
 * "is this type allowed" compares this, so a parameter or a capital letter
 * cannot make two checks of one part disagree.
 *
 * @module
 */

/**
 * The media type of a `Content-Type` value, lowercased, without parameters.
 *
 * @example
 * ```ts
 * import { mediaTypeOf } from "./media_type.ts";
 *
 * mediaTypeOf("Image/JPEG; q=1"); // "image/jpeg"
 * ```
 */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(";")[0].trim().toLowerCase();
}
