/**
 * The frame source every socket-bench server publishes: FPS frames of SIZE
 * bytes a second, each different (a counter in the first bytes), as a camera's.
 *
 * @module
 */

/** Frame size and rate of the socket bench, from the environment or the defaults. */
export function frameSettings(env: (name: string) => string | undefined): {
  size: number;
  fps: number;
} {
  return { size: Number(env("FRAME_SIZE") ?? 50_000), fps: Number(env("FPS") ?? 30) };
}

/** Calls `publish` with a new frame FPS times a second; returns a stop function. */
export function startFrames(
  size: number,
  fps: number,
  publish: (frame: Uint8Array) => void,
): () => void {
  let n = 0;
  const timer = setInterval(() => {
    const frame = new Uint8Array(size).fill(0x5a);
    new DataView(frame.buffer).setUint32(0, n++);
    publish(frame);
  }, 1000 / fps);
  return () => clearInterval(timer);
}
