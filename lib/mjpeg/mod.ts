/**
 * {@linkcode jpegFrames}: splits a camera's or ffmpeg's raw MJPEG byte stream
 * (JPEGs back to back) into one picture per frame; {@linkcode withHuffmanTables}
 * gives a USB webcam's frame the standard Huffman tables Safari needs.
 *
 * @example
 * ```ts ignore
 * import { jpegFrames } from "multipart-push/mjpeg";
 *
 * const camera = await fetch("http://camera.local/mjpeg");
 * for await (const frame of camera.body!.pipeThrough(jpegFrames())) console.log(frame.byteLength);
 * ```
 *
 * @module
 */

export { jpegFrames, type JpegFramesOptions } from "./jpeg_frames.ts";
export { withHuffmanTables } from "./huffman.ts";
