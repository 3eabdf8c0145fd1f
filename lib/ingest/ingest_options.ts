/**
 * The options of `ingest` and `hub.ingest`, and their checks.
 *
 * @module
 */

import type { AccessCheck } from "../access/bearer_token.ts";
import { describeValue as describe } from "../shared/describe.ts";

/** Options for {@linkcode ingest}. */
export interface IngestOptions {
  /**
   * Who may publish: `true` lets the upload in, `false` answers `403`, a
   * `Response` is sent as it is (see {@linkcode bearerToken}). Checked before
   * a byte of the body is read; a check that throws answers `500`.
   * @default undefined (anyone who reaches the route may publish)
   */
  authorize?: AccessCheck | undefined;
  /**
   * Largest frame in bytes; a larger one ends the upload with `413` (the
   * frames before it were published). A single-frame upload whose
   * `Content-Length` is larger is refused before its body is read.
   * @default 16777216 (16 MiB)
   */
  maxFrameSize?: number | undefined;
  /**
   * Longest silence (milliseconds without a byte) before the upload is cut
   * with `408`, so a publisher lost behind NAT does not hold the hub.
   * `Infinity` waits forever.
   * @default 30000
   */
  idleTimeout?: number | undefined;
  /**
   * Aborting it stops reading the upload; the answer is `503` with the reason.
   * @default undefined (the upload runs until it ends)
   */
  signal?: AbortSignal | undefined;
}

/** Options for `hub.ingest`: those of {@linkcode ingest}, and one more. */
export interface HubIngestOptions extends IngestOptions {
  /**
   * Whether a new publisher replaces a live one (the old upload is cut and
   * answered `409`). Without it, a second publisher gets `409` at once.
   * @default false
   */
  allowTakeover?: boolean | undefined;
}

/** Options after the checks. */
export interface ResolvedIngestOptions {
  authorize: AccessCheck | undefined;
  maxFrameSize: number;
  idleTimeout: number;
  signal: AbortSignal | undefined;
  allowTakeover: boolean;
}

/**
 * Checks `options`.
 *
 * @example
 * ```ts
 * import { resolveIngestOptions } from "./ingest_options.ts";
 *
 * resolveIngestOptions({ maxFrameSize: 1 << 20 }).idleTimeout; // 30000
 * ```
 *
 * @throws {TypeError|RangeError} naming the option, the rule and what was given.
 */
export function resolveIngestOptions(options: unknown): ResolvedIngestOptions {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const { authorize, maxFrameSize = 16 * 1024 * 1024, idleTimeout = 30_000, signal } =
    options as HubIngestOptions;
  const allowTakeover = (options as HubIngestOptions).allowTakeover ?? false;
  if (authorize !== undefined && typeof authorize !== "function") {
    throw new TypeError(`options.authorize must be a function, got ${describe(authorize)}`);
  }
  if (typeof maxFrameSize !== "number" || !Number.isSafeInteger(maxFrameSize) || maxFrameSize < 4) {
    throw new RangeError(
      `options.maxFrameSize must be a whole number of bytes >= 4, got ${describe(maxFrameSize)}`,
    );
  }
  if (
    typeof idleTimeout !== "number" || Number.isNaN(idleTimeout) || idleTimeout <= 0 ||
    (idleTimeout !== Infinity && idleTimeout > 2 ** 31 - 1)
  ) {
    throw new RangeError(
      `options.idleTimeout must be milliseconds > 0 (at most 2147483647) or Infinity, got ${
        describe(idleTimeout)
      }`,
    );
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`options.signal must be an AbortSignal, got ${describe(signal)}`);
  }
  if (typeof allowTakeover !== "boolean") {
    throw new TypeError(`options.allowTakeover must be a boolean, got ${describe(allowTakeover)}`);
  }
  return { authorize, maxFrameSize, idleTimeout, signal, allowTakeover };
}
