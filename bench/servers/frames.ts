/**
 * The frame source every socket-bench server publishes: FPS frames of SIZE bytes a second, each
 * different, as a camera's. Frames are due on absolute deadlines (start + n / fps), not on a
 * repeating interval, so timer lateness does not add up into a lower frame rate; a deadline
 * missed by more than a frame is skipped, as a camera drops a frame it could not send.
 *
 * Each frame starts with a stamp the load generator reads: bytes 0–3 the frame's number
 * (uint32, big-endian), 4–7 how many frames were published before it, 8–15 the time it was
 * published (float64 ms since the epoch, `performance.timeOrigin + performance.now()`).
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

/** Calls `publish` with a new frame at each deadline; returns a stop function. */
export function startFrames(
  size: number,
  fps: number,
  publish: (frame: Uint8Array) => void,
): () => void {
  const period = 1000 / fps;
  const start = performance.now();
  let due = 0; // number of the next frame
  let published = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = (): void => {
    const now = performance.now();
    // Skip deadlines missed by more than a frame.
    due = Math.max(due, Math.floor((now - start) / period));
    const frame = new Uint8Array(size).fill(0x5a);
    const view = new DataView(frame.buffer);
    view.setUint32(0, due);
    view.setUint32(4, published++);
    view.setFloat64(8, performance.timeOrigin + performance.now());
    publish(frame);
    due++;
    timer = setTimeout(tick, Math.max(0, start + due * period - performance.now()));
  };
  timer = setTimeout(tick, period);
  return () => clearTimeout(timer);
}
