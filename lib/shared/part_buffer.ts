/**
 * The bytes of a part that is still arriving, kept as the chunks (views) they
 * came in, without copying. When the part is complete it is read back as a
 * view if it lies in one piece, else copied once into a new array.
 *
 * Small pieces (a slow or byte-wise sender) are copied into scratch blocks
 * instead, which grow with the part: a part handed out as a view of a block
 * must not keep a block much larger than itself alive (issue 10, item 14).
 *
 * @module
 */

/** Pieces shorter than this are copied into a scratch block. */
const SMALL = 1024;
/** The first block of a part; each later one holds twice the part so far, up to SCRATCH. */
const FIRST = 64;
const SCRATCH = 16384;
/** A part read back from a block with more spare bytes than this is copied out of it. */
const SPARE = 64;

/**
 * Kept pieces of one part.
 *
 * @example
 * ```ts
 * import { PartBuffer } from "./part_buffer.ts";
 *
 * const buffer = new PartBuffer();
 * buffer.keep(new TextEncoder().encode("hel"));
 * const next = new TextEncoder().encode("lo\r\n--B");
 * buffer.take(next, 0, 5); // "hello" as one new array
 * buffer.clear();
 * ```
 */
export class PartBuffer {
  /** Bytes kept so far. */
  size = 0;
  #pieces: Uint8Array[] = [];
  #scratch: Uint8Array | undefined;
  #scratchUsed = 0;
  #scratchIndex = -1;
  /** Whether the first piece is a scratch block (not a view of a chunk). */
  #firstIsScratch = false;

  /**
   * Keeps a piece (not copied: do not change it). Small pieces, from a slow
   * or byte-wise sender, are copied together instead, so the list of pieces
   * and its overhead per piece stay small.
   */
  keep(piece: Uint8Array): void {
    this.size += piece.length;
    const pieces = this.#pieces;
    if (piece.length >= SMALL) {
      pieces.push(piece);
      return;
    }
    let scratch = this.#scratch;
    if (
      scratch === undefined || this.#scratchIndex !== pieces.length - 1 ||
      this.#scratchUsed + piece.length > scratch.length
    ) {
      // this.size already counts the piece, so the block always fits it (piece < SMALL < SCRATCH).
      scratch = this.#scratch = new Uint8Array(
        Math.min(SCRATCH, Math.max(FIRST, 2 * this.size)),
      );
      this.#scratchUsed = 0;
      this.#scratchIndex = pieces.push(scratch.subarray(0, 0)) - 1;
      if (this.#scratchIndex === 0) this.#firstIsScratch = true;
    }
    scratch.set(piece, this.#scratchUsed);
    this.#scratchUsed += piece.length;
    pieces[this.#scratchIndex] = scratch.subarray(0, this.#scratchUsed);
  }

  /** Byte `index` of the part: the kept bytes, then `chunk` from `from`. */
  byteAt(chunk: Uint8Array, from: number, index: number): number {
    if (index >= this.size) return chunk[from + index - this.size];
    let offset = this.size;
    for (let k = this.#pieces.length - 1; k >= 0; k--) {
      offset -= this.#pieces[k].length;
      if (index >= offset) return this.#pieces[k][index - offset];
    }
    return -1;
  }

  /**
   * The first `length` (> 0) bytes of the part, when some are kept: the kept
   * bytes, then `chunk` from `from`. A view when they lie in the first piece
   * (unless that is a scratch block with over SPARE bytes to spare), else one copy.
   */
  take(chunk: Uint8Array, from: number, length: number): Uint8Array {
    const pieces = this.#pieces;
    if (length <= pieces[0].length) {
      const first = pieces[0];
      const spare = this.#firstIsScratch ? first.buffer.byteLength - length : 0;
      return spare > SPARE ? first.slice(0, length) : first.subarray(0, length);
    }
    const out = new Uint8Array(length);
    let offset = 0;
    for (const piece of pieces) {
      if (offset + piece.length >= length) {
        out.set(piece.subarray(0, length - offset), offset);
        return out;
      }
      out.set(piece, offset);
      offset += piece.length;
    }
    out.set(chunk.subarray(from, from + length - offset), offset);
    return out;
  }

  /** Forgets every piece (views handed out stay valid: the scratch buffer is not reused). */
  clear(): void {
    this.#pieces.length = 0;
    this.#scratch = undefined;
    this.#scratchIndex = -1;
    this.#firstIsScratch = false;
    this.size = 0;
  }
}
