/**
 * The decoder's and `jpegFrames`' two byte-search paths, so a test can run on both whatever the
 * runtime detected: the web-only one (`Uint8Array#indexOf`, Horspool, a stop at every `FF`, parts
 * spanning chunks copied into `new Uint8Array`) and the native one (`Buffer#indexOf` and
 * `Buffer.allocUnsafeSlow` from node:buffer, which every runtime here can import).
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
import {
  chooseNativeSearch,
  type NativeSearch,
  nativeSearch,
} from "../../lib/shared/native_search.ts";

/** One way of searching bytes: which native search (and allocation) is in use. */
export interface SearchPath extends NativeSearch {
  name: string;
}

/** The web-only path, then the native one. */
export const searchPaths: SearchPath[] = [
  { name: "web-only search", needle: undefined, unzeroed: undefined },
  { name: "native Buffer search and copy", ...chooseNativeSearch(Buffer, "Node.js/24") },
];

/**
 * Runs `run` with `path`'s search in use, then puts the detected one back. The decoder and
 * `jpegFrames` read them when they are created, so create them inside `run`.
 */
export async function withSearchPath<T>(path: SearchPath, run: () => Promise<T>): Promise<T> {
  const saved = { ...nativeSearch };
  nativeSearch.needle = path.needle;
  nativeSearch.unzeroed = path.unzeroed;
  try {
    return await run();
  } finally {
    Object.assign(nativeSearch, saved);
  }
}
