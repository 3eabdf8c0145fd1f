/**
 * Client pull: `Refresh: N; url=…` as a header, a response or a `<meta>`
 * tag, the fallback where a push can't go.
 *
 * @example
 * ```ts
 * import { refreshHeader } from "multipart-push/pull";
 *
 * refreshHeader(5, "/next"); // "5; url=/next"
 * ```
 *
 * @module
 */

export { refreshHeader, refreshMetaTag, type RefreshOptions, refreshResponse } from "./refresh.ts";
export type { BodyInit } from "../shared/web_types.ts";
