// The per-runtime examples, each checked with a real client: the handlers served in-process on
// this runtime's own server, and each example file started as its own program (deno run, bun,
// node, deno serve) and read over loopback. The Worker also runs in workerd through miniflare.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { handler as clockHandler } from "../../examples/clock.ts";
import { app } from "../../examples/hono.ts";
import worker from "../../examples/worker.ts";
import { startWorker, wranglerToml } from "../_helpers/miniflare.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { served } from "../_helpers/serve.ts";

/** The repository root (computed lazily: workerd bundles have no file URL). */
function root(): URL {
  return new URL("../../", import.meta.url);
}

/** Reads the clock push at `base` and checks its pictures. */
async function checkClock(base: string): Promise<void> {
  const page = await fetch(new URL("/", base));
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<img src="\/clock"/);
  const response = await fetch(new URL("/clock?count=3&ms=20", base));
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^multipart\/x-mixed-replace;boundary=/);
  const faces: string[] = [];
  for await (const part of parseParts(response)) {
    assert.equal(part.contentType, "image/svg+xml");
    faces.push(part.text());
  }
  assert.equal(faces.length, 3);
  faces.forEach((svg, i) => {
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, new RegExp(`\\d\\d:\\d\\d:\\d\\d UTC #${i + 1}<`));
  });
}

type Child = {
  stdout: { on(event: "data", cb: (chunk: Uint8Array) => void): void };
  stderr: { on(event: "data", cb: (chunk: Uint8Array) => void): void };
  on(event: "exit", cb: (code: number | null) => void): void;
  kill(signal?: string): boolean;
  exitCode: number | null;
};

/**
 * Start an example as its own program on loopback with PORT=0 and a deadline, wait for the URL it
 * prints, run `check`, then stop it.
 */
async function started(
  command: string[],
  env: Record<string, string>,
  check: (url: string) => Promise<void>,
): Promise<void> {
  const name = "node:child_process";
  const { spawn } = await import(name) as typeof import("node:child_process");
  const bin = new URL(`node_modules/.bin/${command[0]}`, root()).pathname;
  const child = spawn(bin, command.slice(1), {
    cwd: root().pathname,
    env: { ...globalThis.process?.env, HOST: "127.0.0.1", PORT: "0", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  }) as unknown as Child;
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no URL printed in 20 s: ${out}`)), 20_000);
      // Deno prints "Listening on" to stderr, the others to stdout.
      const read = (chunk: Uint8Array): void => {
        out += new TextDecoder().decode(chunk);
        const match = /https?:\/\/[\w.]+:(\d+)\/?/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${match[1]}/`);
        }
      };
      child.stdout.on("data", read);
      child.stderr.on("data", read);
      child.on("exit", (code) => reject(new Error(`exited with ${code} before listening: ${out}`)));
    });
    await check(url);
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

describe("runtime examples", () => {
  it("examples/clock.ts handler pushes SVG clock faces on this runtime's server", async () => {
    await served(clockHandler, checkClock);
  });

  it("examples/hono.ts app pushes through Hono on this runtime's server", async () => {
    await served((request) => app.fetch(request), checkClock);
  });

  it("examples/worker.ts fetch export pushes on this runtime's server", async () => {
    await served((request) => worker.fetch(request), checkClock);
  });

  it("answers 404 off its routes", () => {
    assert.equal(clockHandler(new Request("http://x/nope")).status, 404);
  });

  const spawnSkip = canSpawn ? undefined : "skipped on workerd: no subprocesses";
  const why = spawnSkip ? ` (${spawnSkip})` : "";
  it(`deno run examples/deno.ts serves the push${why}`, { skip: !canSpawn }, async () => {
    await started(
      ["deno", "run", "--allow-net", "--allow-env", "examples/deno.ts"],
      {},
      checkClock,
    );
  });

  it(`bun examples/bun.ts serves the push${why}`, { skip: !canSpawn }, async () => {
    await started(["bun", "examples/bun.ts"], {}, checkClock);
  });

  it(`node examples/node.ts serves the push${why}`, { skip: !canSpawn }, async () => {
    await started(["node", "examples/node.ts"], {}, checkClock);
  });

  it(`deno serve examples/hono.ts serves the push${why}`, { skip: !canSpawn }, async () => {
    await started(
      ["deno", "serve", "--allow-net", "--host", "127.0.0.1", "--port", "0", "examples/hono.ts"],
      {},
      checkClock,
    );
  });

  const noMiniflare = runtime === "node"
    ? ""
    : ` (skipped on ${runtime}: miniflare is driven from Node)`;
  it(
    `examples/worker.ts runs in workerd through miniflare with wrangler.toml's settings${noMiniflare}`,
    { skip: runtime !== "node" },
    async () => {
      const toml = await wranglerToml();
      const main = /^main\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
      assert.equal(main, "examples/worker.ts");
      const worker = await startWorker(toml, main!);
      try {
        await checkClock(worker.url.href);
      } finally {
        await worker.dispose();
      }
    },
  );
});
