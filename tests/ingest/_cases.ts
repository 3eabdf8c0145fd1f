// The ingest() table: every format and every refusal, with its status, message and frames.
import type { IngestOptions } from "../../lib/ingest/ingest_options.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import { JPEGS, multipart, PNG, upload, WEBP } from "./_uploads.ts";

/** One upload and what ingest() must answer. */
export type Case = {
  name: string;
  request: () => Request;
  status: number;
  message?: RegExp;
  frames: number;
  /** Beyond `authorize: "anyone"`. */
  options?: Partial<IngestOptions>;
};

/** A multipart upload's Content-Type, as ffmpeg sends it. */
export const MIXED = "multipart/x-mixed-replace;boundary=ffmpeg";
const big = new Uint8Array(2000);

/** A JPEG of `size` bytes: SOI, an APP0 segment, a scan of zeros, EOI. */
function jpegOf(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02, 0xff, 0xda, 0x00, 0x02]);
  bytes.set([0xff, 0xd9], size - 2);
  return bytes;
}

/** Every format and every refusal. */
export const CASES: Case[] = [
  {
    name: "multipart with close delimiter",
    request: () => upload(multipart(JPEGS), MIXED),
    status: 204,
    frames: 3,
  },
  {
    name: "multipart/mixed ending like ffmpeg",
    request: () => upload(multipart(JPEGS, "ffmpeg"), "multipart/mixed; boundary=ffmpeg"),
    status: 204,
    frames: 3,
  },
  {
    name: "multipart cut inside a part",
    request: () => upload(multipart(JPEGS.slice(0, 2), "cut"), MIXED),
    status: 400,
    message: /^400 malformed multipart upload: multipart stream ended inside part 3/,
    frames: 2,
  },
  {
    name: "multipart with a malformed header",
    request: () =>
      upload(
        concatBytes([
          multipart(JPEGS.slice(0, 1), "ffmpeg").subarray(0, -4),
          new TextEncoder().encode("\r\nno colon here\r\n\r\nx\r\n--ffmpeg--"),
        ]),
        MIXED,
      ),
    status: 400,
    message: /^400 malformed multipart upload: .*header/i,
    frames: 1,
  },
  {
    name: "multipart part without Content-Type",
    request: () =>
      upload(
        new TextEncoder().encode("--b\r\nX-A: 1\r\n\r\nbody\r\n--b--"),
        "multipart/mixed;boundary=b",
      ),
    status: 400,
    message: /^400 part 1 has no Content-Type/,
    frames: 0,
  },
  {
    name: "multipart part over maxFrameSize",
    options: { maxFrameSize: 1500 },
    request: () => upload(multipart([JPEGS[0], big, JPEGS[1]]), MIXED),
    status: 413,
    message: /^413 frame 2 is larger than maxFrameSize \(1500 bytes\)/,
    frames: 1,
  },
  {
    name: "multipart without boundary",
    request: () => upload(multipart(JPEGS), "multipart/x-mixed-replace"),
    status: 400,
    message: /needs a boundary parameter/,
    frames: 0,
  },
  {
    name: "multipart with an impossible boundary",
    request: () => upload(multipart(JPEGS), `multipart/mixed;boundary=${"x".repeat(300)}`),
    status: 400,
    message: /^400 bad multipart boundary: boundary must be 1 to 256/,
    frames: 0,
  },
  { name: "one image/jpeg", request: () => upload(JPEGS[0], "image/jpeg"), status: 204, frames: 1 },
  {
    name: "raw MJPEG as image/jpeg",
    request: () => upload(concatBytes(JPEGS), "image/jpeg"),
    status: 204,
    frames: 3,
  },
  {
    name: "raw MJPEG as video/x-motion-jpeg",
    request: () => upload(concatBytes(JPEGS), "video/x-motion-jpeg"),
    status: 204,
    frames: 3,
  },
  {
    name: "raw MJPEG as application/octet-stream",
    request: () => upload(concatBytes(JPEGS), "application/octet-stream"),
    status: 204,
    frames: 3,
  },
  {
    name: "image/jpeg that is not JPEG",
    request: () => upload("hello", "image/jpeg"),
    status: 400,
    message: /no complete JPEG picture/,
    frames: 0,
  },
  {
    name: "MJPEG frame over maxFrameSize",
    options: { maxFrameSize: 100 },
    request: () => upload(concatBytes(JPEGS), "image/jpeg"),
    status: 413,
    message: /^413 frame 1 is larger than maxFrameSize \(100 bytes\)/,
    frames: 0,
  },
  { name: "one image/png", request: () => upload(PNG, "image/png"), status: 204, frames: 1 },
  { name: "one image/webp", request: () => upload(WEBP, "image/webp"), status: 204, frames: 1 },
  {
    name: "image/png that is not PNG",
    request: () => upload(JPEGS[0], "image/png"),
    status: 400,
    message: /^400 the upload is not image\/png: its first bytes/,
    frames: 0,
  },
  {
    name: "image/png over maxFrameSize (Content-Length)",
    options: { maxFrameSize: 10 },
    request: () => upload(PNG, "image/png", { headers: { "content-length": String(PNG.length) } }),
    status: 413,
    message: /^413 the frame is larger than maxFrameSize \(10 bytes\)/,
    frames: 0,
  },
  {
    name: "image/webp over maxFrameSize (streamed)",
    options: { maxFrameSize: 10 },
    request: () => upload(new Blob([WEBP as BlobPart]).stream(), "image/webp"),
    status: 413,
    message: /^413 frame 1 is larger/,
    frames: 0,
  },
  {
    name: "text/plain",
    request: () => upload("x", "text/plain"),
    status: 415,
    message:
      /^415 cannot read an upload of type "text\/plain"; accepted: multipart\/x-mixed-replace/,
    frames: 0,
  },
  {
    name: "no Content-Type",
    request: () => upload(new Uint8Array([1])),
    status: 415,
    message: /cannot read an upload without a Content-Type/,
    frames: 0,
  },
  {
    name: "GET",
    request: () => new Request("http://cam.example/ingest"),
    status: 405,
    message: /^405 an upload is a POST or PUT, got GET/,
    frames: 0,
  },
  {
    name: "PUT",
    request: () => upload(JPEGS[0], "image/jpeg", { method: "PUT" }),
    status: 204,
    frames: 1,
  },
  {
    name: "POST without a body",
    request: () => upload(null, "image/jpeg"),
    status: 400,
    message: /^400 the upload has no body/,
    frames: 0,
  },
  {
    name: "authorize false",
    options: { authorize: () => false },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 403,
    message: /^403 this request may not publish/,
    frames: 0,
  },
  {
    name: "authorize's own Response",
    options: { authorize: () => new Response("login first", { status: 401 }) },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 401,
    message: /^login first$/,
    frames: 0,
  },
  {
    name: "authorize throws",
    options: {
      authorize: () => {
        throw new Error("db down");
      },
    },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 500,
    message: /^500 authorize failed: db down/,
    frames: 0,
  },
  {
    name: "authorize returns junk",
    options: { authorize: () => "yes" as never },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 500,
    message: /authorize must return true, false or a Response, got the string "yes"\n$/,
    frames: 0,
  },
  {
    name: "authorize false on a PUT",
    options: { authorize: () => false },
    request: () => upload(JPEGS[0], "image/jpeg", { method: "PUT" }),
    status: 403,
    message: /^403 this request may not publish/,
    frames: 0,
  },
  {
    name: "authorize returns null",
    options: { authorize: () => null as never },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 500,
    message: /authorize must return true, false or a Response, got null/,
    frames: 0,
  },
  {
    // The first byte is PNG's (0x89); the second is not.
    name: "image/png that is not PNG past its first byte",
    request: () => upload(concatBytes([PNG.subarray(0, 1), new Uint8Array(30)]), "image/png"),
    status: 400,
    message: /^400 the upload is not image\/png: its first bytes/,
    frames: 0,
  },
  {
    name: "image/webp that is another RIFF file (WAVE)",
    request: () =>
      upload(
        concatBytes([WEBP.subarray(0, 8), new TextEncoder().encode("WAVEfmt ")]),
        "image/webp",
      ),
    status: 400,
    message: /^400 the upload is not image\/webp: its first bytes/,
    frames: 0,
  },
  {
    name: "image/webp that is not RIFF",
    request: () => upload(JPEGS[0], "image/webp"),
    status: 400,
    message: /^400 the upload is not image\/webp: its first bytes/,
    frames: 0,
  },
  {
    // Without options: the default maxFrameSize, 16 MiB, refuses a picture of 16 MiB + 1.
    name: "MJPEG frame over the default maxFrameSize",
    request: () => upload(jpegOf(16 * 1024 * 1024 + 1), "image/jpeg"),
    status: 413,
    message: /^413 frame 1 is larger than maxFrameSize \(16777216 bytes\)/,
    frames: 0,
  },
  {
    name: "MJPEG frame of exactly the default maxFrameSize",
    request: () => upload(jpegOf(16 * 1024 * 1024), "image/jpeg"),
    status: 204,
    frames: 1,
  },
  {
    name: "multipart part of exactly maxFrameSize",
    options: { maxFrameSize: 2000 },
    request: () => upload(multipart([big]), MIXED),
    status: 204,
    frames: 1,
  },
  {
    name: "image/png of exactly maxFrameSize (streamed)",
    options: { maxFrameSize: PNG.length },
    request: () => upload(new Blob([PNG as BlobPart]).stream(), "image/png"),
    status: 204,
    frames: 1,
  },
  {
    name: "image/png one byte over maxFrameSize (streamed)",
    options: { maxFrameSize: PNG.length - 1 },
    request: () => upload(new Blob([PNG as BlobPart]).stream(), "image/png"),
    status: 413,
    message: /^413 frame 1 is larger/,
    frames: 0,
  },
  {
    name: "media type in capitals",
    request: () => upload(JPEGS[0], "Image/JPEG"),
    status: 204,
    frames: 1,
  },
  {
    name: "authorize async true",
    options: { authorize: () => Promise.resolve(true) },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 204,
    frames: 1,
  },
];
