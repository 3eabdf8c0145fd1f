/**
 * ffmpeg as a real publisher: `ffmpeg -re -f lavfi -i testsrc … -f mpjpeg` POSTing to a URL, as a
 * camera behind NAT would. Uses node:child_process (Node, Deno and Bun provide it), loaded lazily
 * so importing this file still works on workerd.
 */

/** How ffmpeg ended. */
export type FfmpegExit = { code: number | null; stderr: string };

/** Options for {@link ffmpegPublish}. */
export type FfmpegPublishOptions = {
  /** @default 20 */
  frames?: number;
  /** @default 10 */
  fps?: number;
  /** @default "160x120" */
  size?: string;
  /** Extra HTTP header lines ("Name: value\r\n"), ffmpeg's -headers. */
  headers?: string;
  /** Pace at the input's frame rate (-re). @default true */
  realtime?: boolean;
  /** @default 30000 */
  timeoutMs?: number;
  /** The lavfi source, e.g. "color=c=red" (a solid colour a browser test can check). @default "testsrc" */
  source?: string;
};

/** The documented publisher command for `url`, as an argument list. */
export function ffmpegArgs(url: string, options: FfmpegPublishOptions = {}): string[] {
  const { frames = 20, fps = 10, size = "160x120", realtime = true, source = "testsrc" } = options;
  return [
    ["-hide_banner", "-loglevel", "error", "-nostdin"],
    realtime ? ["-re"] : [],
    [
      "-f",
      "lavfi",
      "-i",
      `${source}${source.includes("=") ? ":" : "="}size=${size}:rate=${fps}`,
      "-frames:v",
      String(frames),
    ],
    ["-q:v", "5"],
    options.headers ? ["-headers", options.headers] : [],
    ["-f", "mpjpeg", "-content_type", "multipart/x-mixed-replace;boundary=ffmpeg", url],
  ].flat();
}

/**
 * Runs ffmpeg publishing a lavfi test pattern to `url`; resolves when it exits.
 *
 * @example
 * const exit = await ffmpegPublish(`${server.url}ingest`, { frames: 10 });
 */
export async function ffmpegPublish(
  url: string,
  options: FfmpegPublishOptions = {},
): Promise<FfmpegExit> {
  const name = "node:child_process";
  const { execFile } = await import(name) as typeof import("node:child_process");
  return new Promise((resolve) => {
    execFile(
      "ffmpeg",
      ffmpegArgs(url, options),
      { timeout: options.timeoutMs ?? 30_000 },
      (error, _out, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stderr: String(stderr) });
      },
    );
  });
}
