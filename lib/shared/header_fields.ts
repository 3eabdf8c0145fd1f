/**
 * Validation and serialisation of part header fields. Everything that reaches
 * the wire as a header goes through here, so CR, LF and NUL can never inject a
 * header or a part break.
 *
 * @module
 */

import { describeValue } from "./describe.ts";
import type { HeadersInit } from "./web_types.ts";

/** RFC 9110 token: a header name, a method, a parameter value that needs no quotes. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;
// Header values go on the wire one byte per character (Latin-1, as fetch's Headers), so
// nothing above U+00FF has a byte to become.
const ABOVE_LATIN1 = /[^\0-\xff]/u;

/**
 * Whether `text` is an RFC 9110 token: a header name, or a parameter value that needs no quotes.
 *
 * @example
 * ```ts
 * import { isToken } from "./header_fields.ts";
 *
 * isToken("X-Frame"); // true
 * isToken("a b"); // false
 * ```
 */
export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/** Header names the encoder writes itself; a part may not set them. */
const RESERVED = new Set(["content-type", "content-length"]);

/**
 * Checks one header field and returns it as a wire line without CRLF.
 *
 * @example
 * ```ts ignore
 * headerLine("X-Frame", "7", "parts[0].headers"); // "X-Frame: 7"
 * ```
 *
 * @throws {TypeError} when the name is not an RFC 9110 token or the value
 * contains CR, LF or NUL, or a character above U+00FF.
 */
export function headerLine(name: string, value: string, where: string): string {
  if (!isToken(name)) {
    throw new TypeError(`${where}: header name ${JSON.stringify(name)} is not an RFC 9110 token`);
  }
  if (FORBIDDEN_IN_VALUE.test(value)) {
    throw new TypeError(
      `${where}: header ${name} has a value containing CR, LF or NUL (header injection)`,
    );
  }
  const wide = ABOVE_LATIN1.exec(value);
  if (wide) {
    const code = wide[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    throw new TypeError(
      `${where}: header ${name} has a character above U+00FF (U+${code} ` +
        `${JSON.stringify(wide[0])}) at index ${wide.index}: ` +
        "header values are bytes (Latin-1); percent-encode the text (RFC 8187) first",
    );
  }
  return `${name}: ${value}`;
}

/**
 * Lists the `[name, value]` pairs of a `HeadersInit` without letting a
 * `Headers` object normalise away what we want to reject. Values are turned
 * into strings as `Headers` does, except a Symbol, which has no string form.
 *
 * @example
 * ```ts ignore
 * headerPairs({ "X-A": 1 }, "options.headers"); // [["X-A", "1"]]
 * ```
 * @throws {TypeError} on anything that is not a `HeadersInit`.
 */
export function headerPairs(init: HeadersInit | undefined, where: string): [string, string][] {
  if (init === undefined) return [];
  if (init instanceof Headers) return [...init];
  let pairs: [unknown, unknown][];
  // Any iterable of pairs (an array, a Map), as the Headers constructor takes.
  const iterable = typeof (init as Partial<Iterable<unknown>>)?.[Symbol.iterator] === "function";
  if (iterable && typeof init === "object") {
    pairs = Array.from(init as Iterable<unknown>, (pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(
          `${where}[${i}] must be a [name, value] pair, got ${describeValue(pair)}`,
        );
      }
      return [pair[0], pair[1]];
    });
  } else if (typeof init === "object" && init !== null) {
    pairs = Object.entries(init);
  } else {
    throw new TypeError(
      `${where} must be a Headers, an array of [name, value] pairs or a record, got ${
        describeValue(init)
      }`,
    );
  }
  return pairs.map(([name, value]) => {
    if (typeof name === "symbol" || typeof value === "symbol") {
      throw new TypeError(
        `${where}: header ${String(name)} must be a string, got ${describeValue(value)}`,
      );
    }
    return [String(name), String(value)];
  });
}

/**
 * {@linkcode headerPairs} for a part's own headers, refusing the names the
 * encoder writes itself.
 *
 * @example
 * ```ts ignore
 * partHeaderPairs({ "X-Frame": "1" }, "parts[0].headers"); // [["X-Frame", "1"]]
 * ```
 * @throws {TypeError} as `headerPairs`, and on `Content-Type` or `Content-Length`.
 */
export function partHeaderPairs(init: HeadersInit | undefined, where: string): [string, string][] {
  const pairs = headerPairs(init, where);
  for (const [name] of pairs) {
    if (RESERVED.has(name.toLowerCase())) {
      throw new TypeError(
        `${where} must not set ${name}: the encoder writes it from contentType and the body size`,
      );
    }
  }
  return pairs;
}

/** Response headers the server writes from the body it is given; a caller's `headers` may not set them. */
export const SERVER_OWNED: readonly string[] = [
  "content-type",
  "content-length",
  "transfer-encoding",
  "connection",
];

/**
 * Sets every header of `extra` on `headers` (a push's, a snapshot's, a GraphQL response's),
 * refusing the `reserved` names (lowercase) with `where` and `why` in the
 * message. Each field is checked here (a token name; no CR, LF, NUL or
 * character above U+00FF in the value), so a bad one gets a message naming
 * `where` rather than the runtime's own "Invalid header value".
 *
 * @example
 * ```ts ignore
 * mergeHeaders(new Headers(), { "X-A": "1" }, ["content-type"], "init.headers", "the frame sets it");
 * ```
 * @throws {TypeError} when `extra` is not a `HeadersInit`, has a bad field, or
 * sets a reserved header.
 */
export function mergeHeaders(
  headers: Headers,
  extra: HeadersInit | undefined,
  reserved: readonly string[],
  where: string,
  why: string,
): Headers {
  const checked = new Headers();
  for (const [name, value] of headerPairs(extra, where)) {
    headerLine(name, value, where); // throws on a bad field, naming `where`
    checked.append(name, value);
  }
  for (const [name, value] of checked) {
    if (reserved.includes(name)) throw new TypeError(`${where} must not set ${name}: ${why}`);
    headers.set(name, value);
  }
  return headers;
}
