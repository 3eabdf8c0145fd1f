/**
 * The cache-busting parameter `watchImage` adds when it reloads a stalled
 * `<img>` push (`?reload=<ms>`), and the one parameter `verifySignedUrl`
 * leaves out of the signature, so a watched `<img>` whose `src` is a signed
 * URL heals. It is left out only when it appears once and is a number:
 * anything else stays covered (and so breaks the signature). It carries no
 * meaning: a route must not read it.
 *
 * @module
 */

/** The parameter's name. */
export const RELOAD_PARAM = "reload";

/**
 * `params` without the reload mark, when it has exactly one numeric one (in place).
 *
 * @example
 * ```ts
 * import { dropReloadMark } from "./reload_param.ts";
 *
 * String(dropReloadMark(new URLSearchParams("cam=1&reload=1764322800000"))); // "cam=1"
 * String(dropReloadMark(new URLSearchParams("reload=x"))); // "reload=x"
 * ```
 */
export function dropReloadMark(params: URLSearchParams): URLSearchParams {
  const marks = params.getAll(RELOAD_PARAM);
  if (marks.length === 1 && /^\d{1,16}$/.test(marks[0])) params.delete(RELOAD_PARAM);
  return params;
}
