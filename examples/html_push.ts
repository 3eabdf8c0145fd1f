/**
 * HTML server push that works in today's browsers: the page fetches a `text/html` push with
 * `pushInto` (lib/browser/push_into.ts) and shows each part in an element. Chromium no longer
 * renders `multipart/x-mixed-replace` documents, only images, so HTML needs this helper.
 *
 * `deno run -A examples/html_push.ts` (or `bun`/`node` it), then open http://127.0.0.1:8000/;
 * `PORT` picks the port. The other HTML examples (processes.ts, please_wait_push.ts, three_pages.ts) reuse {@linkcode pushPage} and
 * {@linkcode clientScript} from here.
 *
 * @module
 */
import { type Part, pushResponse } from "../mod.ts";

let bundled: Promise<string> | undefined;

/**
 * lib/browser/ (pushInto with the decoder, watchImage) bundled for the browser as a classic script
 * that defines `multipartPush.pushInto` and `multipartPush.watchImage`. Built once with esbuild (a dev dependency); in an app, bundle
 * it with your own build or import "multipart-push" in your client code.
 */
export function clientScript(): Promise<string> {
  bundled ??= (async () => {
    const name = "esbuild";
    const { build } = await import(name) as typeof import("esbuild");
    const entry = new URL("../lib/browser/mod.ts", import.meta.url);
    const result = await build({
      entryPoints: [decodeURIComponent(entry.pathname)],
      bundle: true,
      format: "iife",
      globalName: "multipartPush",
      target: "es2022",
      minify: true,
      write: false,
    });
    return result.outputFiles[0].text;
  })();
  return bundled;
}

/** Serves {@linkcode clientScript} as `/client.js`. */
export async function clientScriptResponse(): Promise<Response> {
  return new Response(await clientScript(), {
    headers: { "content-type": "text/javascript; charset=utf-8" },
  });
}

/**
 * A page whose `<div id="out">` shows the HTML parts pushed at `pushUrl`. With `form`, the push
 * starts when the form is submitted, with the form's fields as query string.
 */
export function pushPage(title: string, pushUrl: string, form?: string): string {
  const start = form === undefined
    ? `multipartPush.pushInto(out, ${JSON.stringify(pushUrl)})` +
      `.then(() => (document.body.dataset.done = "true"), failed);`
    : `document.querySelector("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const button = event.target.querySelector("button");
  button.disabled = true; // the seeds' point: no second query while the first runs
  const query = new URLSearchParams(new FormData(event.target));
  multipartPush.pushInto(out, ${JSON.stringify(pushUrl)} + "?" + query)
    .catch(failed)
    .finally(() => { button.disabled = false; document.body.dataset.done = "true"; });
});`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<script src="/client.js"></script></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:2rem">
${form ?? ""}<div id="out">Connecting…</div>
<script>
const out = document.getElementById("out");
// A failed fetch or a broken push says so, instead of "Connecting…" forever.
function failed(error) {
  const note = document.createElement("p");
  note.setAttribute("role", "alert");
  note.textContent = "The push failed: " + (error && error.message || error);
  out.after(note);
  document.body.dataset.error = "true";
}
${start}
</script></body></html>`;
}

/** An HTML ticker: `count` parts, `ms` apart, each saying which update it is. */
export async function* ticker(count: number, ms: number): AsyncGenerator<Part> {
  for (let i = 1; i <= count; i++) {
    const time = new Date().toISOString().slice(11, 19);
    yield {
      contentType: "text/html; charset=utf-8",
      body: `<h2>Update ${i} of ${count}</h2><p>Server time ${time} UTC</p>`,
    };
    if (i < count) await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number from the query string, `fallback` when absent or not a number, clamped to min..max. */
export function queryNumber(
  url: URL,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = Number(url.searchParams.get(name) ?? NaN);
  return Math.min(Math.max(Number.isNaN(value) ? fallback : value, min), max);
}

/** What an HTML-push example serves: its page and its push. */
export interface HtmlPushApp {
  /** The page's title. */
  title: string;
  /** Where the push is served. */
  path: string;
  /** A form that starts the push with its fields as the query string (else it starts at once). */
  form?: (url: URL) => string;
  /** The push for one request to `path`. */
  push: (url: URL, request: Request) => Response;
}

/** The handler of an HTML-push example: `/` the page, `app.path` the push, `/client.js` the helper. */
export function htmlPushHandler(app: HtmlPushApp): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/": {
        const page = app.form
          ? pushPage(app.title, app.path, app.form(url))
          : pushPage(app.title, app.path + url.search);
        return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
      }
      case app.path:
        return app.push(url, request);
      case "/client.js":
        return await clientScriptResponse();
      default:
        return new Response("not found\n", { status: 404 });
    }
  };
}

/**
 * `/` the page, `/ticker` the HTML push (`?count=`, `?ms=`), `/client.js` the helper.
 *
 * @example
 * ```ts ignore
 * Deno.serve(handler);
 * ```
 */
export const handler: (request: Request) => Promise<Response> = htmlPushHandler({
  title: "HTML push",
  path: "/ticker",
  push: (url, request) =>
    pushResponse(
      ticker(queryNumber(url, "count", 60, 1, 3600), queryNumber(url, "ms", 1000, 10, 60_000)),
      { request },
    ),
});

if (import.meta.main) {
  const { serve } = await import("./serve_main.ts");
  await serve(handler);
}
