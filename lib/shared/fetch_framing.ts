/**
 * Replace pushes for `fetch()` readers. WebKit's `fetch()` answers a
 * `multipart/x-mixed-replace` response, then fails its first `read()` with
 * `TypeError: Load failed` (measured in WebKitGTK 2.50, issue 14); a
 * `multipart/mixed` body reads fine. So a reader that asks for
 * `multipart/mixed` first (as `pushInto` does) gets the replace push in reader
 * framing (lib/push/framing.ts: the bytes of a `multipart/mixed` push),
 * labelled `multipart/mixed` and marked `push=replace` so that the reader
 * still replaces rather than appends; the encoder and `PushHub` alike.
 * Browsers' `<img>` and document loads never ask for `multipart/mixed` first,
 * so they keep browser framing.
 *
 * @module
 */

/**
 * The `Content-Type` parameter that marks a replace push sent in mixed framing.
 *
 * @example
 * ```ts ignore
 * `multipart/mixed;boundary=B;${REPLACE_PARAM}`; // what pushInto reads as a replace push
 * ```
 */
export const REPLACE_PARAM = "push=replace";

/**
 * Whether `request` asks for `multipart/mixed` first: its `Accept` header's
 * first media range is `multipart/mixed`.
 *
 * @example
 * ```ts
 * import { asksForMixed } from "multipart-push/push";
 *
 * asksForMixed(new Request("http://x/", { headers: { Accept: "multipart/mixed, text/html" } })); // true
 * ```
 */
export function asksForMixed(request: Request): boolean {
  return /^\s*multipart\/mixed\s*(?:[;,]|$)/i.test(request.headers.get("accept") ?? "");
}

/**
 * Whether a `Content-Type` is a replace push: `multipart/x-mixed-replace`,
 * or `multipart/mixed` with the `push=replace` parameter.
 *
 * @example
 * ```ts
 * import { isReplacePush } from "multipart-push/push";
 *
 * isReplacePush("multipart/mixed;boundary=B;push=replace"); // true
 * ```
 */
export function isReplacePush(contentType: string): boolean {
  if (/^\s*multipart\/x-mixed-replace\s*(?:;|$)/i.test(contentType)) return true;
  return /^\s*multipart\/mixed\s*;/i.test(contentType) &&
    /;\s*push\s*=\s*"?replace"?\s*(?:;|$)/i.test(contentType);
}
