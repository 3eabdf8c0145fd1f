/**
 * Reads one pixel of a PNG screenshot (8-bit RGB or RGBA, not interlaced: what Chromium, Firefox
 * and WebKitGTK return), with web-standard DecompressionStream so it runs on every runtime. Lets a
 * test check what a browser put on screen, not what its image decoder hands a canvas.
 */
import type { Rgb } from "./jpeg.ts";

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * The colour at (`x`, `y`) of a PNG image.
 *
 * @example
 * const { r, g, b } = await pngPixel(screenshot, 16, 16);
 */
export async function pngPixel(png: Uint8Array, x: number, y: number): Promise<Rgb> {
  const width = u32(png, 16);
  const depth = png[24], colorType = png[25];
  if (depth !== 8 || (colorType !== 2 && colorType !== 6) || png[28] !== 0) {
    throw new Error(
      `pngPixel reads 8-bit RGB(A) non-interlaced PNGs, got depth ${depth} type ${colorType}`,
    );
  }
  const channels = colorType === 6 ? 4 : 3;
  const idat: Uint8Array[] = [];
  for (let at = 8; at < png.length;) {
    const size = u32(png, at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === "IDAT") idat.push(png.subarray(at + 8, at + 8 + size));
    at += 12 + size;
  }
  const raw = await inflate(
    new Uint8Array(await new Blob(idat as Uint8Array<ArrayBuffer>[]).arrayBuffer()),
  );
  const stride = width * channels;
  let prev = new Uint8Array(stride);
  let row = new Uint8Array(stride);
  for (let line = 0; line <= y; line++) {
    const filter = raw[line * (stride + 1)];
    const src = raw.subarray(line * (stride + 1) + 1, (line + 1) * (stride + 1));
    row = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? row[i - channels] : 0;
      const up = prev[i];
      const upLeft = i >= channels ? prev[i - channels] : 0;
      const predictor = filter === 1
        ? left
        : filter === 2
        ? up
        : filter === 3
        ? (left + up) >> 1
        : filter === 4
        ? paeth(left, up, upLeft)
        : 0;
      row[i] = (src[i] + predictor) & 0xff;
    }
    prev = row;
  }
  const at = x * channels;
  return { r: row[at], g: row[at + 1], b: row[at + 2] };
}
