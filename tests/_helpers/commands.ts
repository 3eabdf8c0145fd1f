/**
 * Documented run commands, started as written: `sh -c COMMAND` in the repository root (or `cwd`)
 * with node_modules/.bin first on PATH (where the README's `deno`, `bun` and Node 24 come from), on
 * a free loopback port handed over the way each runtime reads it: `PORT` (the examples, Bun's
 * default-export server) and `DENO_SERVE_ADDRESS` (`deno serve`, and `Deno.serve` without a port).
 * node:child_process is loaded lazily so that importing this file works on workerd.
 */
import { freePort } from "./ports.ts";

type ChildProcess = import("node:child_process").ChildProcess;

/** What {@linkcode runCommand} may change besides the port. */
export interface RunOptions {
  /** Extra environment variables. */
  env?: Record<string, string> | undefined;
  /** The folder the command runs in (default: the repository root). */
  cwd?: string | undefined;
  /**
   * Milliseconds the command may take to answer HTTP on its port.
   * @default {30000}
   */
  readyMs?: number | undefined;
}

/** The repository root, as a path. */
export function repoRoot(): string {
  return new URL("../../", import.meta.url).pathname;
}

/**
 * Start `command`, wait until its port answers HTTP, run `check` with its base URL
 * (`http://127.0.0.1:PORT/`), then stop the whole process group (npm, sh and the runtime it
 * starts). A command that exits before it answers, or never answers, fails with its output.
 */
export async function runCommand(
  command: string,
  check: (base: string) => Promise<void>,
  options: RunOptions = {},
): Promise<void> {
  const name = "node:child_process";
  const { spawn } = await import(name) as typeof import("node:child_process");
  const port = await freePort();
  const child = spawn("sh", ["-c", command], {
    cwd: options.cwd ?? repoRoot(),
    detached: true, // its own process group, so everything it starts is stopped with it
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...commandEnv(),
      HOST: "127.0.0.1",
      PORT: String(port),
      DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`,
      ...options.env,
    },
  });
  let output = "";
  const collect = (chunk: Uint8Array): void => {
    output += new TextDecoder().decode(chunk);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const base = `http://127.0.0.1:${port}/`;
  try {
    await answering(base, exited, options.readyMs ?? 30_000, () => output);
    await check(base);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${command}: ${message}\n--- its output ---\n${output}`, { cause: error });
  } finally {
    await stopGroup(child, exited);
  }
}

/** Resolves once `base` answers any HTTP status; rejects if the process exits or time runs out. */
async function answering(
  base: string,
  exited: Promise<number | null>,
  ms: number,
  output: () => string,
): Promise<void> {
  let gone: number | null | undefined;
  exited.then((code) => gone = code);
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (gone !== undefined) throw new Error(`exited (${gone}) before answering on ${base}`);
    try {
      const response = await fetch(base, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`no HTTP answer on ${base} in ${ms} ms (${output().length} bytes of output)`);
}

/** SIGTERM to the group, SIGKILL if it is still there 5 s later; waits for `sh` to exit. */
async function stopGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  const signal = (name: "SIGTERM" | "SIGKILL"): void => {
    try {
      globalThis.process?.kill(-child.pid!, name);
    } catch {
      // The group is already gone.
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
  // sh may exit before the runtime it started; make sure nothing of the group is left.
  signal("SIGKILL");
}

/** The environment documented commands run in: node_modules/.bin first on PATH, no colours. */
function commandEnv(): Record<string, string | undefined> {
  const env = globalThis.process?.env ?? {};
  return { ...env, PATH: `${repoRoot()}node_modules/.bin:${env.PATH}`, NO_COLOR: "1" };
}

/**
 * `command`'s standard output once it exits 0: a program and its arguments (curl against a
 * started example), or one string run by `sh -c` as written, in the repository root.
 */
export async function outputOf(command: string, args?: string[]): Promise<string> {
  const name = "node:child_process";
  const { execFile } = await import(name) as typeof import("node:child_process");
  const [file, argv] = args ? [command, args] : ["sh", ["-c", command]];
  const options = { maxBuffer: 16 << 20, cwd: repoRoot(), env: commandEnv() };
  return await new Promise((resolve, reject) =>
    execFile(file, argv, options, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${error.message}\n${stderr}`));
      else resolve(String(stdout));
    })
  );
}
