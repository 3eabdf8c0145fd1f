/**
 * A real camera for the demo: ffmpeg writes MJPEG to its stdout, `jpegFrames` cuts it into
 * pictures, and the newest picture is handed to the hub. Started lazily by the hub (first viewer)
 * and killed when the hub stops its source (last viewer gone).
 *
 * @module
 */
import type { Part } from "../../mod.ts";
import { jpegFrames } from "../../lib/mjpeg/jpeg_frames.ts";

/**
 * Split an ffmpeg input argument string the way a shell would for simple cases: spaces separate
 * words, single or double quotes group them.
 *
 * @example
 * ```ts ignore
 * splitArgs(`-f lavfi -i "testsrc=size=640x360:rate=25"`); // ["-f", "lavfi", "-i", "testsrc=..."]
 * ```
 */
export function splitArgs(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? match[3]);
  }
  return words;
}

/**
 * The frames of `ffmpeg <inputArgs> -f mjpeg -`, newest first: a camera does not wait for slow
 * viewers, so frames that arrive while nobody asks are replaced, never queued.
 */
export async function* ffmpegCamera(inputArgs: string[]): AsyncGenerator<Part> {
  const name = "node:child_process";
  const { spawn } = await import(name) as typeof import("node:child_process");
  const child = spawn("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-nostdin"],
    ...inputArgs,
    ...["-an", "-f", "mjpeg", "-q:v", "5", "-"],
  ], { stdio: ["ignore", "pipe", "inherit"] });
  let latest: Uint8Array | undefined;
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const stdout = new ReadableStream<Uint8Array>({
    start(controller) {
      child.stdout.on("data", (chunk: Uint8Array) => controller.enqueue(new Uint8Array(chunk)));
      child.stdout.on("end", () => controller.close());
      child.stdout.on("error", (error: unknown) => controller.error(error));
    },
  });
  const reading = (async () => {
    try {
      for await (const frame of stdout.pipeThrough(jpegFrames())) {
        latest = frame;
        wake?.();
      }
    } catch (error) {
      failure = error;
    } finally {
      ended = true;
      wake?.();
    }
  })();
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    for (let i = 0; i < Number.MAX_SAFE_INTEGER; i++) {
      while (latest === undefined && !ended) await new Promise<void>((resolve) => (wake = resolve));
      if (latest !== undefined) {
        const body = latest;
        latest = undefined;
        yield { contentType: "image/jpeg", body };
      } else if (failure !== undefined) throw failure;
      else {
        const code = await exited;
        if (code !== 0) throw new Error(`ffmpeg exited with code ${code}`);
        return;
      }
    }
  } finally {
    child.kill("SIGTERM");
    await reading;
  }
}
