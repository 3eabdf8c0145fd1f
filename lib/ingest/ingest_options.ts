/**
 * The options of `ingest`, and their checks.
 *
 * @module
 */

import type { AccessCheck } from "../access/bearer_token.ts";
import type { CorsPolicy } from "../access/cors.ts";
import { reporter } from "../shared/contained.ts";
import { describeValue as describe } from "../shared/describe.ts";
import { abortSignal, corsOption, flag, milliseconds } from "../shared/checks.ts";
import { checkAllowTypes } from "./part_types.ts";

/** Options for {@linkcode ingest}. */
export interface IngestOptions {
  /**
   * Who may publish, and required: a check returning `true` (let in),
   * `false` (`403`) or a `Response` to send (see {@linkcode bearerToken}),
   * run before a byte of the body is read (a check that throws answers
   * `500`); or `"anyone"` to let anyone who reaches the route publish, on
   * purpose. Leaving it out is a `TypeError`.
   */
  authorize: AccessCheck | "anyone";
  /**
   * More media types a part of a multipart upload may have, beyond the raster
   * images accepted by default (`image/jpeg`, `image/png`, `image/webp`,
   * `image/gif`, `image/avif`, `image/bmp`); e.g. `["image/svg+xml"]`. A part
   * of another type ends the upload with `415`. Whatever is let in is served
   * under `nosniff` and `Content-Security-Policy: sandbox` by a hub.
   * @default []
   */
  allowTypes?: readonly string[] | undefined;
  /**
   * Told about each frame `publish` refused (a hub refuses a body holding
   * its boundary): the frame is skipped, the upload goes on, and the answer
   * counts it in `X-Ingest-Skipped`. What it throws is ignored.
   * @default {the target's `reportError` (a hub's `onError`), else console.error}
   */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Largest frame in bytes; a larger one ends the upload with `413` (the
   * frames before it were published). A single-frame upload whose
   * `Content-Length` is larger is refused before its body is read.
   * @default 16777216 (16 MiB)
   */
  maxFrameSize?: number | undefined;
  /**
   * Longest wait for the next complete frame (milliseconds; for the first,
   * from the start of the upload) before the upload is cut with `408`, so a
   * publisher lost behind NAT, or one trickling bytes, does not hold the
   * hub. `Infinity` waits forever.
   * @default 30000
   */
  idleTimeout?: number | undefined;
  /**
   * Aborting it stops reading the upload; the answer is `503` with the reason.
   * @default undefined (the upload runs until it ends)
   */
  signal?: AbortSignal | undefined;
  /**
   * Whether a new publisher replaces a live one on the same target (the old
   * upload is cut and answered `409`). Without it, a second publisher gets
   * `409` at once.
   * @default false
   */
  allowTakeover?: boolean | undefined;
  /**
   * Lets a page on another origin post frames: a policy from `corsPolicy({
   * allowOrigin })` (the one given to the hub, say); preflights are answered
   * and every answer carries its headers.
   * @default undefined (no CORS headers)
   */
  cors?: CorsPolicy | undefined;
}

/** Options after the checks. */
export interface ResolvedIngestOptions {
  /** `undefined`: `"anyone"`. */
  authorize: AccessCheck | undefined;
  /** Lowercased media types a multipart part may have. */
  allowTypes: ReadonlySet<string>;
  onError: (error: unknown) => void;
  maxFrameSize: number;
  idleTimeout: number;
  signal: AbortSignal | undefined;
  allowTakeover: boolean;
  cors: CorsPolicy | undefined;
}

/**
 * Checks `options`.
 *
 * @example
 * ```ts
 * import { resolveIngestOptions } from "./ingest_options.ts";
 *
 * resolveIngestOptions({ authorize: "anyone", maxFrameSize: 1 << 20 }).idleTimeout; // 30000
 * ```
 *
 * @param fallbackOnError `onError` when none is given (the target's `reportError`).
 * @throws {TypeError|RangeError} naming the option, the rule and what was given.
 */
export function resolveIngestOptions(
  options: unknown,
  fallbackOnError: (error: unknown) => void = console.error,
): ResolvedIngestOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `options must be an object with authorize (a check such as bearerToken(token), or ` +
        `"anyone"), got ${describe(options)}`,
    );
  }
  const { authorize, maxFrameSize = 16 * 1024 * 1024, signal } = options as IngestOptions;
  if (authorize !== "anyone" && typeof authorize !== "function") {
    throw new TypeError(
      "options.authorize must be a function (a check such as bearerToken(token)) or " +
        `"anyone" (open publishing, on purpose), got ${describe(authorize)}`,
    );
  }
  const onError = reporter((options as IngestOptions).onError, fallbackOnError);
  if (typeof maxFrameSize !== "number" || !Number.isSafeInteger(maxFrameSize) || maxFrameSize < 4) {
    throw new RangeError(
      `options.maxFrameSize must be a whole number of bytes >= 4, got ${describe(maxFrameSize)}`,
    );
  }
  const idleTimeout = milliseconds(
    (options as IngestOptions).idleTimeout,
    30_000,
    "options.idleTimeout",
  );
  abortSignal(signal, "options.signal");
  const allowTakeover = flag(
    (options as IngestOptions).allowTakeover,
    false,
    "options.allowTakeover",
  );
  return {
    authorize: authorize === "anyone" ? undefined : authorize,
    allowTypes: checkAllowTypes((options as IngestOptions).allowTypes),
    onError,
    maxFrameSize,
    idleTimeout,
    signal,
    allowTakeover,
    cors: corsOption<CorsPolicy>((options as IngestOptions).cors, "options.cors"),
  };
}
