/**
 * The `X-Timestamp` value of a frame (`timestamps: true`), as µStreamer writes it: seconds since
 * the epoch, a dot, and the microseconds in six digits. Kept apart from the clock read in
 * live.ts so the format is tested at fixed instants.
 *
 * @example
 * ```ts ignore
 * formatTimestamp(1_700_000_000_000_042); // "1700000000.000042"
 * ```
 * @module
 */

/** `micros` (whole microseconds since the epoch) as `seconds.micros6`. */
export function formatTimestamp(micros: number): string {
  const seconds = Math.floor(micros / 1e6);
  const fraction = String(micros - seconds * 1e6).padStart(6, "0");
  return `${seconds}.${fraction}`;
}
