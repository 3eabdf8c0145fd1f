/**
 * The Web Crypto pieces the access checks share: an HMAC-SHA-256 key from a
 * secret (imported once per secret string), a constant-time comparison, and
 * base64url.
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";

/** A secret for HMAC-SHA-256: text (UTF-8), raw bytes, or an HMAC `CryptoKey`. */
export type Secret = string | Uint8Array | CryptoKey;

const MIN_SECRET_BYTES = 16;
const encoder = new TextEncoder();
// importKey costs more than the HMAC itself; a server has one or two secrets.
const keys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 16;

/**
 * The HMAC-SHA-256 key for `secret`, checked at once.
 *
 * @example
 * ```ts
 * import { base64url, hmac, hmacKey } from "./hmac.ts";
 *
 * const key = await hmacKey("a secret of 16+ bytes", "secret");
 * base64url(await hmac(key, "text")); // 43 characters
 * ```
 *
 * @throws {TypeError} on a secret of another type. {RangeError} on one shorter than 16 bytes
 * (a short secret can be guessed offline from one signed URL).
 */
export function hmacKey(secret: unknown, name: string): Promise<CryptoKey> {
  if (typeof CryptoKey !== "undefined" && secret instanceof CryptoKey) {
    const algorithm = secret.algorithm as { name: string; hash?: { name: string } };
    if (algorithm.name !== "HMAC" || algorithm.hash?.name !== "SHA-256") {
      throw new TypeError(`${name} must be an HMAC SHA-256 CryptoKey, got a ${algorithm.name} key`);
    }
    return Promise.resolve(secret);
  }
  const cached = typeof secret === "string" ? keys.get(secret) : undefined;
  if (cached !== undefined) return cached;
  const bytes = typeof secret === "string" ? encoder.encode(secret) : secret;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `${name} must be a string, Uint8Array or CryptoKey, got ${describe(secret)}`,
    );
  }
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new RangeError(
      `${name} must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.byteLength}`,
    );
  }
  if (typeof secret !== "string") return importKey(bytes);
  if (keys.size >= MAX_CACHED_KEYS) keys.delete(keys.keys().next().value!);
  const key = importKey(bytes);
  keys.set(secret, key);
  return key;
}

function importKey(bytes: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    bytes.slice(),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

/**
 * HMAC-SHA-256 of `text` under `key`.
 *
 * @example
 * ```ts ignore
 * const mac = await hmac(await hmacKey(secret, "secret"), "GET /cam?exp=1700000000");
 * ```
 */
export async function hmac(key: CryptoKey, text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

/**
 * Whether two byte arrays are equal, in time that depends only on their lengths (callers
 * compare digests of a fixed length, so nothing about the contents leaks).
 *
 * @example
 * ```ts ignore
 * sameBytes(await sha256(given), await sha256(token)); // true when the tokens match
 * ```
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * SHA-256 of a string's UTF-8 bytes.
 *
 * @example
 * ```ts ignore
 * (await sha256("token")).byteLength; // 32
 * ```
 */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * base64url without padding (RFC 4648 §5), as signed URLs carry it.
 *
 * @example
 * ```ts ignore
 * base64url(new Uint8Array([0xfb, 0xff])); // "-_8"
 * ```
 */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * The bytes of an unpadded base64url string, or null when it is not one or
 * not the canonical spelling (unused trailing bits set).
 *
 * @example
 * ```ts ignore
 * fromBase64url("-_8"); // Uint8Array [0xfb, 0xff]
 * fromBase64url("a+b"); // null
 * fromBase64url("-_9"); // null: the same bytes as "-_8", spelled with a stray bit
 * ```
 */
export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  // atob ignores the unused low bits of the last character, so several strings decode to the
  // same bytes: only the one base64url(bytes) writes is accepted (one spelling per signature).
  return base64url(bytes) === text ? bytes : null;
}
