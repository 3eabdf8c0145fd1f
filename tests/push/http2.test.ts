// Twelve <img> pushes on one page in Chromium (issue 14 item 6): over HTTP/1.1 a browser opens at
// most 6 connections per host, so only 6 pushes run; over HTTP/2 (TLS, ALPN) all 12 share one
// connection and all update. On Node's http2.createSecureServer and on Deno.serve with TLS.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import { BLUE, GREEN, solidJpeg } from "../_helpers/jpeg.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { type Handler, serve, serveTls, type Tls } from "../_helpers/serve.ts";

const PUSHES = 12;
const h2 = runtime === "node" || runtime === "deno";
const why = !canSpawn
  ? ` (skipped on ${runtime}: no subprocesses)`
  : !h2
  ? ` (skipped on ${runtime}: Bun.serve negotiates no HTTP/2)`
  : "";
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A throwaway self-signed certificate for 127.0.0.1, made by Debian's openssl. */
async function selfSigned(): Promise<Tls> {
  const names = ["node:child_process", "node:fs/promises", "node:os"];
  const { execFile } = await import(names[0]) as typeof import("node:child_process");
  const fs = await import(names[1]) as typeof import("node:fs/promises");
  const os = await import(names[2]) as typeof import("node:os");
  const dir = await fs.mkdtemp(`${os.tmpdir()}/tls-test-`);
  try {
    await new Promise<void>((resolve, reject) =>
      execFile("openssl", [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1"],
        ...["-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`],
      ], (error) => (error ? reject(error) : resolve()))
    );
    return {
      cert: await fs.readFile(`${dir}/cert.pem`, "utf8"),
      key: await fs.readFile(`${dir}/key.pem`, "utf8"),
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The page of 12 pushes, and the pushes: frames alternating green and blue every 150 ms. */
function twelve(stop: AbortSignal, opened: Set<string>): Handler {
  return (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/") {
      const imgs = Array.from({ length: PUSHES }, (_, i) => `<img src="/cam/${i}" width=32>`);
      return new Response(`<!doctype html><body>${imgs.join("")}</body>`, {
        headers: { "content-type": "text/html" },
      });
    }
    if (!url.pathname.startsWith("/cam/")) return new Response("", { status: 404 });
    opened.add(url.pathname);
    return pushResponse(
      (async function* (): AsyncGenerator<Part> {
        for (let i = 0; !stop.aborted; i++) {
          yield { contentType: "image/jpeg", body: solidJpeg(i % 2 ? BLUE : GREEN) };
          await sleep(150);
        }
      })(),
      { request, idleTimeout: 30_000 },
    );
  };
}

// Counts the <img>s showing a picture whose colour changes while it is watched.
const UPDATING = `(async () => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const read = () => [...document.images].map((img) => {
    if (img.naturalWidth === 0) return "";
    context.drawImage(img, 16, 16, 1, 1, 0, 0, 1, 1);
    return context.getImageData(0, 0, 1, 1).data.join();
  });
  const seen = document.images.length ? [...document.images].map(() => new Set()) : [];
  for (let i = 0; i < 12; i++) {
    read().forEach((color, n) => color && seen[n].add(color));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return seen.filter((colors) => colors.size >= 2).length;
})()`;

describe(`12 <img> pushes on one page in Chromium, on ${runtime}${why}`, () => {
  for (const tls of [false, true]) {
    const name = tls ? "HTTP/2 over TLS: all 12 update" : "HTTP/1.1: only 6 run";
    it(`${name}${why}`, { skip: !canSpawn || !h2, timeout: 30_000 }, async () => {
      const { launchChromium } = await import("../_helpers/chromium.ts");
      const stop = new AbortController();
      const opened = new Set<string>();
      const handler = twelve(stop.signal, opened);
      const server = tls ? await serveTls(handler, await selfSigned()) : await serve(handler);
      const browser = await launchChromium();
      try {
        const context = await browser.newContext({ ignoreHTTPSErrors: true });
        const page = await context.newPage();
        await page.goto(server.url, { waitUntil: "commit" });
        await sleep(1000);
        const updating = await page.evaluate<number>(UPDATING);
        const expected = tls ? PUSHES : 6;
        assert.equal(updating, expected, `${updating} of ${PUSHES} updating`);
        assert.equal(opened.size, expected, `${opened.size} pushes reached the server`);
      } finally {
        stop.abort();
        await browser.close();
        await server.close();
      }
    });
  }
});
