/**
 * Byte helpers shared by the encoder, the decoder and the JPEG splitter.
 *
 * @module
 */

/**
 * Concatenates byte arrays into one new array.
 *
 * @example
 * ```ts
 * import { concatBytes } from "./bytes.ts";
 *
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const chunk of chunks) size += chunk.byteLength;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Encodes text of characters U+0000..U+00FF one byte each (Latin-1), as
 * `fetch` sends header values: a header byte decoded as Latin-1 goes out as
 * the same byte. Callers check first that nothing is above U+00FF.
 *
 * @example
 * ```ts
 * import { latin1Bytes } from "./bytes.ts";
 *
 * latin1Bytes("caf\xe9"); // Uint8Array [0x63, 0x61, 0x66, 0xe9]
 * ```
 */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
