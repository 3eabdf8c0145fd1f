// The scale-out test: one camera process publishing on a real bus (nats-server, then
// redis-server), three edge processes (Node, Deno, Bun: examples/cluster/edge.ts), VIEWERS loopback
// viewers on each. Every viewer gets the frames byte-exact and in order (latest wins for a slow
// one); one edge is killed halfway and the others do not notice. Prints delivered frames,
// publish-to-viewer p50/p99 and CPU per edge. CLUSTER_VIEWERS / CLUSTER_FRAMES raise the counts
// (npm run soak).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { connectBus } from "../../examples/cluster/bus.ts";
import {
  busSkipReason,
  killer,
  spawnUntil,
  startNats,
  startRedis,
} from "../_helpers/bus_servers.ts";
import { runtime } from "../_helpers/runtime.ts";
import { delay, until } from "../_helpers/streams.ts";

// Bun's fetch runs 256 requests at once at most (BUN_CONFIG_MAX_HTTP_REQUESTS); the rest wait.
const VIEWERS = Number(process.env?.CLUSTER_VIEWERS ?? (runtime === "bun" ? 80 : 100));
const KILL = process.env?.CLUSTER_KILL !== "0";
const FRAMES = Number(process.env?.CLUSTER_FRAMES ?? 30);
const FPS = 10;
/** How long a wait for an event may take before the test fails instead of hanging. */
const HANG_MS = 60_000;
/** The edge commands, per runtime; a function, as workerd has no file URLs to resolve. */
function edgeCommands(): [string, string[]][] {
  const bin = fileURLToPath(new URL("../../node_modules/.bin/", import.meta.url));
  return [
    ["node", [`${bin}node`, "examples/cluster/edge.ts"]],
    ["deno", [`${bin}deno`, "run", "-A", "examples/cluster/edge.ts"]],
    ["bun", [`${bin}bun`, "examples/cluster/edge.ts"]],
  ];
}
const skip = busSkipReason !== undefined;

/** SHA-256 of the bytes (native, so 300 viewers' checking does not slow the viewers down). */
async function digest(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return String.fromCharCode(...hash);
}

const wallClock = () => performance.timeOrigin + performance.now();

type Seen = { seqs: number[]; digests: string[]; latencies: number[]; broke: boolean };

function view(url: string, signal: AbortSignal): { seen: Seen; done: Promise<void> } {
  const seen: Seen = { seqs: [], digests: [], latencies: [], broke: false };
  const done = (async () => {
    try {
      const response = await fetch(url, { signal });
      for await (const part of parseParts(response, { signal })) {
        const seq = Number(part.headers.get("X-Seq"));
        if (seq === seen.seqs.at(-1)) continue; // a keep-alive repeat
        seen.latencies.push(wallClock() - Number(part.headers.get("X-Sent")));
        seen.seqs.push(seq);
        seen.digests.push(await digest(part.body as Uint8Array<ArrayBuffer>));
      }
    } catch {
      if (!signal.aborted) seen.broke = true;
    }
  })();
  return { seen, done };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function cluster(kind: "nats" | "redis"): Promise<void> {
  const server = kind === "nats" ? await startNats() : await startRedis();
  const busUrl = `${kind}://127.0.0.1:${server.port}`;
  const subject = `camera.cluster.${kind}`;
  const stops: (() => Promise<void>)[] = [server.kill];
  const controller = new AbortController();
  try {
    const commands = edgeCommands();
    const node = commands[0][1][0];
    const edges = await Promise.all(commands.map(async ([runtime, [command, ...args]]) => {
      const { child, log } = await spawnUntil(
        command,
        [...args, "--bus", busUrl, "--subject", subject],
        /Listening on (http:\/\/127\.0\.0\.1:\d+\/)/,
        { PORT: "0" },
      );
      stops.push(killer(() => child));
      const url = /Listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log)![1];
      return { runtime, url, kill: killer(() => child) };
    }));
    // The test's own subscriber: what was published, to compare every viewer's bytes with.
    const bus = await connectBus(busUrl);
    stops.push(() => bus.close());
    const published = new Map<number, string>();
    const reference = (async () => {
      for await (const part of bus.frames(subject, { maxQueue: 1000 })(controller.signal)) {
        const seq = Number(new Headers(part.headers).get("X-Seq"));
        published.set(seq, await digest(part.body as Uint8Array<ArrayBuffer>));
      }
    })();
    const started = performance.now();
    const viewers = edges.map((edge) =>
      Array.from({ length: VIEWERS }, () => view(`${edge.url}camera`, controller.signal))
    );
    const stats = async (url: string) =>
      await (await fetch(`${url}stats`)).json() as {
        viewers: number;
        cpuMs: number;
      };
    for (const edge of edges) {
      const end = performance.now() + 20_000;
      while ((await stats(edge.url)).viewers < VIEWERS) {
        assert.ok(
          performance.now() < end,
          `${edge.runtime} edge: ${VIEWERS} viewers not within 20 s`,
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    // Every edge and the reference hold their subscription before the first frame goes out.
    while ((await server.subscriptions(subject)) < 4) {
      assert.ok(performance.now() < started + 20_000, "4 subscriptions not within 20 s");
      await delay(20);
    }
    const cpuBefore = await Promise.all(edges.map((edge) => stats(edge.url)));
    const cameraStarted = performance.now();
    const camera = spawnUntil(
      node,
      [
        "examples/cluster/camera.ts",
        "--bus",
        busUrl,
        "--subject",
        subject,
        "--fps",
        String(FPS),
        "--frames",
        String(FRAMES),
      ],
      /camera: published \d+ frames/,
      undefined,
      (FRAMES / FPS) * 1000 + 20_000,
    );
    // Halfway, the Bun edge dies; its viewers break, the others must not notice.
    // (CLUSTER_KILL=0, for measuring all three: nobody dies.)
    const alive = KILL ? 2 : 3;
    const victimViewers = KILL ? viewers[2] : [];
    if (KILL) {
      await until(() => victimViewers[0].seen.seqs.at(-1)! >= FRAMES / 2, HANG_MS, "halfway");
      await edges[2].kill();
    }
    await camera;
    const seconds = (performance.now() - cameraStarted) / 1000;
    const last = FRAMES - 1;
    const live = viewers.slice(0, alive).flat();
    // These waits end on the event; their bounds only turn a hang into a failure (a loaded run
    // saw viewers 8 s behind the camera: latest wins keeps them up to date, not on time).
    await until(
      () => live.every((v) => v.seen.seqs.at(-1) === last),
      HANG_MS,
      () =>
        `the last frame: ${live.filter((v) => v.seen.seqs.at(-1) !== last).length} viewers lack it`,
    );
    const cpuAfter = await Promise.all(edges.slice(0, alive).map((edge) => stats(edge.url)));
    // The reference digests each frame before counting it: it may be behind the viewers.
    await until(
      () => published.size === FRAMES,
      HANG_MS,
      "the reference subscriber saw every frame",
    );
    await until(
      () => victimViewers.every((v) => v.seen.broke),
      HANG_MS,
      "the killed edge's viewers broke",
    );
    for (const [i, { seen }] of live.entries()) {
      assert.ok(!seen.broke, `viewer ${i} broke`);
      seen.seqs.forEach((seq, k) => {
        assert.ok(
          k === 0 || seq > seen.seqs[k - 1],
          `viewer ${i}: ${seq} after ${seen.seqs[k - 1]}`,
        );
        assert.equal(seen.digests[k], published.get(seq), `viewer ${i}: frame ${seq} differs`);
      });
    }
    const delivered = live.map((v) => v.seen.seqs.length);
    const latencies = live.flatMap((v) => v.seen.latencies);
    const cpu = cpuAfter.map((after, i) =>
      `${edges[i].runtime} ${((after.cpuMs - cpuBefore[i].cpuMs) / seconds / 10).toFixed(1)}%`
    );
    console.log(
      `# ${kind}: 1 camera → 3 edges × ${VIEWERS} viewers, ${FRAMES} frames at ${FPS} fps: ` +
        `delivered per viewer min ${Math.min(...delivered)} median ${percentile(delivered, 50)}, ` +
        `latency p50 ${percentile(latencies, 50).toFixed(1)} ms p99 ${
          percentile(latencies, 99).toFixed(1)
        } ms, ` +
        `CPU per edge ${cpu.join(", ")}`,
    );
    // How many frames a viewer got is the pace of this process's viewers (latest wins for a slow
    // one: a loaded run's got 2 of 30), printed above, not asserted; every frame to every viewer
    // is asserted in mixed mode on the same buses by tests/bus/_scenarios.ts.
    controller.abort();
    await Promise.all([reference, ...viewers.flat().map((v) => v.done)]);
  } finally {
    controller.abort();
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
}

describe("scale-out: one camera process, three edge processes, viewers on each", { skip }, () => {
  const name = (kind: string) =>
    `${kind}: every viewer gets the frames byte-exact and in order; killing one edge leaves the others alone` +
    (skip ? ` (${busSkipReason})` : "");
  it(name("nats"), () => cluster("nats"));
  it(name("redis"), () => cluster("redis"));
});
