// `multipart-push doctor` (issue 24) against a camera hub on the runtime's own server, read
// directly and through what users put in front of it: nginx as Debian ships it, HAProxy, Caddy,
// Hono's compress(), and a hop that holds 256 KB. Each case names the finding it must (and no
// other problem); each faulty case has its control, the same proxy set up right, found healthy.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { doctor } from "../../lib/cli/doctor.ts";
import type { Diagnosis } from "../../lib/cli/diagnosis.ts";
import { reportText } from "../../lib/cli/report.ts";
import { startNginx } from "../_helpers/nginx.ts";
import {
  type Proxy,
  proxySkipReason,
  startCaddy,
  startHaproxy,
  startHoldingProxy,
} from "../_helpers/proxies.ts";
import { runtime } from "../_helpers/runtime.ts";
import { type Camera, startCamera } from "./_camera.ts";

const why = proxySkipReason ? ` (${proxySkipReason}; the doctor connects with node:http)` : "";
const SECONDS = 3;

/** No proxy: the camera's own URL. */
const direct = (camera: Camera): Promise<Proxy> =>
  Promise.resolve({ url: camera.server.url, close: () => Promise.resolve() });

interface Case {
  name: string;
  start(camera: Camera): Promise<Proxy>;
  path?: string;
  /** The problems it must name, and only these. */
  problems: string[];
  /** A problem it may also name, and why that one depends on timing. */
  alsoMay?: [string, string];
  check?(d: Diagnosis): void;
}

const CASES: Case[] = [
  { name: "direct: healthy", start: direct, problems: [] },
  {
    name: "nginx as Debian ships it: healthy (X-Accel-Buffering: no)",
    start: (camera) => startNginx(camera.server.url),
    problems: [],
    check: (d) => assert.equal(d.xAccelBuffering, null, "nginx removes the header on its way"),
  },
  {
    name: "HAProxy without option http-no-delay: buffered on the way",
    start: (camera) => startHaproxy(camera.upstream, false),
    problems: ["buffered"],
    // Its 200 ms send timer against 50 ms frames: lateness ~100 ms median, near the 50 ms bar.
    alsoMay: ["late", "HAProxy's median lateness varies around 100 ms, the bar is 50 ms"],
  },
  {
    name: "control, HAProxy with option http-no-delay: healthy",
    start: (camera) => startHaproxy(camera.upstream, true),
    problems: [],
  },
  {
    name: "Caddy with an encode that matches multipart/*: compressed, and in lumps",
    start: (camera) =>
      startCaddy(camera.upstream, "encode gzip {\n    match header Content-Type multipart/*\n  }"),
    problems: ["compressed", "buffered"],
    check: (d) => assert.equal(d.contentEncoding, "gzip"),
  },
  {
    name: "control, Caddy with a plain encode gzip: healthy (multipart is not in its types)",
    start: (camera) => startCaddy(camera.upstream, "encode gzip"),
    problems: [],
  },
  {
    name: "Hono compress() on a push whose Cache-Control lacks no-transform: compressed",
    start: direct,
    path: "hono/plain",
    // Node's and Bun's CompressionStream hold their output, so no part gets through within the
    // read; Deno's flushes each write, so parts come compressed but on time.
    problems: runtime === "deno" ? ["compressed"] : ["compressed", "stalled"],
  },
  {
    name: "control, Hono compress() on the default headers: healthy",
    start: direct,
    path: "hono/default",
    problems: [],
  },
  {
    name: "a proxy that holds 256 KB: buffered, in bursts of about 256 KB",
    start: (camera) => startHoldingProxy(camera.upstream, 256 * 1024),
    problems: ["buffered", "late"],
    check: (d) => {
      const kb = Number(/about (\d+) KB/.exec(d.findings[0].message)?.[1]);
      assert.ok(kb >= 256 && kb < 256 + 32, `bursts of ${kb} KB`);
    },
  },
];

describe(`multipart-push doctor through proxies on ${runtime}${why}`, () => {
  let camera: Camera;
  before(async () => {
    if (!proxySkipReason) camera = await startCamera();
  });
  after(async () => await camera?.close());

  for (const c of CASES) {
    it(`${c.name}${why}`, { skip: proxySkipReason !== undefined, timeout: 60_000 }, async () => {
      const proxy = await c.start(camera);
      try {
        const d = await doctor(`${proxy.url}${c.path ?? "stream"}`, { seconds: SECONDS });
        const named = d.findings.filter((f) => f.level === "problem").map((f) => f.code);
        const extra = c.alsoMay?.[0];
        const report = reportText(d);
        assert.deepEqual(named.filter((code) => code !== extra), c.problems, report);
        assert.equal(d.healthy, c.problems.length === 0 && !named.includes(extra!), report);
        c.check?.(d);
        console.log(`# ${c.name}\n${report.replace(/^/gm, "# ")}`);
      } finally {
        await proxy.close();
      }
    });
  }
});
