/**
 * HTML server push in today's browsers. Chromium renders `multipart/x-mixed-replace` only for
 * images, no longer for documents; this helper fetches the push and puts each `text/html` part
 * into an element instead.
 *
 * @module
 */
import { describeValue } from "../shared/describe.ts";
import { isReplacePush } from "../shared/fetch_framing.ts";
import { parseParts } from "../parse/parse_parts.ts";
import type { ReceivedPart } from "../parse/received_part.ts";

/** What {@linkcode pushInto} writes to: an `Element`, or anything with an `innerHTML`. */
export interface HtmlTarget {
  /** Replaced by each part in replace mode, appended to in mixed mode. */
  innerHTML: string;
}

/** Options of {@linkcode pushInto}. */
export interface PushIntoOptions {
  /**
   * Stops reading the push (the connection is closed).
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * More for the `fetch` (headers, credentials) when `source` is a URL or a Request.
   * @default {undefined}
   */
  init?: RequestInit | undefined;
  /**
   * Called after each part is shown, with the part (HTML or not); a part that is not
   * `text/html` is only passed here.
   * @default {undefined}
   */
  onPart?: ((part: ReceivedPart) => void) | undefined;
}

const HTML = /^\s*text\/html\s*(;|$)/i;

/**
 * Fetch a server push and show each `text/html` part in `target`: in `multipart/x-mixed-replace`
 * each part replaces the element's content, in `multipart/mixed` it is appended. An ordinary
 * (non-multipart) HTML response is shown once. Resolves with the number of HTML parts shown once
 * the push ends; rejects when the response is not OK or the push breaks off.
 *
 * The HTML is trusted: it comes from your own server, as with a document. Do not push markup
 * built from unescaped user input.
 *
 * @example Show a pushed process list in a page
 * ```ts ignore
 * import { pushInto } from "multipart-push";
 *
 * const shown = await pushInto(document.getElementById("processes")!, "/processes");
 * console.log(`${shown} updates, push ended`);
 * ```
 *
 * @param target The element (or anything with `innerHTML`) to fill.
 * @param source A URL or `Request` to fetch, or a `Response` already fetched.
 * @param options See {@linkcode PushIntoOptions}.
 * @returns The number of HTML parts shown.
 * @throws {TypeError} on a bad target or source, or a response that is not OK.
 */
export async function pushInto(
  target: HtmlTarget,
  source: string | URL | Request | Response,
  options: PushIntoOptions = {},
): Promise<number> {
  if (typeof target !== "object" || target === null || !("innerHTML" in target)) {
    throw new TypeError(
      `target must be an element (an object with innerHTML), got ${describeValue(target)}`,
    );
  }
  const { signal, init, onPart } = options;
  let response: Response;
  if (source instanceof Response) response = source;
  else {
    const headers = new Headers(init?.headers);
    if (!headers.has("accept")) {
      // multipart/mixed first: the server then sends a replace push in mixed framing (marked
      // push=replace), the only framing WebKit's fetch() can read (lib/shared/fetch_framing.ts).
      headers.set("accept", "multipart/mixed, multipart/x-mixed-replace;q=0.9, text/html;q=0.8");
    }
    response = await fetch(source, { ...init, headers, signal });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new TypeError(`pushInto: ${response.url} answered ${response.status}`);
  }
  const type = response.headers.get("content-type") ?? "";
  if (!/^\s*multipart\//i.test(type)) {
    target.innerHTML = await response.text();
    return 1;
  }
  const append = !isReplacePush(type);
  let shown = 0;
  for await (const part of parseParts(response, { signal })) {
    if (part.contentType !== null && HTML.test(part.contentType)) {
      if (append) target.innerHTML += part.text();
      else target.innerHTML = part.text();
      shown++;
    }
    onPart?.(part);
  }
  return shown;
}
