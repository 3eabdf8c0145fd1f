/**
 * The decoder's and `jpegFrames`' two byte-search paths, so a test can run on both whatever the
 * runtime detected: the web-only one (`Uint8Array#indexOf`, Horspool, a stop at every `FF`) and the
 * native one (`Buffer#indexOf` from node:buffer, which every runtime here can import).
 *
 * @example
 * ```ts
 * import { searchPaths, withSearchPath } from "./search_paths.ts";
 *
 * for (const path of searchPaths) await withSearchPath(path, async () => {});
 * ```
 * @module
 */

import { Buffer } from "node:buffer";
import { type NativeBytes, nativeSearch } from "../../lib/shared/native_search.ts";

/** One way of searching bytes: which native search is in use. */
export interface SearchPath {
  name: string;
  needle: NativeBytes | undefined;
}

const native = Buffer as unknown as NativeBytes;

/** The web-only path, then the native one. */
export const searchPaths: SearchPath[] = [
  { name: "web-only search", needle: undefined },
  { name: "native Buffer#indexOf", needle: native },
];

/**
 * Runs `run` with `path`'s search in use, then puts the detected one back. The decoder and
 * `jpegFrames` read them when they are created, so create them inside `run`.
 */
export async function withSearchPath<T>(path: SearchPath, run: () => Promise<T>): Promise<T> {
  const saved = { ...nativeSearch };
  nativeSearch.needle = path.needle;
  try {
    return await run();
  } finally {
    Object.assign(nativeSearch, saved);
  }
}
