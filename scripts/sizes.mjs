// Prints the minified + gzipped size of each entry point (and of `pushResponse` and `PushHub`
// alone), bundled with esbuild for the browser/Workers platform, so growth is visible in every
// `npm test` run.
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const exports = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8")).exports;
const entries = Object.entries(exports).map(([name, path]) => [
  name === "." ? "multipart-push (everything)" : `multipart-push${name.slice(1)}`,
  `export * from ${JSON.stringify(join(ROOT, path))};`,
]);
const alone = (
  name,
) => [`${name} alone`, `export { ${name} } from ${JSON.stringify(join(ROOT, "mod.ts"))};`];
entries.splice(1, 0, alone("pushResponse"), alone("PushHub"));

async function size(contents) {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
  });
  const bytes = result.outputFiles[0].contents;
  return { min: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength };
}

const kb = (n) => `${(n / 1000).toFixed(2)} KB`.padStart(9);
console.log(`${"entry point".padEnd(32)} ${"min".padStart(8)} ${"min+gzip".padStart(8)}`);
for (const [name, contents] of entries) {
  const { min, gzip } = await size(contents);
  console.log(`${name.padEnd(32)} ${kb(min)} ${kb(gzip)}`);
}
