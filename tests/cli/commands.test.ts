// The `multipart-push` command line (issue 24): usage and its errors on every runtime; on the
// runtimes with node:http, the exit codes against real servers (0 healthy, 1 a problem, 2 could
// not connect), --json, the demo read by the doctor, and the program itself run as a subprocess.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type CliIo, runCli } from "../../lib/cli/commands.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { served } from "../_helpers/serve.ts";
import { delay } from "../_helpers/streams.ts";

const why = canSpawn ? "" : ` (skipped on ${runtime}: the doctor connects with node:http)`;

/** Runs the command line, keeping what it wrote. */
async function cli(args: string[], stop: Promise<void> = new Promise(() => {})) {
  const out: string[] = [], err: string[] = [];
  const io: CliIo = { out: (text) => out.push(text), err: (text) => err.push(text), stop };
  const code = await runCli(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A made-up server's push: `frames` parts 100 ms apart, then an empty part and the close. */
function emptyEnding(frames: number): Response {
  const text = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(text.encode("--B\r\n"));
      for (let i = 0; i < frames; i++) {
        controller.enqueue(text.encode(`Content-Type: text/plain\r\n\r\nframe ${i}\r\n--B\r\n`));
        await delay(100);
      }
      controller.enqueue(text.encode("\r\n--B--\r\n"));
      controller.close();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "multipart/x-mixed-replace; boundary=B",
      "Cache-Control": "no-cache, no-transform",
    },
  });
}

describe(`multipart-push (the command line) on ${runtime}`, () => {
  it("--help and no command print the usage, exit 0", async () => {
    for (const args of [["--help"], []]) {
      const { code, out } = await cli(args);
      assert.equal(code, 0);
      assert.match(out, /multipart-push doctor <url> \[--seconds N\] \[--json\]/);
    }
  });

  it("bad usage exits 2 and says what is wrong", async () => {
    for (
      const [args, message] of [
        [["doctor"], /doctor takes one URL/],
        [
          ["doctor", "ftp://camera/"],
          /url must be an http:\/\/ or https:\/\/ URL, got the string "ftp:\/\/camera\/"/,
        ],
        [["doctor", "http://x/", "--seconds", "-1"], /--seconds must be .* got "-1"/],
        [["doctor", "http://x/", "--colour"], /unknown option "--colour"/],
        [["demo", "--port", "70000"], /--port must be a port number, got "70000"/],
        [["serve"], /unknown command "serve"/],
      ] as const
    ) {
      const { code, err } = await cli([...args]);
      assert.equal(code, 2, args.join(" "));
      assert.match(err, message);
    }
  });

  it(`doctor: exit 2 when nothing answers${why}`, { skip: !canSpawn }, async () => {
    const { code, err } = await cli(["doctor", "http://127.0.0.1:1/stream", "--seconds", "1"]);
    assert.equal(code, 2);
    assert.match(err, /could not connect to http:\/\/127\.0\.0\.1:1\/stream: .*ECONNREFUSED/);
  });

  it(
    `doctor: exit 1 on a hub that is full (503, Retry-After)${why}`,
    { skip: !canSpawn },
    async () => {
      const hub = new PushHub({ maxSubscribers: 1, retryAfter: 7 });
      const viewer = hub.response().body!; // the one viewer it takes
      await served((request) => hub.response(request), async (url) => {
        const { code, out } = await cli(["doctor", url, "--seconds", "1", "--json"]);
        assert.equal(code, 1);
        const diagnosis = JSON.parse(out);
        assert.equal(diagnosis.status, 503);
        assert.equal(diagnosis.findings[0].code, "unavailable");
        assert.match(diagnosis.findings[0].message, /Retry-After: 7 s/);
      });
      await viewer.cancel();
      hub.close();
    },
  );

  it(
    `doctor: exit 1 on a push that ends with an empty part${why}`,
    { skip: !canSpawn },
    async () => {
      await served(() => emptyEnding(6), async (url) => {
        const { code, out } = await cli(["doctor", url, "--seconds", "3"]);
        assert.equal(code, 1, out);
        assert.match(out, /PROBLEM the push ends with an empty part/);
        assert.match(out, /PROBLEM the push ended after 7 parts/);
      });
    },
  );

  it(`demo serves a live clock the doctor finds healthy; stopping it ends it${why}`, {
    skip: !canSpawn,
  }, async () => {
    let stop!: () => void;
    let printed!: (url: string) => void;
    const url = new Promise<string>((resolve) => (printed = resolve));
    const demo = runCli(["demo", "--port", "0"], {
      out: (text) => printed(/open (http:\S+\/)/.exec(text)![1]),
      err: (text) => assert.fail(text),
      stop: new Promise((resolve) => (stop = resolve)),
    });
    try {
      const page = await fetch(await url);
      assert.match(await page.text(), /<img src="\/stream"/);
      const { code, out } = await cli(["doctor", `${await url}stream`, "--seconds", "2", "--json"]);
      const diagnosis = JSON.parse(out);
      assert.equal(code, 0, out);
      assert.equal(diagnosis.healthy, true);
      assert.ok(diagnosis.parts >= 10, `${diagnosis.parts} parts in 2 s at 10 fps`);
      assert.ok(diagnosis.contentType.startsWith("multipart/x-mixed-replace"));
      assert.equal(diagnosis.lateness.read, "reader", "stamps read as a reader");
    } finally {
      stop();
    }
    assert.equal(await demo, 0);
    await assert.rejects(fetch(await url), "the demo's server is closed");
  });

  it(`the program run by ${runtime}: --help exits 0, a refused port exits 2${why}`, {
    skip: !canSpawn,
  }, async () => {
    const help = await program(["--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /multipart-push demo \[--port N\]/);
    const refused = await program(["doctor", "http://127.0.0.1:1/", "--seconds", "1"]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /could not connect/);
  });
});

/** lib/cli/main.ts run as its own process by this runtime. */
async function program(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const name = "node:child_process";
  const { execFile } = await import(name) as typeof import("node:child_process");
  const main = new URL("../../lib/cli/main.ts", import.meta.url).pathname;
  const g = globalThis as { Deno?: { execPath(): string }; process?: { execPath: string } };
  const [command, ...first] = runtime === "deno"
    ? [g.Deno!.execPath(), "run", "-A", main]
    : [g.process!.execPath, main];
  return await new Promise((resolve) => {
    execFile(command, [...first, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
