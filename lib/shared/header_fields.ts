/**
 * Validation and serialisation of part header fields. Everything that reaches
 * the wire as a header goes through here, so CR, LF and NUL can never inject a
 * header or a part break.
 *
 * @module
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;

/** Header names the encoder writes itself; a part may not set them. */
const RESERVED = new Set(["content-type", "content-length"]);

/**
 * Checks one header field and returns it as a wire line without CRLF.
 *
 * @throws {TypeError} when the name is not an RFC 9110 token or the value
 * contains CR, LF or NUL.
 */
export function headerLine(name: string, value: string, where: string): string {
  if (!TOKEN.test(name)) {
    throw new TypeError(`${where}: header name ${JSON.stringify(name)} is not an RFC 9110 token`);
  }
  if (FORBIDDEN_IN_VALUE.test(value)) {
    throw new TypeError(
      `${where}: header ${name} has a value containing CR, LF or NUL (header injection)`,
    );
  }
  return `${name}: ${value}`;
}

/**
 * Lists the `[name, value]` pairs of a `HeadersInit` without letting a
 * `Headers` object normalise away what we want to reject.
 *
 * @throws {TypeError} on anything that is not a `HeadersInit`, or on a name
 * the encoder owns (`Content-Type`, `Content-Length`).
 */
export function headerPairs(init: HeadersInit | undefined, where: string): [string, string][] {
  if (init === undefined) return [];
  let pairs: [string, string][];
  if (init instanceof Headers) {
    pairs = [...init];
  } else if (Array.isArray(init)) {
    pairs = init.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(`${where}[${i}] must be a [name, value] pair`);
      }
      return [String(pair[0]), String(pair[1])];
    });
  } else if (typeof init === "object" && init !== null) {
    pairs = Object.entries(init).map(([name, value]) => [name, String(value)]);
  } else {
    throw new TypeError(`${where} must be a Headers, an array of pairs or a record`);
  }
  for (const [name] of pairs) {
    if (RESERVED.has(name.toLowerCase())) {
      throw new TypeError(
        `${where} must not set ${name}: the encoder writes it from contentType and the body size`,
      );
    }
  }
  return pairs;
}
