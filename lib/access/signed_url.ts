/**
 * Signed, expiring URLs for viewers: an `<img>` cannot send an `Authorization`
 * header, so the page that embeds it (behind the app's own login) writes a
 * `src` carrying its own proof, checked with HMAC-SHA-256 (Web Crypto).
 *
 * The signature covers the path and every query parameter, in their order,
 * with `exp` (expiry, Unix seconds) among them:
 *
 *     HMAC-SHA-256(secret, "multipart-push signed URL v1\n" + pathname + "\n" + query)
 *
 * where `query` is the URL's parameters without `sig`, serialized by
 * `URLSearchParams`, and `sig` is the MAC in unpadded base64url (exactly the
 * spelling `signUrl` writes). Scheme, host, port and fragment are not
 * covered, so one URL works behind any proxy name; nor is one numeric
 * `reload` parameter, the cache buster `watchImage` adds when it reloads a
 * stalled `<img>` (lib/shared/reload_param.ts), so a watched signed `<img>`
 * heals.
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";
import { base64url, fromBase64url, hmac, hmacKey, sameBytes, type Secret } from "./hmac.ts";
import { dropReloadMark, RELOAD_PARAM } from "../shared/reload_param.ts";

/** Options for {@linkcode signUrl}. */
export interface SignUrlOptions {
  /**
   * Seconds the URL stays valid. It is checked when a request arrives: a push
   * that started in time keeps running after it.
   * @default 300
   */
  expiresIn?: number;
  /**
   * The clock, in milliseconds since 1970 (for tests).
   * @default Date.now()
   */
  now?: number;
}

/** Options for {@linkcode verifySignedUrl}. */
export interface VerifySignedUrlOptions {
  /**
   * The clock, in milliseconds since 1970 (for tests).
   * @default Date.now()
   */
  now?: number;
}

const CONTEXT = "multipart-push signed URL v1";
const RELATIVE_BASE = "http://relative.invalid";

function payload(url: URL): string {
  const params = dropReloadMark(new URLSearchParams(url.search));
  params.delete("sig");
  return `${CONTEXT}\n${url.pathname}\n${params}`;
}

function clock(value: unknown, name: string): number {
  if (value === undefined) return Date.now();
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite number of milliseconds, got ${describe(value)}`);
  }
  return value;
}

/**
 * Adds `exp` and `sig` to `url`. A path-only URL (`"/cam?x=1"`) gives a
 * path-only URL back, ready for an `<img src>`.
 *
 * @example
 * ```ts
 * import { signUrl } from "multipart-push";
 *
 * const secret = "a long random server-side secret";
 * const src = await signUrl("/stream?cam=2", secret, { expiresIn: 600 });
 * // "/stream?cam=2&exp=1764321234&sig=3q2-…"
 * ```
 * @param url An absolute URL, or a path starting with `/`.
 * @param secret At least 16 bytes (a string is read as UTF-8), or an HMAC SHA-256 `CryptoKey`.
 * @param options See {@linkcode SignUrlOptions}.
 * @returns The signed URL.
 * @throws {TypeError|RangeError} on a bad URL, secret or option, or a URL that already has
 * `exp`, `sig` or `reload`.
 */
export async function signUrl(
  url: string | URL,
  secret: Secret,
  options?: SignUrlOptions,
): Promise<string> {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const expiresIn = options?.expiresIn ?? 300;
  if (typeof expiresIn !== "number" || !Number.isSafeInteger(expiresIn) || expiresIn < 1) {
    throw new RangeError(
      `options.expiresIn must be a whole number of seconds >= 1, got ${describe(expiresIn)}`,
    );
  }
  const now = clock(options?.now, "options.now");
  const { target, relative } = parseUrl(url);
  for (const name of ["exp", "sig", RELOAD_PARAM]) {
    if (target.searchParams.has(name)) {
      const why = name === RELOAD_PARAM
        ? "watchImage's cache buster, not signed"
        : "signUrl adds it";
      throw new RangeError(
        `url must not have an "${name}" parameter (${why}), got ${target}`,
      );
    }
  }
  const key = await hmacKey(secret, "secret");
  target.searchParams.append("exp", String(Math.floor(now / 1000) + expiresIn));
  target.searchParams.append("sig", base64url(await hmac(key, payload(target))));
  return relative ? target.href.slice(RELATIVE_BASE.length) : target.href;
}

function parseUrl(url: unknown): { target: URL; relative: boolean } {
  if (url instanceof URL) return { target: new URL(url.href), relative: false };
  if (typeof url !== "string") {
    throw new TypeError(`url must be a string or URL, got ${describe(url)}`);
  }
  if (url.startsWith("/") && !url.startsWith("//")) {
    return { target: new URL(url, RELATIVE_BASE), relative: true };
  }
  try {
    return { target: new URL(url), relative: false };
  } catch {
    throw new TypeError(
      `url must be an absolute URL or a path starting with "/", got ${describe(url)}`,
    );
  }
}

/**
 * Checks the URL of a request signed by {@linkcode signUrl}: `true`, or a
 * `403` response saying why (missing, malformed, expired or wrong signature).
 * The MAC is compared in constant time; changing the path or any query
 * parameter (adding, removing, reordering, editing, including `exp`) makes it wrong.
 *
 * @example Serve the stream only to signed URLs
 * ```ts ignore
 * import { PushHub, verifySignedUrl } from "multipart-push";
 *
 * const hub = new PushHub();
 * const secret = Deno.env.get("STREAM_SECRET")!;
 * Deno.serve(async (request) => {
 *   const verdict = await verifySignedUrl(request, secret);
 *   return verdict === true ? hub.response(request) : verdict;
 * });
 * ```
 * @param request The viewer's request; only its URL is read.
 * @param secret The secret the URL was signed with.
 * @param options See {@linkcode VerifySignedUrlOptions}.
 * @returns `true`, or the `403` response to send.
 * @throws {TypeError|RangeError} on a bad request, secret or option (never for a bad URL).
 */
export async function verifySignedUrl(
  request: Request,
  secret: Secret,
  options?: VerifySignedUrlOptions,
): Promise<true | Response> {
  if (!(request instanceof Request)) {
    throw new TypeError(`request must be a Request, got ${describe(request)}`);
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const now = clock(options?.now, "options.now");
  const key = await hmacKey(secret, "secret");
  const url = new URL(request.url);
  const sigs = url.searchParams.getAll("sig");
  const exps = url.searchParams.getAll("exp");
  if (sigs.length === 0) return refuse("the URL is not signed (no sig parameter)");
  if (sigs.length > 1 || exps.length !== 1 || !/^\d{1,15}$/.test(exps[0])) {
    return refuse("the URL's signature is malformed (one sig and one numeric exp are needed)");
  }
  const given = fromBase64url(sigs[0]);
  const expected = await hmac(key, payload(url));
  // Compare before looking at the expiry, so a forged URL learns nothing from the answer.
  if (given === null || !sameBytes(given, expected)) {
    return refuse("the URL's signature does not match");
  }
  if (Number(exps[0]) * 1000 <= now) return refuse("the signed URL has expired");
  return true;
}

function refuse(why: string): Response {
  return new Response(`403 Forbidden: ${why}\n`, {
    status: 403,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
