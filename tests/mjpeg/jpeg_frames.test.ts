// jpegFrames: splitting concatenated JPEGs into pictures, for every chunking, with FF D9 hidden in
// segments, stuffed and restart bytes in scans, garbage, truncation, and ffmpeg's real output.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { jpegFrames } from "../../lib/mjpeg/jpeg_frames.ts";
import { BLUE, GREEN, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import { searchPaths, withSearchPath } from "../_helpers/search_paths.ts";

/** Cut `bytes` into chunks of the given sizes, cycling through them. */
function chop(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length];
    chunks.push(bytes.slice(at, at + n));
    at += n;
  }
  return chunks;
}

async function splitAll(chunks: Uint8Array[], maxFrameSize?: number): Promise<Uint8Array[]> {
  const source = ReadableStream.from(chunks);
  const out: Uint8Array[] = [];
  for await (const frame of source.pipeThrough(jpegFrames({ maxFrameSize }))) out.push(frame);
  return out;
}

/** A deterministic pseudo-random generator (tests must not flake). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A noisy picture, so the scan is long and full of stuffed FF 00 bytes. */
function noisyJpeg(seed: number, exif?: Uint8Array): Uint8Array {
  const random = rng(seed);
  const width = 48, height = 40;
  const data = new Uint8Array(width * height * 4).map(() => Math.floor(random() * 256));
  // jpeg-js writes `exifBuffer` as an APP1 segment; its typings leave the field out.
  const image = { data, width, height, exifBuffer: exif } as Parameters<typeof jpeg.encode>[0];
  const out = jpeg.encode(image, 90);
  return new Uint8Array(out.data);
}

// Hand-made progressive-style picture: two scans with a DHT between them, FF 00 stuffing, RST
// markers, FF fill bytes before a marker, and an FF D9 inside a COM segment.
const HAND_MADE = new Uint8Array([
  ...[0xff, 0xd8],
  ...[0xff, 0xfe, 0x00, 0x06, 0xff, 0xd9, 0xff, 0xd8], // COM holding "FF D9 FF D8"
  ...[0xff, 0xdb, 0x00, 0x03, 0x07], // DQT, 1 payload byte
  ...[0xff, 0xda, 0x00, 0x03, 0x01], // SOS
  ...[0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd7, 0x78], // stuffed byte, RST0, RST7
  ...[0xff, 0xff, 0xc4, 0x00, 0x04, 0xff, 0xd9], // fill byte, DHT whose payload is FF D9
  ...[0xff, 0xda, 0x00, 0x02], // SOS with an empty header
  ...[0x9a, 0xff, 0x00],
  ...[0xff, 0xd9],
]);

const SOF = (code: number, lines: number, components: number): number[] => [
  ...[0xff, code, 0x00, 8 + 3 * components, 0x08, lines >> 8, lines & 0xff, 0x00, 0x10, components],
  ...Array.from({ length: components }, (_, i) => [i + 1, 0x11, 0x00]).flat(),
];
const SCAN = (components: number, data: number[]): number[] => [
  ...[0xff, 0xda, 0x00, 6 + 2 * components, components],
  ...Array.from({ length: components }, (_, i) => [i + 1, 0x00]).flat(),
  ...[0x00, 0x3f, 0x00],
  ...data,
];
const DHT_FF_D9 = [0xff, 0xc4, 0x00, 0x04, 0xff, 0xd9];

/**
 * Pictures with more than one scan, or something after the scan, whose segments hold FF D9: a
 * native FF D9 search from their first scan would end them early. Only the last scan of a
 * sequential picture without DNL or DHP may be searched that way.
 */
const AFTER_SCAN_CASES: [string, Uint8Array][] = [
  // Progressive: the first (DC) scan holds every component, yet more scans follow.
  ["progressive (SOF2)", [
    SOF(0xc2, 16, 3),
    SCAN(3, [0x12, 0xff, 0x00]),
    DHT_FF_D9,
    SCAN(1, [0x56]),
  ]],
  // Sequential, one component per scan.
  ["sequential, one scan per component", [
    SOF(0xc0, 16, 3),
    SCAN(1, [0x12]),
    DHT_FF_D9,
    SCAN(1, [0x34, 0xff, 0xd3]),
    SCAN(1, [0x56]),
  ]],
  // A line count of 0: the DNL segment after the first scan gives it (here 0xFFD9 lines).
  ["sequential with DNL", [SOF(0xc0, 0, 3), SCAN(3, [0x12, 0xff, 0x00]), [
    0xff,
    0xdc,
    0x00,
    0x04,
    0xff,
    0xd9,
  ]]],
  // Hierarchical (DHP): a sequential first frame, then a differential one.
  ["hierarchical (DHP)", [
    [0xff, 0xde, 0x00, 0x08, 0x08, 0x00, 0x10, 0x00, 0x10, 0x00],
    SOF(0xc0, 16, 1),
    SCAN(1, [0x12]),
    DHT_FF_D9,
    SOF(0xc5, 16, 1),
    SCAN(1, [0x34]),
  ]],
].map(([name, segments]) => [
  name as string,
  new Uint8Array([0xff, 0xd8, ...(segments as number[][]).flat(), 0xff, 0xd9]),
]);

for (const path of searchPaths) {
  describe(`jpegFrames (${path.name})`, () => {
    const split = (chunks: Uint8Array[], maxFrameSize?: number): Promise<Uint8Array[]> =>
      withSearchPath(path, () => splitAll(chunks, maxFrameSize));
    const frames = [solidJpeg(RED), noisyJpeg(1), solidJpeg(GREEN), noisyJpeg(2), HAND_MADE];
    const stream = concatBytes(frames);

    it("splits back-to-back pictures for many chunkings, down to one byte per chunk", async () => {
      const chunkings = [[stream.length], [1], [2], [3], [7], [64], [1, 2, 3, 500], [4096]];
      const random = rng(42);
      for (let k = 0; k < 20; k++) {
        chunkings.push(Array.from({ length: 8 }, () => 1 + Math.floor(random() * 300)));
      }
      for (const sizes of chunkings) {
        const got = await split(chop(stream, sizes));
        assert.equal(got.length, frames.length, `chunk sizes ${sizes}`);
        got.forEach((frame, i) => assert.deepEqual(frame, frames[i], `frame ${i}, sizes ${sizes}`));
      }
    });

    it("does not end a picture at an FF D9 inside an EXIF thumbnail", async () => {
      const thumbnail = solidJpeg(BLUE, { width: 8, height: 8 });
      const exif = concatBytes([new TextEncoder().encode("Exif\0\0"), thumbnail]);
      const withThumb = noisyJpeg(3, exif);
      const got = await split(chop(concatBytes([withThumb, withThumb]), [13]));
      assert.equal(got.length, 2);
      assert.deepEqual(got[0], withThumb);
      assert.deepEqual(got[1], withThumb);
      const decoded = jpeg.decode(got[1]);
      assert.equal(decoded.width, 48);
    });

    it("ignores bytes between pictures and drops an unfinished last picture", async () => {
      const a = solidJpeg(RED);
      const b = solidJpeg(GREEN);
      const junk = new Uint8Array([0x00, 0xff, 0x12, 0xff, 0xff, 0xd9, 0x0a]);
      const got = await split(chop(concatBytes([junk, a, junk, b, junk, a.subarray(0, 100)]), [5]));
      assert.deepEqual(got, [a, b]);
    });

    it("drops a picture cut off by a new SOI and resynchronises", async () => {
      const a = solidJpeg(RED);
      const b = solidJpeg(BLUE);
      const noisy = noisyJpeg(4);
      const cut = noisy.subarray(0, noisy.length - 100); // ends inside its scan
      const broken = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x03, 0x01, 0x77]); // 0x77: no marker
      const stream = concatBytes([a, cut, b, broken, a]);
      // The last chunking splits the SOI after the cut picture between its FF and its D8.
      for (const sizes of [[9], [1], [2], [a.length + cut.length + 1, 4096]]) {
        assert.deepEqual(await split(chop(stream, sizes)), [a, b, a], `sizes ${sizes}`);
      }
    });

    it("a frame within one chunk is a view of it; a frame across chunks is one exact copy", async () => {
      const a = solidJpeg(RED);
      const b = solidJpeg(GREEN);
      const both = concatBytes([new Uint8Array([1, 2]), a, b]);
      const [first, second] = await split([both]);
      assert.equal(first.buffer, both.buffer);
      assert.equal(first.byteOffset, 2);
      assert.deepEqual(first, a);
      assert.equal(second.buffer, both.buffer);
      assert.deepEqual(second, b);
      const [spread] = await split([a.slice(0, 100), a.slice(100)]);
      assert.deepEqual(spread, a);
      assert.equal(spread.byteOffset, 0);
      assert.equal(spread.byteLength, spread.buffer.byteLength);
    });

    for (const [name, picture] of AFTER_SCAN_CASES) {
      it(`${name}: an FF D9 in a segment after the first scan does not end the picture`, async () => {
        const stream = concatBytes([solidJpeg(RED), picture, solidJpeg(BLUE)]);
        for (const sizes of [[stream.length], [1], [2], [3, 5], [97]]) {
          const got = await split(chop(stream, sizes));
          assert.deepEqual(got, [solidJpeg(RED), picture, solidJpeg(BLUE)], `sizes ${sizes}`);
        }
      });
    }

    it("fuzz: random pictures, junk and pictures cut off in their last scan, in random chunks", async () => {
      const thumbnail = solidJpeg(BLUE, { width: 8, height: 8 });
      const pool = [
        solidJpeg(RED),
        solidJpeg(GREEN, { comment: "\xff\xd9\xff\xd8" }),
        noisyJpeg(6),
        noisyJpeg(7, concatBytes([new TextEncoder().encode("Exif\0\0"), thumbnail])),
        HAND_MADE,
        ...AFTER_SCAN_CASES.map(([, picture]) => picture),
      ];
      const random = rng(2024);
      const pick = (n: number): number => Math.floor(random() * n);
      for (let round = 0; round < 40; round++) {
        const pieces: Uint8Array[] = [];
        const expected: Uint8Array[] = [];
        for (let k = 0; k < 12; k++) {
          const picture = pool[pick(pool.length)];
          const kind = pick(4);
          if (kind === 0) {
            // Junk between pictures, without FF: it can start nothing.
            pieces.push(Uint8Array.from({ length: 1 + pick(40) }, () => pick(255)));
          } else if (kind === 1 && picture.length > 200) {
            // Cut off somewhere in its last scan: dropped when the next picture's SOI comes.
            let sos = picture.length - 2; // the last SOS marker: FF DA never occurs in scan data
            while (picture[sos] !== 0xff || picture[sos + 1] !== 0xda) sos--;
            const data = sos + 2 + ((picture[sos + 2] << 8) | picture[sos + 3]);
            pieces.push(picture.subarray(0, data + pick(picture.length - 2 - data)));
          }
          pieces.push(picture);
          expected.push(picture);
        }
        const stream = concatBytes(pieces);
        const sizes = Array.from({ length: 5 }, () => 1 + pick(round % 2 ? 64 : 4096));
        const got = await split(chop(stream, sizes));
        assert.equal(got.length, expected.length, `round ${round}, sizes ${sizes}`);
        got.forEach((frame, i) =>
          assert.deepEqual(frame, expected[i], `round ${round}, frame ${i}`)
        );
      }
    });

    it("errors with a RangeError past maxFrameSize", async () => {
      const big = noisyJpeg(5);
      await assert.rejects(split([big], big.length - 1), (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /maxFrameSize/);
        return true;
      });
      assert.equal((await split([big], big.length)).length, 1);
    });

    it("a picture that never ends errors once it passes maxFrameSize, not at the end of the input", async () => {
      let pulled = 0;
      const chunk = new Uint8Array(400);
      const endless = new ReadableStream<Uint8Array>({
        start: (controller) =>
          controller.enqueue(Uint8Array.of(0xff, 0xd8, 0xff, 0xda, 0x00, 0x02)),
        pull(controller) {
          if (++pulled === 100) controller.close(); // 40 kB, and still no EOI
          else controller.enqueue(chunk);
        },
      });
      const reading = (async () => {
        for await (const _ of endless.pipeThrough(jpegFrames({ maxFrameSize: 1000 })));
      })();
      await assert.rejects(reading, /maxFrameSize \(1000 bytes\)/);
      assert.ok(pulled < 10, `read ${pulled} chunks of 400 bytes before refusing`);
    });

    it("rejects bad options and chunks with errors naming them", async () => {
      assert.throws(() => jpegFrames({ maxFrameSize: 0 }), /options\.maxFrameSize/);
      assert.throws(() => jpegFrames({ maxFrameSize: 1.5 }), RangeError);
      assert.throws(() => jpegFrames(null as unknown as object), TypeError);
      await assert.rejects(split(["text" as unknown as Uint8Array]), TypeError);
    });

    it(
      `splits ffmpeg -f mjpeg output into its pictures${
        canSpawn ? "" : ` (skipped on ${runtime}: no subprocesses)`
      }`,
      { skip: !canSpawn },
      async () => {
        const bytes = await ffmpeg([
          ...["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-frames:v", "12"],
          ...["-f", "mjpeg", "-q:v", "4", "-"],
        ]);
        const got = await split(chop(bytes, [1000, 17, 4096]));
        assert.equal(got.length, 12);
        assert.deepEqual(concatBytes(got), bytes, "frames tile the whole output");
        for (const frame of got) {
          const picture = jpeg.decode(frame);
          assert.deepEqual([picture.width, picture.height], [160, 120]);
        }
      },
    );
  });
}

async function ffmpeg(args: string[]): Promise<Uint8Array> {
  const name = "node:child_process";
  const { spawn } = await import(name) as typeof import("node:child_process");
  const child = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const chunks: Uint8Array[] = [];
  child.stdout.on("data", (chunk: Uint8Array) => chunks.push(new Uint8Array(chunk)));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0, "ffmpeg exit code");
  return concatBytes(chunks);
}
