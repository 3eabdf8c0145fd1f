/**
 * Reads the `boundary` parameter of a `Content-Type` header the way real
 * senders write it: any case (`Boundary=`), quoted (`boundary="a b"`, with
 * backslash escapes), with spaces around `;` and `=`, and with the leading
 * dashes some cameras put in (`boundary=--frame` is returned as `--frame`;
 * `parseParts` then accepts both `--frame` and `----frame` lines).
 *
 * @module
 */

/**
 * The `boundary` parameter of a media type, or null when there is none (or it is empty).
 *
 * @example
 * ```ts
 * import { boundaryFromContentType } from "multipart-push";
 *
 * boundaryFromContentType('multipart/mixed; Boundary="-"; deferSpec=20220824'); // "-"
 * boundaryFromContentType("multipart/x-mixed-replace;boundary=--myboundary"); // "--myboundary"
 * boundaryFromContentType("text/html"); // null
 * ```
 *
 * @param contentType A `Content-Type` header value (null or undefined give null).
 */
export function boundaryFromContentType(contentType: string | null | undefined): string | null {
  if (typeof contentType !== "string") return null;
  const text = contentType;
  let i = text.indexOf(";");
  while (i !== -1 && i < text.length) {
    i = skipSpace(text, i + 1);
    const nameStart = i;
    while (i < text.length && !"=;".includes(text[i])) i++;
    const name = text.slice(nameStart, i).trim().toLowerCase();
    if (text[i] !== "=") continue;
    i = skipSpace(text, i + 1);
    let value: string;
    if (text[i] === '"') {
      value = "";
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        value += text[i];
      }
      i = text.indexOf(";", i);
    } else {
      const end = text.indexOf(";", i);
      value = text.slice(i, end === -1 ? undefined : end).trim();
      i = end;
    }
    if (name === "boundary") return value === "" ? null : value;
  }
  return null;
}

function skipSpace(text: string, i: number): number {
  while (text[i] === " " || text[i] === "\t") i++;
  return i;
}
