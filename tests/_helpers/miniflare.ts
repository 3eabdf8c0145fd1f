/**
 * A Worker of this repository run in workerd through miniflare the way wrangler runs it: its
 * `main` bundled by esbuild, with wrangler.toml's compatibility date and flags. Driven from Node;
 * node:fs, esbuild and miniflare are loaded lazily under non-literal names, so that importing this
 * file works on every runtime (the tests that call it are skipped elsewhere).
 */

/** wrangler.toml at the repository root. */
export async function wranglerToml(): Promise<string> {
  const name = "node:fs/promises";
  const { readFile } = await import(name) as typeof import("node:fs/promises");
  return await readFile(new URL("../../wrangler.toml", import.meta.url), "utf8");
}

/** A Worker started by {@link startWorker}. */
export interface StartedWorker {
  /** The Worker's address on 127.0.0.1. */
  url: URL;
  /** Stops workerd (it waits for open responses: close them first). */
  dispose(): Promise<void>;
}

/**
 * Bundles `main` (a path from the repository root) and starts it with `toml`'s top-level
 * `compatibility_date` and `compatibility_flags`, `durableObjects` (binding → class name) and
 * plain-text `bindings` (vars and secrets, name → value).
 */
export async function startWorker(
  toml: string,
  main: string,
  durableObjects?: Record<string, string>,
  bindings?: Record<string, string>,
): Promise<StartedWorker> {
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = JSON.parse(/^compatibility_flags\s*=\s*(\[.*\])/m.exec(toml)?.[1] ?? "[]");
  const esbuild = "esbuild";
  const { build } = await import(esbuild) as typeof import("esbuild");
  const bundle = await build({
    entryPoints: [new URL(`../../${main}`, import.meta.url).pathname],
    bundle: true,
    format: "esm",
    write: false,
    platform: "neutral",
  });
  const mf = "miniflare";
  const { Miniflare } = await import(mf) as typeof import("miniflare");
  const miniflare = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0].text,
    compatibilityDate: date,
    compatibilityFlags: flags,
    ...(durableObjects ? { durableObjects } : {}),
    ...(bindings ? { bindings } : {}),
    host: "127.0.0.1",
    port: 0,
  });
  try {
    return { url: await miniflare.ready, dispose: () => miniflare.dispose() };
  } catch (error) {
    await miniflare.dispose();
    throw error;
  }
}
