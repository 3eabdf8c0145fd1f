/**
 * A synthetic camera for the demo: a moving test pattern with a clock and a frame counter, drawn
 * into RGBA pixels in plain TypeScript and encoded as JPEG with jpeg-js (pure JS, so it runs on
 * Deno Deploy, Bun, Node and Workers alike).
 *
 * @module
 */
import jpeg from "jpeg-js";

/** Options of {@linkcode SyntheticCamera}. */
export interface CameraOptions {
  /** @default {320} */
  width?: number;
  /** @default {240} */
  height?: number;
  /**
   * JPEG quality, 1–100.
   * @default {70}
   */
  quality?: number;
}

// 5x7 glyphs, one string of 7 rows of 5 bits per character.
const GLYPHS: Record<string, string> = {
  "0": "01110100011001110101110011000101110",
  "1": "00100011000010000100001000010001110",
  "2": "01110100010000100010001000100011111",
  "3": "11111000100010000010000011000101110",
  "4": "00010001100101010010111110001000010",
  "5": "11111100001111000001000011000101110",
  "6": "00110010001000011110100011000101110",
  "7": "11111000010001000100010000100001000",
  "8": "01110100011000101110100011000101110",
  "9": "01110100011000101111000010001001100",
  ":": "00000011000110000000011000110000000",
  ".": "00000000000000000000000000110001100",
  "-": "00000000000000011111000000000000000",
  " ": "00000000000000000000000000000000000",
  "#": "01010010101111101010111110101001010",
  "C": "01110100011000010000100001000101110",
  "E": "11111100001000011110100001000011111",
  "F": "11111100001000011110100001000010000",
  "M": "10001110111010110101100011000110001",
  "P": "11110100011000111110100001000010000",
  "R": "11110100011000111110101001001010001",
  "S": "01111100001000001110000010000111110",
  "T": "11111001000010000100001000010000100",
  "U": "10001100011000110001100011000101110",
  "A": "01110100011000111111100011000110001",
  "H": "10001100011000111111100011000110001",
  "L": "10000100001000010000100001000011111",
  "O": "01110100011000110001100011000101110",
  "V": "10001100011000110001100010101000100",
  "W": "10001100011000110101101011010101010",
  "Y": "10001100010101000100001000010000100",
  "I": "01110001000010000100001000010001110",
  "D": "11100100101000110001100011001011100",
  "N": "10001110011010110011100011000110001",
};

// SMPTE-style bars: white, yellow, cyan, green, magenta, red, blue.
const BARS: [number, number, number][] = [
  [235, 235, 235],
  [235, 235, 16],
  [16, 235, 235],
  [16, 235, 16],
  [235, 16, 235],
  [235, 16, 16],
  [16, 16, 235],
];

/**
 * Draws and encodes test-pattern frames. Frame `n` shows bars scrolled by `n`, a square bouncing
 * across them, the UTC time to the millisecond and the frame number, so every frame differs and
 * a viewer can see both motion and latency.
 *
 * @example
 * ```ts ignore
 * const camera = new SyntheticCamera({ width: 320, height: 240 });
 * const jpegBytes = camera.frame(); // frame 1
 * ```
 */
export class SyntheticCamera {
  /** Frames drawn so far. */
  frames = 0;
  readonly width: number;
  readonly height: number;
  #quality: number;
  #pixels: Uint8Array;

  /** @throws {RangeError} on a size outside 64–1920 x 48–1080 or a bad quality. */
  constructor(options: CameraOptions = {}) {
    const { width = 320, height = 240, quality = 70 } = options;
    if (!Number.isInteger(width) || width < 64 || width > 1920) {
      throw new RangeError(`options.width must be an integer from 64 to 1920, got ${width}`);
    }
    if (!Number.isInteger(height) || height < 48 || height > 1080) {
      throw new RangeError(`options.height must be an integer from 48 to 1080, got ${height}`);
    }
    if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
      throw new RangeError(`options.quality must be an integer from 1 to 100, got ${quality}`);
    }
    this.width = width;
    this.height = height;
    this.#quality = quality;
    this.#pixels = new Uint8Array(width * height * 4).fill(255);
  }

  /** Draws the next frame (at `now`) and returns it as JPEG bytes. */
  frame(now: Date = new Date()): Uint8Array {
    const n = ++this.frames;
    this.#draw(n, now);
    const out = jpeg.encode(
      { data: this.#pixels, width: this.width, height: this.height },
      this.#quality,
    );
    // jpeg-js hands out a Node Buffer where one exists; a plain view keeps every runtime alike.
    return new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
  }

  /** The picture viewers get while a broadcaster is away: dark grey, "OFFLINE" at the top. */
  offline(): Uint8Array {
    this.#rect(0, 0, this.width, this.height, [48, 48, 48]);
    const scale = Math.max(1, Math.floor(this.width / 110));
    this.#text("OFFLINE", 4 * scale, 4 * scale, scale);
    const out = jpeg.encode({ data: this.#pixels, width: this.width, height: this.height }, 80);
    return new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
  }

  #draw(n: number, now: Date): void {
    const { width, height } = this;
    const barWidth = Math.ceil(width / BARS.length);
    const band = Math.floor(height * 0.62);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let color: [number, number, number];
        if (y < band) color = BARS[Math.floor(((x + n * 3) % width) / barWidth) % BARS.length];
        else {
          // A grey ramp that moves the other way, under the bars.
          const v = 16 + Math.floor(((x - n * 2 + width * 1000) % width) * 219 / width);
          color = [v, v, v];
        }
        this.#set(x, y, color);
      }
    }
    const size = Math.floor(height / 6);
    const span = width - size;
    const travel = n * 4 % (2 * span);
    const boxX = travel < span ? travel : 2 * span - travel;
    this.#rect(boxX, band - size - 4, size, size, [20, 20, 20]);
    const scale = Math.max(1, Math.floor(width / 110));
    const time = now.toISOString().slice(11, 23);
    const lineHeight = 8 * scale;
    const textTop = band + Math.floor((height - band - 2 * lineHeight - 4 * scale) / 2);
    this.#rect(0, textTop - 2 * scale, width, 2 * lineHeight + 6 * scale, [12, 24, 48]);
    this.#text(`${time} UTC`, 4 * scale, textTop, scale);
    this.#text(`FRAME #${n}`, 4 * scale, textTop + lineHeight + 2 * scale, scale);
  }

  #set(x: number, y: number, [r, g, b]: [number, number, number]): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.#pixels[i] = r;
    this.#pixels[i + 1] = g;
    this.#pixels[i + 2] = b;
  }

  #rect(left: number, top: number, w: number, h: number, color: [number, number, number]): void {
    for (let y = top; y < top + h; y++) {
      for (let x = left; x < left + w; x++) this.#set(x, y, color);
    }
  }

  #text(text: string, left: number, top: number, scale: number): void {
    for (const [k, char] of [...text].entries()) {
      const glyph = GLYPHS[char] ?? GLYPHS[" "];
      for (let row = 0; row < 7; row++) {
        for (let col = 0; col < 5; col++) {
          if (glyph[row * 5 + col] !== "1") continue;
          this.#rect(left + (k * 6 + col) * scale, top + row * scale, scale, scale, [
            255,
            255,
            255,
          ]);
        }
      }
    }
  }
}
