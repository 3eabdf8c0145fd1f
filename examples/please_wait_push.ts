/**
 * The seeds' "please wait" by server push (Microsoft KB Q151504): a slow query answers at once
 * with a "Please wait" part, so nobody clicks Submit again, and the result replaces it when it is
 * ready, on the same connection. (examples/please_wait.ts does the same by client pull.)
 *
 * `deno run -A examples/please_wait_push.ts` (or `bun`/`node` it), then open
 * http://127.0.0.1:8000/. `PORT` picks the port.
 *
 * @module
 */
import { type Part, pushResponse } from "../mod.ts";
import { escapeHtml, htmlPushHandler, queryNumber } from "./html_push.ts";

/** A stand-in for a slow database query. */
export async function slowQuery(term: string, ms: number): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ["alpha", "bravo", "charlie", "delta"].map((word) => `${word} ${term}`);
}

/** The wait message at once, then the result. */
export async function* waitThenResult(term: string, ms: number): AsyncGenerator<Part> {
  yield {
    contentType: "text/html; charset=utf-8",
    body: `<p class="wait">Please wait: searching for “${escapeHtml(term)}”…</p>`,
  };
  const rows = await slowQuery(term, ms);
  yield {
    contentType: "text/html; charset=utf-8",
    body: `<h2>Results for “${escapeHtml(term)}”</h2><ul>${
      rows.map((row) => `<li>${escapeHtml(row)}</li>`).join("")
    }</ul>`,
  };
}

/** The search form; `ms` (the query's duration) is passed on when the page was opened with it. */
function form(ms: string | null): string {
  const hidden = ms === null ? "" : `<input type="hidden" name="ms" value="${escapeHtml(ms)}">`;
  return `<form><input name="q" value="push" aria-label="search">${hidden}
<button>Search</button></form>`;
}

/**
 * `/` a search form, `/search?q=` the push (`&ms=` query time, default 3000), `/client.js` the
 * helper.
 *
 * @example
 * ```ts ignore
 * Deno.serve(handler);
 * ```
 */
export const handler: (request: Request) => Promise<Response> = htmlPushHandler({
  title: "Please wait",
  path: "/search",
  form: (url) => form(url.searchParams.get("ms")),
  push(url, request) {
    const term = (url.searchParams.get("q") ?? "").slice(0, 200);
    return pushResponse(waitThenResult(term, queryNumber(url, "ms", 3000, 0, 60_000)), { request });
  },
});

if (import.meta.main) {
  const { serve } = await import("./serve_main.ts");
  await serve(handler);
}
