/**
 * Why an upload was refused or stopped, with the HTTP status its answer gets.
 *
 * @module
 */

import { containHeaders } from "../shared/contained_content.ts";

/**
 * An upload refused or stopped: `status` and `message` become the answer to the publisher.
 *
 * @example
 * ```ts
 * import { answer, IngestError } from "./ingest_error.ts";
 *
 * const error = new IngestError(413, "frame 3 is larger than maxFrameSize (100 bytes)");
 * answer(error.status, error.message).status; // 413
 * ```
 */
export class IngestError extends Error {
  /** The HTTP status of the answer. */
  readonly status: number;

  /**
   * @param status The HTTP status of the answer.
   * @param message What went wrong, for the publisher's log.
   */
  constructor(status: number, message: string) {
    super(message);
    this.name = "IngestError";
    this.status = status;
  }
}

/**
 * What went wrong, for an answer's text: an Error's message, anything else as a string.
 *
 * @example
 * ```ts
 * import { messageOf } from "./ingest_error.ts";
 *
 * messageOf(new Error("db down")); // "db down"
 * messageOf("gone"); // "gone"
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A plain-text answer to a publisher (`nosniff`, sandboxed: its text quotes
 * what the publisher sent); `extra` headers such as `Allow`.
 *
 * @example
 * ```ts
 * import { answer } from "./ingest_error.ts";
 *
 * answer(405, "an upload is a POST or PUT", { allow: "POST, PUT" }).status; // 405
 * ```
 */
export function answer(status: number, message: string, extra?: HeadersInit): Response {
  const headers = containHeaders(new Headers(extra));
  headers.set("content-type", "text/plain; charset=utf-8");
  headers.set("cache-control", "no-store");
  return new Response(`${status} ${message}\n`, { status, headers });
}
