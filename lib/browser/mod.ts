/**
 * In a browser: {@linkcode pushInto} reads a push with `fetch()` and shows
 * each HTML part in an element (browsers no longer render multipart
 * documents themselves); {@linkcode watchImage} reloads an `<img>` push that
 * went quiet.
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
export { type WatchedImage, watchImage, type WatchImageOptions } from "./watch_image.ts";
// What `onPart` is handed, so this entry point documents it without /parse.
export type { ReceivedPart } from "../parse/received_part.ts";
