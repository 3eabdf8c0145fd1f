/**
 * In a browser: {@linkcode pushInto} reads a push with `fetch()` and shows
 * each HTML part in an element (browsers no longer render multipart
 * documents themselves).
 *
 * @example
 * ```ts ignore
 * import { pushInto } from "multipart-push/browser";
 *
 * await pushInto(document.getElementById("status")!, "/status");
 * ```
 *
 * @module
 */

export { type HtmlTarget, pushInto, type PushIntoOptions } from "./push_into.ts";
