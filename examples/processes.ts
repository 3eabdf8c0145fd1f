/**
 * The seeds' "Processes On This Server": a page that shows the server's process list, pushed
 * again every 5 seconds over one connection (the 1995 shell script, without the shell).
 *
 * `deno run -A examples/processes.ts` (or `bun`/`node` it), then open http://127.0.0.1:8000/.
 * `PORT` picks the port.
 * Firefox shows `/processes` by itself; Chromium needs the page, which uses `pushInto`.
 *
 * @module
 */
import { type Part, pushResponse } from "../mod.ts";
import { escapeHtml, htmlPushHandler, queryNumber } from "./html_push.ts";

/** `ps -el`, or why there is no process list here (Deno Deploy and Workers have no `ps`). */
export async function processList(): Promise<string> {
  try {
    const name = "node:child_process";
    const { execFile } = await import(name) as typeof import("node:child_process");
    return await new Promise<string>((resolve, reject) => {
      execFile("ps", ["-el"], { timeout: 5000, maxBuffer: 4 << 20 }, (error, stdout) => {
        if (error) reject(error);
        else resolve(String(stdout));
      });
    });
  } catch (error) {
    return `(no process list on this runtime: ${error instanceof Error ? error.message : error})`;
  }
}

/** One snapshot of the process list as an HTML part. */
export async function processesPart(list: () => Promise<string> = processList): Promise<Part> {
  const body = `<h3>Processes On This Server</h3>
<p>Date: ${new Date().toUTCString()}</p>
<pre>${escapeHtml(await list())}</pre>`;
  return { contentType: "text/html; charset=utf-8", body };
}

/** The list every `seconds`, `count` times at most. The push ends it when the client leaves. */
export async function* processes(seconds: number, count: number): AsyncGenerator<Part> {
  for (let i = 1; i <= count; i++) {
    yield await processesPart();
    if (i < count) await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
}

/**
 * `/` the page, `/processes` the push (`?every=` seconds, default 5, at least 0.1; `?count=`
 * updates, default 720 = one hour), `/client.js` the helper.
 *
 * @example
 * ```ts ignore
 * Deno.serve(handler);
 * ```
 */
export const handler: (request: Request) => Promise<Response> = htmlPushHandler({
  title: "Processes On This Server",
  path: "/processes",
  push(url, request) {
    const every = queryNumber(url, "every", 5, 0.1, 3600);
    const count = queryNumber(url, "count", 720, 1, 100_000);
    // An update every `every` s: end only after twice that without one.
    return pushResponse(processes(every, count), {
      request,
      idleTimeout: Math.max(60_000, every * 2000),
    });
  },
});

if (import.meta.main) {
  const { serve } = await import("./serve_main.ts");
  await serve(handler);
}
