/**
 * The "please wait" page (client pull): a form starts a slow job, the browser
 * lands on a page that reloads itself every second until the job is done,
 * then goes to the result. No JavaScript, no open connection, works in every
 * browser and through every proxy.
 *
 * Run it: `deno run -A examples/please_wait.ts` (or `bun`/`node` it), then open
 * http://127.0.0.1:8000/. `PORT` picks the port. As a Worker, `export default createApp()`
 * (a Worker keeps the job table per isolate only).
 *
 * @module
 */

import { refreshMetaTag, refreshResponse } from "../lib/pull/refresh.ts";

/** Options of {@linkcode createApp}. */
export interface PleaseWaitOptions {
  /**
   * How long the pretend job takes, in milliseconds.
   * @default {5000}
   */
  jobMs?: number;
}

type Job = { readyAt: number; answer: number };

const HTML = { "Content-Type": "text/html; charset=utf-8" };

function page(title: string, head: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head>` +
    `<body>${body}</body></html>`;
}

/**
 * The app as a fetch handler.
 *
 * @example
 * ```ts
 * import { createApp } from "./please_wait.ts";
 *
 * const app = createApp({ jobMs: 10 });
 * const started = await app.fetch(new Request("http://localhost/jobs", { method: "POST" }));
 * started.headers.get("location"); // "http://localhost/jobs/<id>"
 * ```
 */
export function createApp(
  options: PleaseWaitOptions = {},
): { fetch(request: Request): Response } {
  const jobMs = options.jobMs ?? 5000;
  // Jobs finish by the clock, so the app needs no timer that could outlive it.
  const jobs = new Map<string, Job>();
  return {
    fetch(request) {
      const url = new URL(request.url);
      const [, root, id, leaf] = url.pathname.split("/");
      if (url.pathname === "/") {
        return new Response(
          page(
            "Start",
            "",
            `<form method="post" action="/jobs"><button id="start">Run the report</button></form>`,
          ),
          { headers: HTML },
        );
      }
      if (root !== "jobs") return new Response("not found", { status: 404 });
      if (id === undefined && request.method === "POST") {
        const job = crypto.randomUUID();
        jobs.set(job, { readyAt: Date.now() + jobMs, answer: 42 });
        return Response.redirect(new URL(`/jobs/${job}`, url), 303);
      }
      const job = id === undefined ? undefined : jobs.get(id);
      if (!job) return new Response("no such job", { status: 404 });
      const done = Date.now() >= job.readyAt;
      if (leaf === "result") {
        if (!done) return Response.redirect(new URL(`/jobs/${id}`, url), 303);
        return new Response(page("Result", "", `<h1 id="result">${job.answer}</h1>`), {
          headers: HTML,
        });
      }
      if (!done) {
        // Reload this very page in 1 s: the header for browsers, the tag for saved pages.
        const left = Math.ceil((job.readyAt - Date.now()) / 1000);
        return refreshResponse(
          page("Please wait", refreshMetaTag(1), `<p>Please wait, about ${left} s left…</p>`),
          { seconds: 1 },
          { headers: HTML },
        );
      }
      const result = { seconds: 0, url: `/jobs/${id}/result`, base: url };
      return refreshResponse(
        page(
          "Done",
          refreshMetaTag(result.seconds, result.url, result.base),
          `<p>Done: <a href="${result.url}">see the result</a>.</p>`,
        ),
        result,
        { headers: HTML },
      );
    },
  };
}

if (import.meta.main) {
  const { serve } = await import("./serve_main.ts");
  await serve(createApp().fetch);
}
