/**
 * The seeds' three-page push (Microsoft KB 250983): "First Page", "Second Page", then "Third
 * Page", each replacing the last; then the push ends and the last page stays on screen.
 *
 * `deno run -A examples/three_pages.ts` (or `bun`/`node` it), then open http://127.0.0.1:8000/.
 * `PORT` picks the port.
 *
 * @module
 */
import { type Part, pushResponse } from "../mod.ts";
import { htmlPushHandler, queryNumber } from "./html_push.ts";

/** The three pages, `ms` apart. */
export async function* threePages(ms: number): AsyncGenerator<Part> {
  const pages = ["First Page", "Second Page", "Third Page"];
  for (const [i, title] of pages.entries()) {
    yield { contentType: "text/html; charset=utf-8", body: `<p>${title}</p>` };
    if (i < pages.length - 1) await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/**
 * `/` the page, `/pages` the push (`?ms=` between pages, default 2000; the seeds used 10 s),
 * `/client.js` the helper.
 *
 * @example
 * ```ts ignore
 * Deno.serve(handler);
 * ```
 */
export const handler: (request: Request) => Promise<Response> = htmlPushHandler({
  title: "Three pages",
  path: "/pages",
  push: (url, request) =>
    pushResponse(threePages(queryNumber(url, "ms", 2000, 10, 60_000)), { request }),
});

if (import.meta.main) {
  const { serve } = await import("./serve_main.ts");
  await serve(handler);
}
