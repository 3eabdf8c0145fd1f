/**
 * JPEG segment surgery and ffmpeg runs for the Huffman-table tests: the marker codes of a frame's
 * header, a frame with its DHT segments cut out (what a UVC webcam sends), ffmpeg's own
 * `-huffman default` frames, and ffmpeg's decoded pixels. node:child_process is loaded lazily
 * (workerd has no subprocesses).
 */
import { concatBytes } from "../../lib/shared/bytes.ts";
import { jpegFrames } from "../../lib/mjpeg/jpeg_frames.ts";

/** Each header segment up to the first SOS: [marker code, offset, length with marker]. */
export function segments(frame: Uint8Array): [number, number, number][] {
  const found: [number, number, number][] = [];
  for (let i = 2; i + 3 < frame.length;) {
    const code = frame[i + 1];
    const size = code === 0xda ? 2 : 2 + ((frame[i + 2] << 8) | frame[i + 3]);
    found.push([code, i, size]);
    if (code === 0xda) break;
    i += size;
  }
  return found;
}

/** The marker codes of a frame's header, up to and including its first SOS (0xDA). */
export function segmentCodes(frame: Uint8Array): number[] {
  return segments(frame).map(([code]) => code);
}

/** `frame` without its DHT segments: a UVC webcam's frame. */
export function withoutDht(frame: Uint8Array): Uint8Array {
  const dht = segments(frame).filter(([code]) => code === 0xc4);
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const [, offset, size] of dht) {
    pieces.push(frame.subarray(at, offset));
    at = offset + size;
  }
  pieces.push(frame.subarray(at));
  return concatBytes(pieces);
}

/** Runs ffmpeg with `args`, `input` on its stdin; resolves with its stdout. */
async function ffmpeg(args: string[], input?: Uint8Array): Promise<Uint8Array> {
  const name = "node:child_process";
  const { spawn } = await import(name) as typeof import("node:child_process");
  const child = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out: Uint8Array[] = [];
  let stderr = "";
  child.stdout.on("data", (chunk: Uint8Array) => out.push(new Uint8Array(chunk)));
  child.stderr.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
  child.stdin.end(input ?? new Uint8Array(0));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) throw new Error(`ffmpeg ${args.join(" ")} exited ${code}: ${stderr}`);
  return concatBytes(out);
}

/** `count` frames of ffmpeg's test pattern, encoded with the standard Huffman tables. */
export async function ffmpegJpegs(count: number): Promise<Uint8Array[]> {
  const stream = await ffmpeg([
    ...["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-frames:v", String(count)],
    ...["-huffman", "default", "-q:v", "5", "-f", "mjpeg", "-"],
  ]);
  const frames: Uint8Array[] = [];
  for await (const frame of ReadableStream.from([stream]).pipeThrough(jpegFrames())) {
    frames.push(frame);
  }
  return frames;
}

/** The RGB pixels ffmpeg decodes from back-to-back JPEGs. */
export function ffmpegDecode(jpegs: Uint8Array): Promise<Uint8Array> {
  return ffmpeg(["-f", "image2pipe", "-i", "-", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], jpegs);
}
