// Every run command the README and the examples' doc comments write, started as written (as its
// own program, on a free loopback port) and checked with a real client: fetch and the decoder,
// curl for the command the GraphQL example prints, the JPEG's own size for the demo's ffmpeg
// camera. A guard reads the README and the doc comments, so a new command must be added here.
// The commands name their runtime themselves, so they run once, from the Node test run.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { ReceivedPart } from "../../lib/parse/received_part.ts";
import { checkClock } from "../_helpers/clock_check.ts";
import { outputOf, repoRoot, runCommand } from "../_helpers/commands.ts";
import { RED, solidJpeg } from "../_helpers/jpeg.ts";
import { runtime } from "../_helpers/runtime.ts";
import { startNats } from "../_helpers/bus_servers.ts";
import { withoutRepeat } from "../_helpers/repeated_last.ts";

/** The first `count` parts of the push at `url` (leaving the loop closes the connection). */
async function parts(url: URL, count = Infinity): Promise<ReceivedPart[]> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url.href);
  const got: ReceivedPart[] = [];
  for await (const part of parseParts(response)) {
    got.push(part);
    if (got.length === count) break;
  }
  return got;
}

/** The parts pushed at `url`, read to the end: the last one's repeat checked and left out. */
async function pushed(url: URL): Promise<ReceivedPart[]> {
  return withoutRepeat(await parts(url));
}

/** Width and height from a JPEG's first SOF marker. */
function jpegSize(jpeg: Uint8Array): { width: number; height: number } {
  for (let i = 2; i + 9 < jpeg.length;) {
    const marker = jpeg[i + 1];
    if (marker >= 0xc0 && marker <= 0xc3) {
      return { height: (jpeg[i + 5] << 8) | jpeg[i + 6], width: (jpeg[i + 7] << 8) | jpeg[i + 8] };
    }
    i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
  }
  throw new Error("no SOF marker");
}

const checkProcesses = async (base: string): Promise<void> => {
  const got = await pushed(new URL("processes?every=0.2&count=2", base));
  assert.equal(got.length, 2);
  for (const part of got) assert.match(part.text(), /Processes On This Server[^]*PID/);
};

const checkPleaseWait = async (base: string): Promise<void> => {
  assert.match(await (await fetch(base)).text(), /<form method="post" action="\/jobs">/);
  const started = await fetch(new URL("jobs", base), { method: "POST", redirect: "manual" });
  assert.equal(started.status, 303);
  const waiting = await fetch(started.headers.get("location")!);
  assert.equal(waiting.headers.get("refresh"), "1");
  assert.match(await waiting.text(), /Please wait/);
};

const checkPleaseWaitPush = async (base: string): Promise<void> => {
  const got = await pushed(new URL("search?q=cats&ms=50", base));
  assert.deepEqual(got.map((part) => /Please wait|Results for “cats”/.exec(part.text())?.[0]), [
    "Please wait",
    "Results for “cats”",
  ]);
};

const checkThreePages = async (base: string): Promise<void> => {
  const got = await pushed(new URL("pages?ms=20", base));
  assert.deepEqual(got.map((part) => part.text()), [
    "<p>First Page</p>",
    "<p>Second Page</p>",
    "<p>Third Page</p>",
  ]);
};

const checkHtmlPush = async (base: string): Promise<void> => {
  assert.match(await (await fetch(base)).text(), /pushInto\(/);
  const got = await pushed(new URL("ticker?count=2&ms=20", base));
  assert.equal(got.length, 2);
  for (const part of got) assert.equal(part.contentType, "text/html; charset=utf-8");
  assert.notEqual(got[0].text(), got[1].text());
};

/** The doc comment's curl command, pointed at the started example's port, with `body`. */
async function curlGraphql(base: string, body: string): Promise<string> {
  const url = `http://127.0.0.1:${new URL(base).port}/graphql?ms=10`;
  const json = ["-H", "accept: multipart/mixed", "-H", "content-type: application/json"];
  return await outputOf("curl", ["-sN", ...json, "-d", body, url]);
}

async function checkGraphql(base: string): Promise<void> {
  const out = await curlGraphql(
    base,
    '{"query":"{ user { name ... @defer { bio } friends @stream } }"}',
  );
  for (
    const text of ["Ada Lovelace", "Wrote the first program.", "Michael Faraday", '"hasNext":false']
  ) {
    assert.ok(out.includes(text), `curl's answer lacks ${text}: ${out}`);
  }
  const subscription = await curlGraphql(base, '{"query":"subscription { clock(count: 3) }"}');
  assert.equal(subscription.match(/"clock":"\d{4}-\d\d-\d\dT/g)?.length, 3, subscription);
}

/** The demo: its page, two JPEG frames of `size` from /stream, and a JPEG /snapshot. */
function checkDemo(width: number, height: number): (base: string) => Promise<void> {
  return async (base) => {
    assert.match(await (await fetch(base)).text(), /<img class="live" id="live" src="\/stream"/);
    const frames = await parts(new URL("stream", base), 2);
    for (const frame of frames) {
      assert.equal(frame.contentType, "image/jpeg");
      assert.deepEqual(jpegSize(frame.body), { width, height });
    }
    const snapshot = await fetch(new URL("snapshot", base));
    assert.equal(snapshot.headers.get("content-type"), "image/jpeg");
    assert.deepEqual(jpegSize(new Uint8Array(await snapshot.arrayBuffer())), { width, height });
  };
}

/** The README, read once. */
async function readme(): Promise<string> {
  const name = "node:fs/promises";
  const { readFile } = await import(name) as typeof import("node:fs/promises");
  return await readFile(`${repoRoot()}README.md`, "utf8");
}

/** The temporary folders the tests made, removed after them. */
const made: string[] = [];

/** A fresh temporary folder, removed after the tests. */
async function tempDir(prefix: string): Promise<string> {
  const [fs, os] = ["node:fs/promises", "node:os"];
  const { mkdtemp } = await import(fs) as typeof import("node:fs/promises");
  const { tmpdir } = await import(os) as typeof import("node:os");
  const dir = await mkdtemp(`${tmpdir()}/${prefix}`);
  made.push(dir);
  return dir;
}

/**
 * The first ```ts block under the README's `heading`, as a file importing this clone's mod.ts
 * (as the README says to until the package is published).
 */
async function readmeSnippet(heading: string): Promise<string> {
  const name = "node:fs/promises";
  const { writeFile } = await import(name) as typeof import("node:fs/promises");
  const text = await readme();
  const code = /```ts\n([^]*?)```/.exec(text.slice(text.indexOf(heading)))![1];
  assert.match(code, /from "multipart-push";/);
  const file = `${await tempDir("mpush-readme-")}/snippet.ts`;
  await writeFile(file, code.replace('from "multipart-push";', `from "${repoRoot()}mod.ts";`));
  return file;
}

/** The README's ffmpeg publishing command, as written but for its placeholders. */
async function readmeFfmpeg(): Promise<string> {
  const text = await readme();
  const block = /```sh\n(ffmpeg [^]*?)\n#/.exec(text)![1];
  return block.replace(/\\\n\s*/g, "");
}

/** A folder holding `picture.jpg` and a link to the clone's examples/, for image_file.ts. */
async function pictureFolder(): Promise<string> {
  const name = "node:fs/promises";
  const { symlink, writeFile } = await import(name) as typeof import("node:fs/promises");
  const dir = await tempDir("mpush-picture-");
  await writeFile(`${dir}/picture.jpg`, solidJpeg(RED));
  for (const name of ["examples", "lib", "mod.ts", "node_modules", "package.json", "deno.json"]) {
    await symlink(`${repoRoot()}${name}`, `${dir}/${name}`);
  }
  return dir;
}

/** The files a clone has (what git tracks that the demo reads), without node_modules. */
async function freshClone(): Promise<string> {
  const name = "node:fs/promises";
  const { cp } = await import(name) as typeof import("node:fs/promises");
  const dir = await tempDir("mpush-clone-");
  for (
    const path of [
      "package.json",
      "package-lock.json",
      "deno.json",
      "mod.ts",
      "lib",
      "examples",
      "scripts",
    ]
  ) {
    await cp(`${repoRoot()}${path}`, `${dir}/${path}`, { recursive: true });
  }
  return dir;
}

const checkImageFile = async (base: string): Promise<void> => {
  const [first] = await parts(new URL("image", base), 1);
  assert.deepEqual(first.body, solidJpeg(RED));
  const snapshot = await fetch(new URL("snapshot", base));
  assert.deepEqual(new Uint8Array(await snapshot.arrayBuffer()), solidJpeg(RED));
};

async function exists(path: string): Promise<boolean> {
  const name = "node:fs/promises";
  const { access } = await import(name) as typeof import("node:fs/promises");
  return await access(path).then(() => true, () => false);
}

interface Documented {
  /** The command as written (after `(or bun / node)` is spelled out). */
  command: string;
  check: (base: string) => Promise<void>;
  cwd?: () => Promise<string>;
  /** Where it runs, when that is not this checkout. */
  where?: string;
  /** Why it cannot run here, when it cannot. */
  skip?: string | undefined;
}

const seeds: [string, (base: string) => Promise<void>][] = [
  ["processes", checkProcesses],
  ["please_wait", checkPleaseWait],
  ["please_wait_push", checkPleaseWaitPush],
  ["three_pages", checkThreePages],
  ["html_push", checkHtmlPush],
  ["graphql_defer", checkGraphql],
];

const lavfi = 'npm run demo -- --ffmpeg "-re -f lavfi -i testsrc=size=640x360:rate=25"';

/** The lavfi camera: 640×360 frames, at its 25 fps (`-re`), not as fast as ffmpeg can draw. */
async function checkLavfi(base: string): Promise<void> {
  await checkDemo(640, 360)(base);
  const controller = new AbortController();
  const response = await fetch(new URL("stream", base), { signal: controller.signal });
  const timer = setTimeout(() => controller.abort(), 2000);
  let frames = 0;
  try {
    for await (const _ of parseParts(response)) frames++;
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  assert.ok(frames >= 10 && frames <= 70, `${frames} frames in 2 s from a 25 fps source`);
}

/** Every command run here. */
const documented: Documented[] = [
  { command: "deno run --allow-net --allow-env examples/deno.ts", check: checkClock },
  {
    command: "node_modules/.bin/deno run --allow-net --allow-env examples/deno.ts",
    check: checkClock,
  },
  { command: "bun examples/bun.ts", check: checkClock },
  { command: "node examples/node.ts", check: checkClock },
  { command: "deno serve --allow-net examples/hono.ts", check: checkClock },
  { command: "bun examples/hono.ts", check: checkClock },
  ...seeds.flatMap(([name, check]) =>
    ["deno run -A", "bun", "node"].map((run) => ({ command: `${run} examples/${name}.ts`, check }))
  ),
  ...["deno run --allow-net --allow-read --allow-env", "bun", "node"].map((run) => ({
    command: `${run} examples/image_file.ts picture.jpg`,
    check: checkImageFile,
    cwd: pictureFolder,
  })),
  { command: "npm run demo", check: checkDemo(320, 240) },
  {
    command: "npm run demo",
    check: checkDemo(320, 240),
    cwd: freshClone,
    where: "on a fresh clone: no node_modules, so it fetches Deno alone",
  },
  { command: "deno run --allow-net --allow-env examples/demo/main.ts", check: checkDemo(320, 240) },
  { command: lavfi, check: checkLavfi },
  {
    command: 'npm run demo -- --ffmpeg "-f v4l2 -i /dev/video0"',
    check: checkDemo(640, 480),
    skip: runtime === "node" && !await exists("/dev/video0")
      ? "skipped: no camera at /dev/video0 on this machine"
      : undefined,
  },
];

// The cluster's commands, as their doc comments write them (indented, with optional arguments).
const CAMERA =
  "node examples/cluster/camera.ts [--bus nats://127.0.0.1:4222] [--subject camera.1] " +
  '[--fps 10] [--frames N] [--ffmpeg "<ffmpeg input args>"]';
const EDGE =
  "PORT=8001 node examples/cluster/edge.ts [--bus nats://127.0.0.1:4222] [--subject camera.1]";

/**
 * Commands written down that are run elsewhere or not at all, with where or why. The guard below
 * fails on any written command in neither list.
 */
const elsewhere: Record<string, string> = {
  "npm test": "the whole suite",
  "npm run bench": "the benchmarks (minutes; BENCHMARKS.md)",
  "npm run soak": "the soak run (minutes)",
  "node bench/hub.bench.ts --scan": "a benchmark (BENCHMARKS.md)",
  "node scripts/sizes.mjs": "the sizes step of `npm test` (scripts/test.sh) runs it",
  "node --test": "the suite's own runner",
  "bun test": "the suite's own runner",
  "npm run demo:cluster": "run by tests/examples/demo_cluster.test.ts",
  "npx wrangler dev": "wrangler is not a dependency: runtimes.test.ts runs examples/worker.ts " +
    "with wrangler.toml's settings in workerd through miniflare",
  "npx wrangler dev --env durable_object":
    "wrangler is not a dependency: tests/bus/ run the Durable Object in workerd through miniflare",
  "deno run -A examples/<name>.ts": "spelled out above for each seed example",
  "deno run -A": "examples/cluster/camera.ts's `(or deno run -A / bun it)`, run below",
  [CAMERA]: "run below with each runtime, a nats-server's port and --frames",
  [EDGE]: "run below on a free port, with a nats-server's port",
  "deno run --allow-net clock.ts": "the README's first snippet, run below",
  "npx multipart-push demo": "npx runs the installed package's bin (dist/, built by `npm pack`): " +
    "scripts/check-package.mjs installs the packed tarball, starts its demo and reads it with the doctor",
  "npx multipart-push doctor <url>":
    "scripts/check-package.mjs runs it from the installed tarball against its demo's /stream " +
    "(healthy, exit 0) and a refused port (exit 2); tests/cli/ run the doctor in-process",
  "npx wrangler secret put PUBLISH_TOKEN":
    "wrangler is not a dependency, and it stores a secret at Cloudflare: tests/bus/ pass " +
    "PUBLISH_TOKEN to the Durable Object as a binding in workerd through miniflare",
};

/**
 * Commands written down that cannot run inside the suite, with why; each is listed as a skipped
 * test so that the run reports it. The guard accepts them.
 */
const notHere: Record<string, string> = {
  "npm test -- --verbose": "the whole suite again (8+ minutes), from inside itself",
  "npm run mutate": "about 30 minutes: scripts/mutate.mjs runs the suite once per planted bug",
  [
    "ffmpeg -f v4l2 -input_format mjpeg -video_size 1280x720 -framerate 30 -i /dev/video0 " +
    '-c:v copy -f mpjpeg -content_type "multipart/x-mixed-replace;boundary=ffmpeg" ' +
    "-headers $'Authorization: Bearer <token>\\r\\n' http://host:8000/ingest"
  ]: "no camera at /dev/video0 on this machine; the README's lavfi upload is run below",
};

/** Backticked commands in the README and in the examples' doc comments. */
async function writtenCommands(): Promise<Set<string>> {
  const name = "node:fs/promises";
  const { readdir, readFile } = await import(name) as typeof import("node:fs/promises");
  const root = repoRoot();
  const texts = [await readFile(`${root}README.md`, "utf8")];
  const written = new Set<string>();
  const files = await readdir(`${root}examples`, { recursive: true });
  for (const file of files.filter((file) => file.endsWith(".ts")).sort()) {
    const source = await readFile(`${root}examples/${file}`, "utf8");
    const doc = /^\/\*\*[^]*?\*\//.exec(source)?.[0] ?? "";
    texts.push(doc.replace(/\n \* ?/g, " "));
    // An indented line starting with a command is a command; its continuation lines are indented
    // further.
    const blocks = /^ \* {3}(?:PORT=\S+ )?(?:node|deno|bun|npm|npx) .*\n(?:^ \* {4,}.*\n)*/gm;
    for (const [block] of doc.matchAll(blocks)) {
      written.add(block.replace(/^ \* +/gm, "").replace(/\s+/g, " ").trim());
    }
  }
  const command =
    /`((?:node_modules\/\.bin\/)?(?:deno (?:run|serve)|bun |node |npm run|npm test|npx )[^`]*)`/g;
  for (const text of texts) for (const match of text.matchAll(command)) written.add(match[1]);
  // The README's shell blocks: each command line (continuations joined), without its comment.
  for (const [, block] of texts[0].matchAll(/```sh\n([^]*?)```/g)) {
    for (const line of block.replace(/\\\n\s*/g, "").split("\n")) {
      const command = line.replace(/\s+#.*$/, "").trim();
      if (command && !command.startsWith("#")) written.add(command);
    }
  }
  return written;
}

const skipHere = runtime === "node"
  ? undefined
  : `skipped on ${runtime}: the commands name their runtime and run once, from Node`;
const why = skipHere ? ` (${skipHere})` : "";

describe("documented commands", { concurrency: 4 }, () => {
  after(async () => {
    if (made.length === 0) return; // nothing ran (another runtime than Node)
    const name = "node:fs/promises";
    const { rm } = await import(name) as typeof import("node:fs/promises");
    for (const dir of made) await rm(dir, { recursive: true, force: true });
  });

  it(`every command in the README and the examples' doc comments is run here${why}`, {
    skip: skipHere !== undefined,
  }, async () => {
    const run = new Set(documented.map(({ command }) => command));
    run.add(await readmeFfmpeg()); // run by the camera server test below
    const missing = [...await writtenCommands()].filter((c) =>
      !run.has(c) && !(c in elsewhere) && !(c in notHere)
    );
    assert.deepEqual(missing, []);
  });

  it(`the README's first snippet serves the clock on every path${why}`, {
    skip: skipHere !== undefined,
  }, async () => {
    const file = await readmeSnippet("## Use it in your project");
    await runCommand(`deno run --allow-net ${file}`, async (base) => {
      const faces = await parts(new URL("any/path", base), 2);
      for (const face of faces) {
        assert.equal(face.contentType, "image/svg+xml");
        assert.match(
          face.text(),
          /<text y="30" font-size="24">\d{4}-\d\d-\d\dT[\d:.]+Z #\d<\/text>/,
        );
      }
    });
  });

  it(
    `the README's camera server takes the README's ffmpeg upload; its signed <img> shows it${why}`,
    {
      skip: skipHere !== undefined,
    },
    async () => {
      const token = "a-publisher-token-for-the-test";
      const dir = await tempDir("mpush-ffmpeg-");
      await outputOf("ffmpeg", [
        ...["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=2"],
        `${dir}/input.mp4`,
      ]);
      const file = await readmeSnippet("## Camera server");
      const env = { PUBLISH_TOKEN: token, STREAM_SECRET: "a-stream-secret-for-the-test" };
      await runCommand(`deno run --allow-net --allow-env ${file}`, async (base) => {
        const page = await (await fetch(base)).text();
        const src = /<img src="([^"]+)">/.exec(page)![1];
        const viewer = await fetch(new URL(src, base), { signal: AbortSignal.timeout(20_000) });
        assert.equal(viewer.status, 200);
        const upload = (await readmeFfmpeg())
          .replace("<token>", token)
          .replace("http://host:8000/", base);
        const publishing = outputOf("bash", ["-c", `cd ${dir} && ${upload}`]);
        const frames: number[][] = [];
        for await (const part of parseParts(viewer)) {
          assert.equal(part.contentType, "image/jpeg");
          frames.push([...part.body.subarray(0, 2)]);
          if (frames.length === 5) break;
        }
        assert.deepEqual(frames, Array(5).fill([0xff, 0xd8]));
        await publishing;
      }, { env });
    },
  );

  for (const run of ["node", "deno run -A", "bun"]) {
    it(
      `${run} examples/cluster/camera.ts publishes through NATS, node examples/cluster/edge.ts serves it${why}`,
      {
        skip: skipHere !== undefined,
      },
      async () => {
        const nats = await startNats();
        const bus = `--bus nats://${nats.url} --subject camera.1`;
        try {
          await runCommand(`node examples/cluster/edge.ts ${bus}`, async (base) => {
            const response = await fetch(new URL("camera", base));
            assert.equal(response.status, 200);
            const camera = outputOf(
              `${run} examples/cluster/camera.ts ${bus} --fps 20 --frames 40`,
            );
            const seqs: number[] = [];
            for await (const part of parseParts(response)) {
              assert.deepEqual([...part.body.subarray(0, 2)], [0xff, 0xd8], "a JPEG");
              seqs.push(Number(part.headers.get("x-seq")));
              if (seqs.length === 5) break;
            }
            assert.ok(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]), `in order: ${seqs}`);
            await camera;
          });
        } finally {
          await nats.kill();
        }
      },
    );
  }

  for (const [command, reason] of Object.entries(notHere)) {
    it(`${command} (skipped: ${reason})`, { skip: true }, () => {
      assert.fail(`${command} is not run inside the suite: ${reason}`);
    });
  }

  for (const { command, check, cwd, where, skip } of documented) {
    const reason = skipHere ?? skip;
    const name = `${command}${where ? `, ${where}` : ""}${reason ? ` (${reason})` : ""}`;
    it(name, { skip: reason !== undefined }, async () => {
      await runCommand(command, check, { cwd: await cwd?.() });
    });
  }
});
