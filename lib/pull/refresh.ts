/**
 * Client pull (Netscape, 1995): the response tells the browser to load a URL
 * again, or another one, after some seconds. It works where a push cannot
 * (Internet Explorer, proxies that buffer), one request per refresh.
 *
 * @module
 */

import { describeValue } from "../shared/describe.ts";
import type { BodyInit } from "../shared/web_types.ts";

// Control characters are what must be refused: CR/LF would split the header.
// deno-lint-ignore no-control-regex
const CONTROL = /[\0-\x1f\x7f]/;
/** The page a URL without a base is checked against; browsers use the page's own origin. */
const STAND_IN = new URL("http://base.invalid/");
/** Two slashes or backslashes first (control characters are refused): a host name follows. */
const SCHEME_RELATIVE = /^ *[\\/]{2}/;

/**
 * The value of a `Refresh` header: reload after `seconds`, or go to `url`.
 *
 * Browsers honour whole seconds only, so the value is written rounded down.
 * `url` is resolved against `base` when one is given; otherwise a relative
 * URL is kept as it is (the browser resolves it against the page).
 *
 * A URL without a scheme never leaves the page's origin, so a path taken from
 * a query string (`?next=`) cannot become an open redirect: forms that
 * browsers read as another host (`//evil.example/x`, `/\evil.example/`,
 * `\\evil.example`) are refused, or, with `base`, must name `base`'s own
 * host. To send clients to another origin on purpose, pass the full URL with
 * its scheme (`https://other.example/x`): it is written as given.
 *
 * @example
 * ```ts
 * import { refreshHeader } from "multipart-push";
 *
 * refreshHeader(5, "/next", "https://example.com/jobs/1"); // "5; url=https://example.com/next"
 * refreshHeader(2); // "2"
 * ```
 *
 * @param seconds Delay: a non-negative finite number.
 * @param url Where to go: `http:`, `https:` or relative (on the page's or
 * `base`'s origin); no control characters.
 * @param base What a relative `url` is resolved against (an `http:`/`https:` URL).
 * @throws {RangeError} on bad seconds; {TypeError} on a bad `url` or `base`,
 * or a `url` without a scheme that leads to another origin.
 */
export function refreshHeader(seconds: number, url?: string | URL, base?: string | URL): string {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(
      `seconds must be a non-negative finite number, got ${describeValue(seconds)}`,
    );
  }
  const delay = BigInt(Math.floor(seconds)).toString();
  if (url === undefined) return delay;
  return `${delay}; url=${refreshTarget(url, base)}`;
}

/** Options of {@linkcode refreshResponse}. */
export interface RefreshOptions {
  /** Delay in seconds before the browser loads again. */
  seconds: number;
  /**
   * Where to go; the same URL again when left out.
   * @default {undefined}
   */
  url?: string | URL | undefined;
  /**
   * What a relative `url` is resolved against (the request's URL, say).
   * @default {undefined} relative URLs are sent as they are
   */
  base?: string | URL | undefined;
}

/**
 * A response with a `Refresh` header, for "please wait" pages and for
 * clients that cannot take a push.
 *
 * @example A page that reloads itself every 2 seconds
 * ```ts
 * import { refreshResponse } from "multipart-push";
 *
 * const response = refreshResponse("<p>Working…</p>", { seconds: 2 }, {
 *   headers: { "Content-Type": "text/html; charset=utf-8" },
 * });
 * response.headers.get("refresh"); // "2"
 * ```
 *
 * @param body The page shown while waiting.
 * @param options See {@linkcode RefreshOptions}.
 * @param init Status and more headers; a `Refresh` in them is replaced.
 * @throws {TypeError|RangeError} as {@linkcode refreshHeader}.
 */
export function refreshResponse(
  body: BodyInit | null,
  options: RefreshOptions,
  init?: ResponseInit,
): Response {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `options must be an object { seconds, url?, base? }, got ${describeValue(options)}`,
    );
  }
  const refresh = refreshHeader(options.seconds, options.url, options.base);
  const headers = new Headers(init?.headers);
  headers.set("Refresh", refresh);
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  return new Response(body, { ...init, headers });
}

/**
 * The `<meta http-equiv="refresh">` tag for the same effect inside an HTML
 * document's `<head>`, with the content HTML-escaped.
 *
 * @example
 * ```ts
 * import { refreshMetaTag } from "multipart-push";
 *
 * refreshMetaTag(1, "/done?a=1&b=2");
 * // '<meta http-equiv="refresh" content="1; url=/done?a=1&amp;b=2">'
 * ```
 * @throws {TypeError|RangeError} as {@linkcode refreshHeader}.
 */
export function refreshMetaTag(seconds: number, url?: string | URL, base?: string | URL): string {
  return `<meta http-equiv="refresh" content="${escapeHtml(refreshHeader(seconds, url, base))}">`;
}

function refreshTarget(url: string | URL, base: string | URL | undefined): string {
  if (url instanceof URL) url = url.href;
  if (typeof url !== "string") {
    throw new TypeError(`url must be a string or URL, got ${describeValue(url)}`);
  }
  if (CONTROL.test(url)) {
    throw new TypeError("url must not contain CR, LF or other control characters");
  }
  let baseUrl: URL | undefined;
  if (base !== undefined) {
    if (CONTROL.test(String(base))) {
      throw new TypeError("base must not contain CR, LF or other control characters");
    }
    baseUrl = URL.canParse(base) ? new URL(base) : undefined;
    if (!baseUrl || !isHttp(baseUrl)) {
      throw new TypeError(`base must be an absolute http(s) URL, got ${describeValue(base)}`);
    }
  }
  // A URL with a scheme stands alone (with a base, "http:x" would be read as a path).
  if (URL.canParse(url)) {
    const absolute = new URL(url);
    if (!isHttp(absolute)) {
      throw new TypeError(`url must be an http(s) or relative URL, got ${describeValue(url)}`);
    }
    return absolute.href;
  }
  // Relative URLs are checked against the base or a stand-in page; what the browser resolves
  // them to has the page's own scheme and origin.
  const page = baseUrl ?? STAND_IN;
  const resolved = URL.canParse(url, page) ? new URL(url, page) : undefined;
  // Not every runtime's URL parser takes "///host" as browsers do: the form alone decides then.
  if (resolved ? resolved.origin !== page.origin : SCHEME_RELATIVE.test(url)) {
    throw otherOrigin(url, resolved, baseUrl);
  }
  if (!resolved || !isHttp(resolved)) {
    throw new TypeError(`url must be an http(s) or relative URL, got ${describeValue(url)}`);
  }
  if (baseUrl) return resolved.href;
  const text = url.trim();
  // A leading quote would be read as quoting by the browser's refresh parser.
  if (text.startsWith("'") || text.startsWith('"')) {
    throw new TypeError(`url must not start with a quote, got ${describeValue(url)}`);
  }
  // A header value is bytes: percent-encode what is not printable ASCII, as URL#href does.
  try {
    return text.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  } catch {
    throw new TypeError(`url must be well-formed Unicode, got ${describeValue(url)}`);
  }
}

function otherOrigin(url: string, resolved: URL | undefined, base: URL | undefined): TypeError {
  const host = resolved ? ` (${resolved.host})` : "";
  const origin = base ? `the base's origin ${base.origin}` : "the page's origin";
  return new TypeError(
    `url ${JSON.stringify(url)} leads to another origin${host}: a URL without a scheme must ` +
      `stay on ${origin}; write the full URL (https://…) to send clients to another origin`,
  );
}

function isHttp(url: URL): boolean {
  return url.protocol === "http:" || url.protocol === "https:";
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
