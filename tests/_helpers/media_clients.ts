/**
 * VLC and OpenCV as real readers of a push URL: how many frames each decodes, and (OpenCV) their
 * colours. Uses node:child_process, loaded lazily so that importing this file works on workerd.
 */

import { pngPixel } from "./png_pixel.ts";

/**
 * What a client read: how many frames, the red level at the centre of each frame it decoded (VLC:
 * showed), and its output.
 */
export type Decoded = { frames: number; reds: number[]; log: string };

async function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  // A non-literal specifier keeps bundlers (the workerd harness) from resolving node built-ins.
  const name = "node:child_process";
  const { execFile } = await import(name) as typeof import("node:child_process");
  return await new Promise<string>((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (error, out, err) => {
      if (error) reject(new Error(`${file} failed: ${error.message}\n${err}`));
      else resolve(`${out}\n${err}`);
    });
  });
}

/**
 * Plays `url` in VLC (`cvlc`, no window, no sound). `frames` counts the parts its mjpeg demuxer
 * read (its debug log notes each part's header); the `scene` filter saves every picture it shows
 * as a PNG, and `reds` are those pictures, a picture equal to the one before counting once (VLC
 * shows the last one again as it stops; the test frames all differ). VLC refuses to run as root,
 * so as root it runs as `nobody` (setpriv).
 *
 * @example
 * const { frames, log } = await vlcFrames(`${server.url}stream`);
 */
export async function vlcFrames(url: string, timeoutMs = 20_000): Promise<Decoded> {
  const fs = "node:fs/promises";
  const os = "node:os";
  const { mkdtemp, readdir, readFile, rm, chmod } = await import(
    fs
  ) as typeof import("node:fs/promises");
  const { tmpdir } = await import(os) as typeof import("node:os");
  const dir = await mkdtemp(`${tmpdir()}/vlc-`);
  await chmod(dir, 0o777);
  const vlc = [
    ["cvlc", "-vv", "--intf", "dummy", "--play-and-exit", "--no-audio", "--vout", "dummy"],
    ["--no-drop-late-frames", "--no-skip-frames", "--video-filter", "scene"],
    ["--scene-format", "png", "--scene-ratio", "1", "--scene-prefix", "f", "--scene-path", dir],
    [url],
  ].flat();
  const root = (globalThis as { process?: { getuid?(): number } }).process?.getuid?.() === 0;
  const command = root
    ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", `HOME=${dir}`, ...vlc]
    : vlc;
  try {
    const log = await run(command[0], command.slice(1), timeoutMs);
    const reds: number[] = [];
    for (const file of (await readdir(dir)).filter((f) => f.endsWith(".png")).sort()) {
      const { r } = await pngPixel(new Uint8Array(await readFile(`${dir}/${file}`)), 32, 24);
      if (reds.length === 0 || Math.abs(reds.at(-1)! - r) > 12) reds.push(r);
    }
    const frames = log.match(/mjpeg demux debug: discard MIME header: Content-Length/g)?.length ??
      0;
    return { frames, reds, log };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const OPENCV = `
import sys, cv2
cap = cv2.VideoCapture(sys.argv[1], cv2.CAP_FFMPEG)
if not cap.isOpened(): sys.exit("VideoCapture did not open " + sys.argv[1])
while True:
    ok, frame = cap.read()
    if not ok: break
    h, w = frame.shape[:2]
    print(int(frame[h // 2, w // 2, 2]))
`;

/**
 * Reads `url` with OpenCV's `cv2.VideoCapture` (Debian's python3-opencv, FFmpeg backend): one
 * entry per frame read, the red level at its centre.
 *
 * @example
 * const { frames, reds } = await opencvFrames(`${server.url}stream`);
 */
export async function opencvFrames(url: string, timeoutMs = 20_000): Promise<Decoded> {
  const log = await run("/usr/bin/python3", ["-c", OPENCV, url], timeoutMs);
  const reds = log.split("\n").filter((l) => /^\d+$/.test(l)).map(Number);
  return { frames: reds.length, reds, log };
}
