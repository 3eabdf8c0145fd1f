// Upload bodies for the ingest tests: multipart as ffmpeg writes it, raw MJPEG, PNG, WebP.
import { concatBytes } from "../../lib/shared/bytes.ts";
import { BLUE, GREEN, RED, solidJpeg, solidPng } from "../_helpers/jpeg.ts";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Open publishing, on purpose: these tests are about the upload, not about who sends it. */
export const OPEN = { authorize: "anyone" } as const;

/** Three distinct real JPEGs. */
export const JPEGS: Uint8Array[] = [RED, GREEN, BLUE].map((color) => solidJpeg(color));
export const PNG: Uint8Array = solidPng(GREEN);
/** RIFF….WEBP: the signature is all ingest checks; the hub does not decode. */
export const WEBP: Uint8Array = concatBytes([text("RIFF"), new Uint8Array(4), text("WEBPVP8 ")]);

/** A multipart body of `frames`; `end` is how it stops. */
export function multipart(
  frames: Uint8Array[],
  end: "close" | "ffmpeg" | "cut" = "close",
  boundary = "ffmpeg",
): Uint8Array {
  const parts = frames.map((frame) =>
    concatBytes([
      text(`--${boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: ${frame.length}\r\n\r\n`),
      frame,
      text("\r\n"),
    ])
  );
  const tail = end === "close"
    ? `--${boundary}--\r\n`
    : end === "ffmpeg"
    ? `--${boundary}\r\n\r\n`
    : `--${boundary}\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8partial`;
  return concatBytes([...parts, text(tail)]);
}

/** A POST to /ingest; a ReadableStream body is sent streamed. */
export function upload(
  body: BodyInit | Uint8Array | null,
  contentType?: string,
  init: RequestInit = {},
): Request {
  const headers = new Headers(init.headers);
  if (contentType !== undefined) headers.set("content-type", contentType);
  return new Request("http://cam.example/ingest", {
    method: "POST",
    ...init,
    headers,
    body: body as BodyInit | null,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

/** A body stream the test feeds: `push` chunks, then `close`. */
export function feed(): {
  stream: ReadableStream<Uint8Array>;
  push(chunk: Uint8Array): void;
  close(): void;
} {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    stream,
    push: (chunk) => controller.enqueue(chunk),
    close: () => controller.close(),
  };
}
