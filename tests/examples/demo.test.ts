/// <reference lib="dom" />
// The demo (`npm run demo`): the synthetic camera, the demo server on this runtime's own server
// read with fetch and ffprobe, the --ffmpeg camera (`npm run demo` itself: commands.test.ts), and
// Chromium showing the live page (it also takes the README's screenshot, docs/demo.png).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { ReceivedPart } from "../../lib/parse/received_part.ts";
import { SyntheticCamera } from "../../examples/demo/camera.ts";
import { createDemo, type Demo } from "../../examples/demo/demo.ts";
import { ffmpegCamera, splitArgs } from "../../examples/demo/ffmpeg.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";

const noSpawn = canSpawn ? "" : ` (skipped on ${runtime}: no subprocesses)`;

function root(): URL {
  return new URL("../../", import.meta.url);
}

/** The first `count` parts of a push at `url`; leaving the loop closes the connection. */
async function firstParts(url: string, count: number): Promise<ReceivedPart[]> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  const parts: ReceivedPart[] = [];
  for await (const part of parseParts(response)) {
    parts.push(part);
    if (parts.length === count) break;
  }
  return parts;
}

function decode(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  return jpeg.decode(bytes, { useTArray: true });
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (let i = 0; i < 1000 && Date.now() < end; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return await check();
}

async function spawnModule(): Promise<typeof import("node:child_process")> {
  const name = "node:child_process";
  return await import(name) as typeof import("node:child_process");
}

describe("demo: synthetic camera", () => {
  it("draws distinct JPEG frames of the asked size, counting them", () => {
    const camera = new SyntheticCamera({ width: 160, height: 120 });
    const a = camera.frame(new Date(0));
    const b = camera.frame(new Date(40));
    assert.equal(camera.frames, 2);
    for (const frame of [a, b]) {
      assert.deepEqual([frame[0], frame[1], frame.at(-2), frame.at(-1)], [0xff, 0xd8, 0xff, 0xd9]);
      const picture = decode(frame);
      assert.deepEqual([picture.width, picture.height], [160, 120]);
    }
    assert.notDeepEqual(a, b);
  });

  it("refuses sizes and qualities it cannot draw", () => {
    assert.throws(() => new SyntheticCamera({ width: 10 }), /options\.width/);
    assert.throws(() => new SyntheticCamera({ height: 5000 }), /options\.height/);
    assert.throws(() => new SyntheticCamera({ quality: 0 }), /options\.quality/);
    assert.throws(() => createDemo({ fps: 100 }), /options\.fps/);
  });
});

describe("demo: server", () => {
  let demo: Demo;
  let server: Served;
  before(async () => {
    demo = createDemo({ fps: 20, width: 160, height: 120 });
    server = await serve(demo.handler);
  });
  after(async () => {
    demo.close();
    await server.close();
  });

  it("serves the page with the live <img>, the viewer badge, /snapshot and the 2 fps link", async () => {
    const response = await fetch(server.url);
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    const html = await response.text();
    assert.match(html, /<img class="live" id="live" src="\/stream"/);
    assert.match(html, /href="\/snapshot"/);
    assert.match(html, /href="\/stream\?fps=2"/);
    assert.match(html, /<img src="\/viewers"/);
  });

  it("/stream pushes moving JPEG frames from the hub", async () => {
    const parts = await firstParts(new URL("stream", server.url).href, 4);
    const frames = parts.map((part) => {
      assert.equal(part.contentType, "image/jpeg");
      const picture = decode(part.body);
      assert.deepEqual([picture.width, picture.height], [160, 120]);
      return part.body;
    });
    assert.equal(new Set(frames.map((f) => f.join())).size, 4, "four different frames");
    assert.ok(await waitFor(() => demo.hub.subscribers === 0, 5000), "viewer left the hub");
  });

  it("/stream?fps=2 caps the viewer's frame rate", async () => {
    const controller = new AbortController();
    const response = await fetch(new URL("stream?fps=2", server.url), {
      signal: controller.signal,
    });
    const timer = setTimeout(() => controller.abort(), 2000);
    let count = 0;
    try {
      for await (const part of parseParts(response, { signal: controller.signal })) {
        assert.equal(part.contentType, "image/jpeg");
        count++;
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
    }
    // In 2 s at 2 fps: the replayed frame plus about 4 (uncapped, the camera gives 20 fps).
    assert.ok(count >= 2 && count <= 7, `got ${count} frames`);
    assert.equal((await fetch(new URL("stream?fps=0", server.url))).status, 400);
  });

  it("counts viewers in /stats and in the pushed /viewers badge", async () => {
    // workerd drops a viewer on request.signal, a moment after the client left.
    assert.ok(await waitFor(() => demo.hub.subscribers === 0, 5000), "earlier viewers left");
    const controller = new AbortController();
    const watching = await fetch(new URL("stream", server.url), { signal: controller.signal });
    const reader = watching.body!.getReader();
    await reader.read();
    try {
      const stats = await (await fetch(new URL("stats", server.url))).json();
      assert.equal(stats.camera.viewers, 1);
      assert.ok(stats.camera.framesDrawn > 0);
      const [badge] = await firstParts(new URL("viewers", server.url).href, 1);
      assert.equal(badge.contentType, "image/svg+xml");
      assert.match(badge.text(), />1 viewer watching</);
    } finally {
      controller.abort();
      await reader.cancel().catch(() => {});
    }
  });

  it("/snapshot is one JPEG with Content-Length, with or without viewers", async () => {
    const response = await fetch(new URL("snapshot", server.url));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "image/jpeg");
    const bytes = new Uint8Array(await response.arrayBuffer());
    assert.equal(decode(bytes).width, 160);
  });

  it(`ffprobe reads /stream as MJPEG${noSpawn}`, { skip: !canSpawn }, async () => {
    const { execFile } = await spawnModule();
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        "ffprobe",
        [
          ...["-v", "error", "-read_intervals", "%+#5", "-count_frames"],
          ...["-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json"],
          new URL("stream", server.url).href,
        ],
        { timeout: 20_000 },
        (error, stdout) => error ? reject(error) : resolve(stdout),
      );
    });
    const [stream] = JSON.parse(out).streams;
    assert.equal(stream.codec_name, "mjpeg");
    assert.deepEqual([stream.width, stream.height], [160, 120]);
    assert.ok(Number(stream.nb_read_frames) >= 5, out);
  });
});

describe("demo: real camera through ffmpeg", () => {
  it("splits quoted ffmpeg arguments like a shell", () => {
    assert.deepEqual(splitArgs(`-f lavfi -i "testsrc=size=64x48" -vf 'scale=32:24'`), [
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=64x48",
      "-vf",
      "scale=32:24",
    ]);
  });

  it(`--ffmpeg frames reach viewers through jpegFrames and the hub${noSpawn}`, {
    skip: !canSpawn,
  }, async () => {
    const args = splitArgs("-f lavfi -i testsrc=size=128x96:rate=15");
    const demo = createDemo({ source: () => ffmpegCamera(args), label: "ffmpeg testsrc" });
    const server = await serve(demo.handler);
    try {
      const parts = await firstParts(new URL("stream", server.url).href, 3);
      for (const part of parts) {
        assert.equal(part.contentType, "image/jpeg");
        assert.deepEqual([decode(part.body).width, decode(part.body).height], [128, 96]);
      }
      assert.match(await (await fetch(server.url)).text(), /A live ffmpeg testsrc/);
    } finally {
      demo.close();
      await server.close();
    }
  });
});

describe("demo: Chromium", () => {
  it(
    `shows a live picture in the page; screenshot to docs/demo.png when missing${noSpawn}`,
    { skip: !canSpawn },
    async () => {
      const { launchChromium } = await import("../_helpers/chromium.ts");
      const demo = createDemo();
      const server = await serve(demo.handler);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 760, height: 720 } });
        await page.goto(server.url, { waitUntil: "commit" });
        const live = page.locator("#live");
        await live.waitFor({ state: "attached" });
        const painted = () =>
          page.evaluate(() => (document.getElementById("live") as HTMLImageElement).naturalWidth);
        assert.ok(await waitFor(async () => (await painted()) === 320, 10_000), "frame painted");
        const first = await live.screenshot();
        let moved = false;
        await waitFor(async () => (moved = !sameBytes(await live.screenshot(), first)), 5000);
        assert.ok(moved, "the picture changes: it is live");
        const badge = () =>
          page.evaluate(() =>
            (document.querySelector('img[src="/viewers"]') as HTMLImageElement)
              .naturalWidth
          );
        assert.ok(await waitFor(async () => (await badge()) > 0, 5000), "viewer badge painted");
        // Rewritten on Node only, and only when missing or asked for (UPDATE_SCREENSHOT=1), so a
        // test run does not leave the tree changed by a new clock in the picture.
        const name = "node:fs/promises";
        const fs = await import(name) as typeof import("node:fs/promises");
        const file = new URL("docs/demo.png", root());
        const missing = await fs.access(file).then(() => false, () => true);
        if (runtime === "node" && (missing || globalThis.process?.env.UPDATE_SCREENSHOT === "1")) {
          await fs.mkdir(new URL("docs/", root()), { recursive: true });
          await fs.writeFile(file, await page.screenshot({ fullPage: true }));
        }
      } finally {
        await browser.close();
        demo.close();
        await server.close();
      }
    },
  );
});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
