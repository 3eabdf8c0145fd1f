/**
 * ffprobe as a real multipart reader: how many frames does it decode from a push URL? Uses
 * node:child_process, which Node, Deno and Bun all provide; loaded lazily so that importing this
 * file still works on workerd (no subprocesses there).
 */
import { canSpawn } from "./runtime.ts";

/** Why ffprobe tests cannot run here, or undefined when they can. */
export const ffprobeSkipReason: string | undefined = canSpawn
  ? undefined
  : "skipped on workerd: no subprocesses";

/**
 * Count the video frames ffprobe's mpjpeg demuxer decodes from `url`.
 *
 * @example
 * const frames = await ffprobeFrameCount(`${server.url}stream`);
 */
export async function ffprobeFrameCount(url: string, timeoutMs = 20_000): Promise<number> {
  // A non-literal specifier keeps bundlers (the workerd harness) from resolving node built-ins.
  const name = "node:child_process";
  const { execFile } = await import(name) as typeof import("node:child_process");
  const args = [
    ["-v", "error", "-f", "mpjpeg", "-count_frames", "-select_streams", "v:0"],
    ["-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", url],
  ].flat();
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile("ffprobe", args, { timeout: timeoutMs }, (error, out, err) => {
      if (error) reject(new Error(`ffprobe failed: ${error.message}\n${err}`));
      else resolve(String(out));
    });
  });
  const count = Number.parseInt(stdout.trim(), 10);
  if (!Number.isInteger(count)) throw new Error(`ffprobe printed no frame count: ${stdout}`);
  return count;
}
