/**
 * The frames of an upload, by its `Content-Type`: the parts of a multipart
 * body, the pictures of a raw MJPEG byte stream, or one picture per request.
 * Each reader throws an {@linkcode IngestError} with the status of the answer.
 *
 * @module
 */

import { concatBytes } from "../shared/bytes.ts";
import { jpegFrames } from "../mjpeg/jpeg_frames.ts";
import { MultipartParseError } from "../parse/errors.ts";
import { parseParts } from "../parse/parse_parts.ts";
import type { ReceivedPart } from "../parse/received_part.ts";
import { forwardedHeaders } from "../parse/forwarded_headers.ts";
import { IngestError, messageOf } from "./ingest_error.ts";
import { mediaTypeOf } from "../shared/media_type.ts";
import type { UploadBody } from "./upload_body.ts";

/** A frame ready to publish. */
export interface IngestFrame {
  contentType: string;
  body: Uint8Array;
  /** The part header fields a viewer gets (multipart uploads: `X-Timestamp`, `X-Frame`). */
  headers?: Headers | undefined;
}

/** Longest header block of an uploaded part. */
const MAX_HEADER = 16384;
const latin1 = new TextDecoder("latin1");

/**
 * Parts of a multipart upload (what `ffmpeg -f mpjpeg` sends).
 *
 * @example
 * ```ts ignore
 * const types = new Set(["image/jpeg"]);
 * for await (const frame of multipartFrames(upload, "ffmpeg", 1 << 20, types)) hub.publish(frame);
 * ```
 */
export async function* multipartFrames(
  upload: UploadBody,
  boundary: string,
  maxFrameSize: number,
  allowTypes: ReadonlySet<string>,
): AsyncGenerator<IngestFrame> {
  let parts: AsyncIterableIterator<ReceivedPart>;
  try {
    parts = parseParts(upload.stream, {
      boundary,
      maxHeaderSize: MAX_HEADER,
      maxPartSize: maxFrameSize + MAX_HEADER,
    });
  } catch (error) {
    await upload.stream.cancel().catch(() => {});
    throw new IngestError(400, `bad multipart boundary: ${(error as Error).message}`);
  }
  let n = 0;
  try {
    for await (const part of parts) {
      n++;
      if (part.body.byteLength > maxFrameSize) throw tooLarge(n, maxFrameSize);
      if (part.contentType === null) throw new IngestError(400, `part ${n} has no Content-Type`);
      if (!allowTypes.has(mediaTypeOf(part.contentType))) {
        throw new IngestError(
          415,
          `part ${n} is of type "${mediaTypeOf(part.contentType)}", not accepted: ` +
            `${[...allowTypes].join(", ")} (options.allowTypes adds more)`,
        );
      }
      upload.frameArrived();
      yield {
        contentType: part.contentType,
        body: part.body,
        headers: forwardedHeaders(part.headers),
      };
    }
  } catch (error) {
    if (!(error instanceof MultipartParseError)) throw error;
    // ffmpeg's mpjpeg muxer never writes the close delimiter: its upload ends right after the
    // boundary line (and blank line) that would open the next part.
    if (error.code === "truncated" && endsAtBoundary(upload.tail(), boundary)) return;
    if (error.code === "truncated" && upload.broken) throw brokeOff(upload);
    if (error.code === "part-too-large") throw tooLarge(n + 1, maxFrameSize);
    throw new IngestError(400, `malformed multipart upload: ${error.message}`);
  }
}

function brokeOff(upload: UploadBody): IngestError {
  const why = messageOf(upload.broken?.error);
  return new IngestError(400, `the upload broke off inside a frame: ${why}`);
}

function tooLarge(n: number, maxFrameSize: number): IngestError {
  return new IngestError(413, `frame ${n} is larger than maxFrameSize (${maxFrameSize} bytes)`);
}

/** Whether the bytes end with a boundary line (`--B`, then padding, CRLF and maybe a blank line). */
function endsAtBoundary(tail: Uint8Array, boundary: string): boolean {
  const text = latin1.decode(tail).replace(/[ \t]*(\r?\n){0,2}$/, "");
  return [`--${boundary}`, boundary.startsWith("--") ? boundary : null].some((line) =>
    line !== null && text.endsWith(line) &&
    (text.length === line.length || text[text.length - line.length - 1] === "\n")
  );
}

/**
 * Pictures of a raw MJPEG stream (concatenated JPEGs), split with `jpegFrames`.
 *
 * @example
 * ```ts
 * import { mjpegFrames } from "./frame_readers.ts";
 * import { UploadBody } from "./upload_body.ts";
 *
 * const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xd9, 0xff, 0xd8, 0xff, 0xd9]);
 * const upload = new UploadBody(new Response(bytes).body!, 30_000);
 * for await (const frame of mjpegFrames(upload, 1 << 20)) frame.body.length; // 4, 4
 * ```
 */
export async function* mjpegFrames(
  upload: UploadBody,
  maxFrameSize: number,
): AsyncGenerator<IngestFrame> {
  let n = 0;
  try {
    for await (const body of chunks(upload.stream.pipeThrough(jpegFrames({ maxFrameSize })))) {
      n++;
      upload.frameArrived();
      yield { contentType: "image/jpeg", body };
    }
  } catch (error) {
    if (error instanceof RangeError) throw tooLarge(n + 1, maxFrameSize);
    throw error;
  }
  if (n === 0) {
    throw new IngestError(400, "the upload has no complete JPEG picture (FF D8 … FF D9)");
  }
}

const SIGNATURES: Record<string, (bytes: Uint8Array) => boolean> = {
  "image/png": (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x),
  "image/webp": (b) =>
    latin1.decode(b.subarray(0, 4)) === "RIFF" && latin1.decode(b.subarray(8, 12)) === "WEBP",
};

/**
 * One PNG or WebP picture: the whole body, checked against the format's signature.
 *
 * @example
 * ```ts ignore
 * for await (const frame of singleFrame(upload, "image/png", 1 << 20)) hub.publish(frame);
 * ```
 */
export async function* singleFrame(
  upload: UploadBody,
  type: "image/png" | "image/webp",
  maxFrameSize: number,
): AsyncGenerator<IngestFrame> {
  const pieces: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks(upload.stream)) {
    size += chunk.byteLength;
    if (size > maxFrameSize) throw tooLarge(1, maxFrameSize);
    pieces.push(chunk);
  }
  if (upload.broken) throw brokeOff(upload);
  const body = concatBytes(pieces);
  if (!SIGNATURES[type](body)) {
    throw new IngestError(
      400,
      `the upload is not ${type}: its first bytes are not the format's signature`,
    );
  }
  yield { contentType: type, body };
}

/** A stream's chunks; leaving early cancels it (TypeScript's DOM types lack stream iteration). */
async function* chunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    while (true) {
      const next = await reader.read();
      if (next.done) break;
      yield next.value;
    }
    done = true;
  } finally {
    if (!done) await reader.cancel().catch(() => {});
  }
}
