/**
 * Real image bytes for real-client tests: solid-colour JPEGs (jpeg-js, pure JS so it runs on every
 * runtime) and a tiny solid-colour PNG, so a browser or ffprobe has a genuine frame to decode.
 */
import jpeg from "jpeg-js";
import { concatBytes } from "../../lib/shared/bytes.ts";

/** An sRGB colour, 0-255 per channel. */
export type Rgb = { r: number; g: number; b: number };

export const RED: Rgb = { r: 255, g: 0, b: 0 };
export const GREEN: Rgb = { r: 0, g: 255, b: 0 };
export const BLUE: Rgb = { r: 0, g: 0, b: 255 };

/** Options for {@link solidJpeg}. */
export type SolidImageOptions = {
  /** @default 32 */
  width?: number;
  /** @default 32 */
  height?: number;
  /**
   * Text stored in a JPEG COM segment. Use "\r\n--" here to get a valid JPEG whose bytes contain a
   * delimiter-looking sequence.
   */
  comment?: string;
};

function rgba(color: Rgb, width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = color.r;
    data[i + 1] = color.g;
    data[i + 2] = color.b;
    data[i + 3] = 255;
  }
  return data;
}

/**
 * A baseline JPEG filled with one colour.
 *
 * @example
 * const red = solidJpeg(RED, { comment: "\r\n--" });
 */
export function solidJpeg(color: Rgb, options: SolidImageOptions = {}): Uint8Array {
  const width = options.width ?? 32;
  const height = options.height ?? 32;
  const comments = options.comment === undefined ? undefined : [options.comment];
  const out = jpeg.encode({ data: rgba(color, width, height), width, height, comments }, 95);
  // jpeg-js returns a Node Buffer where one exists; hand out a plain Uint8Array everywhere.
  return new Uint8Array(out.data);
}

/** True when `bytes` contains the ASCII sequence `needle`. */
export function containsAscii(bytes: Uint8Array, needle: string): boolean {
  const n = new TextEncoder().encode(needle);
  outer: for (let i = 0; i + n.length <= bytes.length; i++) {
    for (let j = 0; j < n.length; j++) if (bytes[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u32(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concatBytes([new TextEncoder().encode(type), data]);
  return concatBytes([u32(data.length), typed, u32(crc32(typed))]);
}

/**
 * A PNG filled with one colour (RGB, zlib "stored" blocks: no compressor needed, still valid), so
 * a test can switch a push from JPEG parts to a part of another type.
 *
 * @example
 * const green = solidPng(GREEN);
 */
export function solidPng(color: Rgb, options: Omit<SolidImageOptions, "comment"> = {}): Uint8Array {
  const width = options.width ?? 32;
  const height = options.height ?? 32;
  const row = 1 + width * 3;
  const raw = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set([color.r, color.g, color.b], y * row + 1 + x * 3);
  }
  const blocks: Uint8Array[] = [new Uint8Array([0x78, 0x01])];
  for (let at = 0; at < raw.length || at === 0; at += 65535) {
    const part = raw.subarray(at, at + 65535);
    const last = at + 65535 >= raw.length ? 1 : 0;
    blocks.push(new Uint8Array([last, part.length & 0xff, part.length >>> 8]));
    blocks.push(new Uint8Array([~part.length & 0xff, (~part.length >>> 8) & 0xff]), part);
  }
  let a = 1, b = 0;
  for (const byte of raw) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  blocks.push(u32(((b << 16) | a) >>> 0));
  const ihdr = concatBytes([u32(width), u32(height), new Uint8Array([8, 2, 0, 0, 0])]);
  return concatBytes([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", concatBytes(blocks)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}
