/**
 * The cluster's camera process: publishes frames on the bus, and nothing
 * else (no HTTP). Frames carry `X-Seq` and `X-Sent` (ms since the epoch, with
 * fractions) so that edges' viewers can tell order and latency.
 *
 *   node examples/cluster/camera.ts [--bus nats://127.0.0.1:4222] [--subject camera.1]
 *     [--fps 10] [--frames N] [--ffmpeg "<ffmpeg input args>"]
 *
 * (or `deno run -A` / `bun` it). Without `--frames` it runs until killed.
 *
 * @module
 */
import type { Part } from "../../mod.ts";
import { SyntheticCamera } from "../demo/camera.ts";
import { connectBus, DEFAULT_BUS, flag, programArgs } from "./bus.ts";

/** Now, in ms since the epoch with sub-ms precision (comparable across local processes). */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/** Synthetic test-pattern JPEGs at `fps`, `count` of them. */
async function* synthetic(fps: number, count: number): AsyncGenerator<Part> {
  const camera = new SyntheticCamera();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / fps - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    yield { contentType: "image/jpeg", body: camera.frame() };
  }
}

if (import.meta.main) {
  const args = programArgs();
  const url = flag(args, "bus", DEFAULT_BUS);
  const subject = flag(args, "subject", "camera.1");
  const fps = Number(flag(args, "fps", "10"));
  const count = Number(flag(args, "frames", "Infinity"));
  const ffmpeg = args.includes("--ffmpeg") ? flag(args, "ffmpeg", "") : undefined;
  const bus = await connectBus(url);
  const publish = bus.publisher(subject);
  let source: AsyncIterable<Part> = synthetic(fps, count);
  if (ffmpeg !== undefined) {
    const { ffmpegCamera, splitArgs } = await import("../demo/ffmpeg.ts");
    source = ffmpegCamera(splitArgs(ffmpeg));
  }
  console.log(`camera: publishing on ${bus.kind} ${url} subject ${subject}`);
  let seq = 0;
  for await (const part of source) {
    const headers = { "X-Seq": String(seq++), "X-Sent": wallClock().toFixed(3) };
    publish({ ...part, headers });
    if (seq >= count) break;
  }
  // Let the last publish reach the server before the connection closes.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await bus.close();
  console.log(`camera: published ${seq} frames`);
}
