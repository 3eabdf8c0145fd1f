/**
 * The `multipart-push` command line: `doctor <url>` and `demo`, their arguments, their output and
 * their exit codes (doctor: 0 healthy, 1 a problem found, 2 could not connect or bad usage).
 *
 * @module
 */

import { ConnectError } from "./probe.ts";
import { doctor } from "./doctor.ts";
import { reportText } from "./report.ts";
import { startDemo } from "./demo.ts";

/** Where the commands write, and when a long-running command (demo) stops. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Settles when the user stops the program (Ctrl-C). */
  stop: Promise<void>;
}

/** The help text. */
export const USAGE: string =
  `multipart-push: check and try HTTP server push (multipart/x-mixed-replace)

usage:
  multipart-push doctor <url> [--seconds N] [--json] [--no-reader]
      Reads the push at <url> as a browser's <img> does for N seconds (default 5) and reports
      status, headers, time to the first part, parts per second, sizes, gaps and lateness against
      X-Timestamp, then names each problem in plain words with its fix. When image parts come
      without Content-Length it asks again as an MJPEG reader (--no-reader: do not).
      Exit status: 0 healthy, 1 a problem found, 2 could not connect (or bad usage).
  multipart-push demo [--port N] [--host H]
      Serves a live SVG clock camera (default http://127.0.0.1:8080/) until Ctrl-C.
  multipart-push --help
`;

/**
 * Runs the command line `args` (without the program's name); resolves with the exit status.
 *
 * @example
 * ```ts ignore
 * const code = await runCli(["doctor", "http://127.0.0.1:8080/stream", "--json"], io);
 * ```
 */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.out(USAGE);
    return 0;
  }
  const flags = parseFlags(rest);
  if (typeof flags === "string") return usage(io, flags);
  if (command === "doctor") {
    const [url, ...extra] = flags.positional;
    if (url === undefined || extra.length > 0) return usage(io, "doctor takes one URL");
    const seconds = flags.values.get("seconds");
    if (seconds !== undefined && !(Number(seconds) > 0)) {
      return usage(io, `--seconds must be a number of seconds > 0, got "${seconds}"`);
    }
    try {
      const diagnosis = await doctor(url, {
        seconds: seconds === undefined ? undefined : Number(seconds),
        reader: !flags.switches.has("no-reader"),
      });
      io.out(
        flags.switches.has("json") ? JSON.stringify(diagnosis, null, 2) : reportText(diagnosis),
      );
      return diagnosis.healthy ? 0 : 1;
    } catch (error) {
      if (error instanceof ConnectError) {
        if (flags.switches.has("json")) io.out(JSON.stringify({ url, error: error.message }));
        io.err(`multipart-push doctor: could not connect to ${url}: ${error.message}`);
        return 2;
      }
      if (error instanceof TypeError || error instanceof RangeError) {
        return usage(io, error.message);
      }
      throw error;
    }
  }
  if (command === "demo") {
    if (flags.positional.length > 0) return usage(io, "demo takes no argument");
    const port = Number(flags.values.get("port") ?? 8080);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return usage(io, `--port must be a port number, got "${flags.values.get("port")}"`);
    }
    const demo = await startDemo(port, flags.values.get("host") ?? "127.0.0.1");
    io.out(
      `multipart-push demo: open ${demo.url}\n  the push: ${demo.url}stream\n` +
        `  check it: npx multipart-push doctor ${demo.url}stream\n  Ctrl-C stops it`,
    );
    await io.stop;
    await demo.close();
    return 0;
  }
  return usage(io, `unknown command "${command}"`);
}

interface Flags {
  positional: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

const VALUED = new Set(["seconds", "port", "host"]);
const SWITCHES = new Set(["json", "no-reader"]);

/** The flags of `args`, or what is wrong with them. */
function parseFlags(args: string[]): Flags | string {
  const flags: Flags = { positional: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) {
      flags.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (SWITCHES.has(name) && inline === undefined) flags.switches.add(name);
    else if (VALUED.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) return `--${name} needs a value`;
      flags.values.set(name, value);
    } else return `unknown option "${arg}"`;
  }
  return flags;
}

function usage(io: CliIo, problem: string): number {
  io.err(`multipart-push: ${problem}\n\n${USAGE}`);
  return 2;
}
