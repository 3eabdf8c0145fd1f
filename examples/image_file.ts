/**
 * The seeds' pushed image file (Tarquin's PHP server-push script): an image on disk, pushed to
 * every viewer whenever the file changes. Replace the file (a webcam uploader, a chart renderer)
 * and every open page shows the new picture.
 *
 * For clients that cannot take a push (Internet Explorer then; some embedded browsers and proxies
 * now): `/snapshot` is the current picture as an ordinary response, and `/pull` is a client-pull
 * page that reloads it every second with a `Refresh` header. The push page falls back to it by
 * itself when its `<img>` fails to load.
 *
 * `deno run --allow-net --allow-read --allow-env examples/image_file.ts picture.jpg`
 * (or `bun`/`node` it), then open http://127.0.0.1:8000/ and overwrite picture.jpg. `PORT` picks
 * the port.
 *
 * @module
 */
import { PushHub, refreshResponse } from "../mod.ts";

const TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
};

/** Options of {@linkcode imageFileApp}. */
export interface ImageFileOptions {
  /**
   * How often the file is checked, in ms (the PHP script checked about once a second).
   * @default {1000}
   */
  pollMs?: number;
}

/** A running app: its fetch handler, its hub, and how to stop it. */
export interface ImageFileApp {
  handler(request: Request): Response;
  hub: PushHub;
  close(): void;
}

/**
 * Calls `changed` with the file's bytes now and each time its size or modification time changes,
 * checking every `pollMs`, until the returned function is called.
 */
function watchFile(path: string, pollMs: number, changed: (body: Uint8Array) => void): () => void {
  let seen = "";
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  async function poll(): Promise<void> {
    const name = "node:fs/promises";
    const fs = await import(name) as typeof import("node:fs/promises");
    try {
      const info = await fs.stat(path);
      const stamp = `${info.mtimeMs}:${info.size}`;
      if (stamp !== seen) {
        const body = new Uint8Array(await fs.readFile(path));
        seen = stamp;
        // A half-written (empty) file is skipped; the next poll reads it whole.
        if (body.length > 0 && !stopped) changed(body);
      }
    } catch {
      // Missing while being replaced (write to a temp file, then rename): try again next poll.
    }
    if (!stopped) timer = setTimeout(poll, pollMs);
  }
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pushed image</title>
</head><body style="font:16px/1.5 system-ui,sans-serif;margin:2rem">
<h1>A pushed image file</h1>
<p><img id="img" src="/image" alt="the pushed file" style="max-width:100%"
  onerror="if (!this.dataset.pull) { this.dataset.pull = '1'; location.replace('/pull'); }"></p>
<p>It changes when the file on the server changes.
No push here? <a href="/pull">/pull</a> reloads <a href="/snapshot">/snapshot</a> every second.</p>
</body></html>`;

const PULL_PAGE =
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pushed image (pull)</title>
</head><body style="font:16px/1.5 system-ui,sans-serif;margin:2rem">
<p><img src="/snapshot" alt="the file, reloaded every second" style="max-width:100%"></p>
</body></html>`;

/**
 * The app for the image at `path`: `/` the page, `/image` the push, `/snapshot` the current
 * picture, `/pull` the client-pull page.
 *
 * @example
 * ```ts ignore
 * const app = imageFileApp("./webcam.jpg");
 * Deno.serve(app.handler);
 * ```
 * @throws {RangeError} when the file's extension is not a known image type.
 */
export function imageFileApp(path: string, options: ImageFileOptions = {}): ImageFileApp {
  const extension = path.split(".").pop()?.toLowerCase() ?? "";
  const type = TYPES[extension];
  if (type === undefined) {
    throw new RangeError(`path must end in .${Object.keys(TYPES).join(", .")}, got ${path}`);
  }
  const pollMs = options.pollMs ?? 1000;
  // A plain hub fed by a poller (a stat per poll), so /snapshot is current even with no viewer.
  const hub = new PushHub({ dropSame: true, idleTimeout: Infinity });
  const stop = watchFile(path, pollMs, (body) => hub.publish({ contentType: type, body }));
  function handler(request: Request): Response {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/":
        return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
      case "/image":
        return hub.response(request);
      case "/snapshot":
        return hub.snapshot();
      case "/pull":
        return refreshResponse(PULL_PAGE, { seconds: 1 }, {
          headers: { "content-type": "text/html; charset=utf-8" },
        });
      default:
        return new Response("not found\n", { status: 404 });
    }
  }
  return {
    handler,
    hub,
    close(): void {
      stop();
      hub.close();
    },
  };
}

if (import.meta.main) {
  const g = globalThis as { Deno?: { args: string[] }; process?: { argv: string[] } };
  const path = g.Deno?.args[0] ?? g.process?.argv[2];
  if (path === undefined) throw new TypeError("usage: image_file.ts <picture.jpg>");
  const { serve } = await import("./serve_main.ts");
  await serve(imageFileApp(path).handler);
}
