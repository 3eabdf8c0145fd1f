/**
 * A part's header block: where it ends, whether its lines are well formed, and
 * its fields. Validation and the `Content-Type` lookup run on the bytes when
 * a part arrives; the `Headers` object is only built if someone asks for it,
 * which keeps small parts (GraphQL patches) cheap.
 *
 * Header bytes are read as Latin-1, one byte per character, as `fetch` does
 * for HTTP headers; obsolete line folding (a line starting with a space or a
 * tab continues the field above) is accepted, as MIME allows.
 *
 * @module
 */

import { MultipartParseError } from "./errors.ts";

const LF = 10;
const CR = 13;
const SP = 32;
const HT = 9;
const COLON = 58;
const CONTENT_TYPE = new TextEncoder().encode("content-type");

/** RFC 9110 token characters. */
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TOKEN[c.charCodeAt(0)] = 1;
}

/**
 * Where the body of a part in `bytes[start..end)` starts: just after the first
 * empty line (CRLF or bare LF) that ends before `end`, or -1 if there is none.
 *
 * @example
 * ```ts
 * import { bodyStart } from "./part_headers.ts";
 *
 * bodyStart(new TextEncoder().encode("A: b\r\n\r\nbody"), 0, 16384); // 8
 * ```
 */
export function bodyStart(bytes: Uint8Array, start: number, end: number): number {
  let lineStart = start;
  // Plain loops, not indexOf: header blocks are short and a builtin call costs more than the scan.
  for (let i = start; i < end; i++) {
    if (bytes[i] !== LF) continue;
    const length = i - lineStart;
    if (length === 0 || (length === 1 && bytes[lineStart] === CR)) return i + 1;
    lineStart = i + 1;
  }
  return -1;
}

/**
 * Checks every line of the header block `bytes[start..n)` and returns its
 * `Content-Type` value (several are joined with ", ", like `Headers.get`), or null.
 *
 * @example
 * ```ts
 * import { scanHeaderBlock } from "./part_headers.ts";
 *
 * const head = new TextEncoder().encode("content-TYPE:  image/jpeg \r\n\r\n");
 * scanHeaderBlock(head, 0, head.length); // "image/jpeg"
 * ```
 * @throws {MultipartParseError} with code `"malformed-header"`.
 */
export function scanHeaderBlock(bytes: Uint8Array, start: number, n: number): string | null {
  let contentType: string | null = null;
  let folded = false;
  for (let pos = start, line = 1; pos < n; line++) {
    const eol = lineEnd(bytes, pos, n);
    const end = eol > pos && bytes[eol - 1] === CR ? eol - 1 : eol;
    if (end > pos) {
      if (bytes[pos] === SP || bytes[pos] === HT) {
        if (pos === start) throw malformed(line, "a continuation line comes before any field");
        folded = true;
        checkValue(bytes, pos, end, line);
      } else {
        const colon = nameEnd(bytes, pos, end, line);
        checkValue(bytes, colon + 1, end, line);
        if (!folded && isContentType(bytes, pos, colon)) {
          const value = cachedLatin1Trimmed(bytes, colon + 1, end);
          contentType = contentType === null ? value : `${contentType}, ${value}`;
        }
      }
    }
    pos = eol + 1;
  }
  if (!folded) return contentType;
  const values = headerFields(bytes, start, n).filter(([name]) =>
    name.toLowerCase() === "content-type"
  );
  return values.length === 0 ? null : values.map(([, value]) => value).join(", ");
}

/**
 * The `[name, value]` fields of the header block `bytes[start..n)` already
 * checked by {@linkcode scanHeaderBlock}, with folded lines joined by a space.
 *
 * @example
 * ```ts
 * import { headerFields } from "./part_headers.ts";
 *
 * const head = new TextEncoder().encode("A: 1\r\n b\r\nC: 2\r\n");
 * headerFields(head, 0, head.length); // [["A", "1 b"], ["C", "2"]]
 * ```
 */
export function headerFields(bytes: Uint8Array, start: number, n: number): [string, string][] {
  const fields: [string, string][] = [];
  for (let pos = start; pos < n;) {
    const eol = lineEnd(bytes, pos, n);
    const end = eol > pos && bytes[eol - 1] === CR ? eol - 1 : eol;
    if (end > pos) {
      if (bytes[pos] === SP || bytes[pos] === HT) {
        const field = fields[fields.length - 1];
        const more = latin1Trimmed(bytes, pos, end);
        if (more !== "") field[1] = field[1] === "" ? more : `${field[1]} ${more}`;
      } else {
        let colon = pos;
        while (bytes[colon] !== COLON) colon++;
        const value = latin1Trimmed(bytes, colon + 1, end);
        while (bytes[colon - 1] === SP || bytes[colon - 1] === HT) colon--;
        fields.push([latin1Trimmed(bytes, pos, colon), value]);
      }
    }
    pos = eol + 1;
  }
  return fields;
}

function lineEnd(bytes: Uint8Array, pos: number, n: number): number {
  while (pos < n && bytes[pos] !== LF) pos++;
  return pos;
}

/** Index of the colon after a token name (spaces before the colon are tolerated). */
function nameEnd(bytes: Uint8Array, pos: number, end: number, line: number): number {
  let i = pos;
  while (i < end && TOKEN[bytes[i]] === 1) i++;
  const tokenEnd = i;
  while (i < end && (bytes[i] === SP || bytes[i] === HT)) i++;
  if (tokenEnd === pos || i === end || bytes[i] !== COLON) {
    throw malformed(line, "it is not `name: value` with an RFC 9110 token name");
  }
  return i;
}

/** `Headers` refuses NUL, CR and LF in values; a bare CR would also hide a line break. */
function checkValue(bytes: Uint8Array, start: number, end: number, line: number): void {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b === 0 || b === CR) throw malformed(line, "its value contains NUL or a bare CR");
  }
}

function isContentType(bytes: Uint8Array, start: number, colon: number): boolean {
  let end = colon;
  while (bytes[end - 1] === SP || bytes[end - 1] === HT) end--;
  if (end - start !== CONTENT_TYPE.length) return false;
  // Token bytes OR 0x20 are lower case letters only where they were letters.
  for (let i = 0; i < CONTENT_TYPE.length; i++) {
    if ((bytes[start + i] | 0x20) !== CONTENT_TYPE[i]) return false;
  }
  return true;
}

/**
 * Consecutive parts nearly always repeat their `Content-Type`: decoding it
 * once and comparing bytes afterwards keeps small parts cheap.
 */
let cachedBytes = new Uint8Array(0);
let cachedText = "";

function cachedLatin1Trimmed(bytes: Uint8Array, start: number, end: number): string {
  while (start < end && (bytes[start] === SP || bytes[start] === HT)) start++;
  while (end > start && (bytes[end - 1] === SP || bytes[end - 1] === HT)) end--;
  const length = end - start;
  if (length === cachedBytes.length) {
    let i = 0;
    while (i < length && bytes[start + i] === cachedBytes[i]) i++;
    if (i === length) return cachedText;
  }
  const text = latin1(bytes, start, end);
  if (length <= 256) {
    cachedBytes = bytes.slice(start, end);
    cachedText = text;
  }
  return text;
}

function latin1Trimmed(bytes: Uint8Array, start: number, end: number): string {
  while (start < end && (bytes[start] === SP || bytes[start] === HT)) start++;
  while (end > start && (bytes[end - 1] === SP || bytes[end - 1] === HT)) end--;
  return latin1(bytes, start, end);
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

function malformed(line: number, why: string): MultipartParseError {
  return new MultipartParseError(
    "malformed-header",
    `header line ${line} of a part is malformed: ${why}`,
  );
}
