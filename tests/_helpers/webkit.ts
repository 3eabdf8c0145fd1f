/**
 * WebKitGTK (Safari's engine) for real-client tests: Debian's `WebKitWebDriver` drives MiniBrowser
 * under a private Xvfb display, over plain W3C WebDriver HTTP on loopback. No client library: a
 * session is a handful of `fetch` calls. `pageLoadStrategy: "none"` because a push never finishes
 * loading, so navigation must not wait for it. node:child_process and node:net are loaded lazily so
 * that importing this file works on workerd (no subprocesses there).
 */
import type { ChildProcess } from "node:child_process";
import { freePort } from "./ports.ts";

const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const STARTUP_MS = 15_000;

/** A running WebKitGTK: one WebDriver session in one MiniBrowser window. */
export interface WebKitSession {
  /** Navigates the window to `url`, without waiting for the load to end. */
  goto(url: string): Promise<void>;
  /** Runs `expression` (JavaScript, as text) in the page and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG screenshot of the page's viewport. */
  screenshot(): Promise<Uint8Array>;
  /** Ends the session and stops MiniBrowser, the driver and Xvfb. */
  close(): Promise<void>;
}

type Spawn = typeof import("node:child_process").spawn;

/** Starts Xvfb on the first free display (`-displayfd` prints its number on stdout). */
function startXvfb(spawn: Spawn): Promise<{ display: string; child: ChildProcess }> {
  const child = spawn("Xvfb", [
    "-displayfd",
    "1",
    "-screen",
    "0",
    "1024x768x24",
    "-nolisten",
    "tcp",
  ], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error("Xvfb printed no display number")), STARTUP_MS);
    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill();
      reject(error);
    }
    child.once("error", fail);
    child.stdout!.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      if (!out.includes("\n")) return;
      clearTimeout(timer);
      resolve({ display: `:${out.trim()}`, child });
    });
  });
}

/** Calls the driver; throws with the driver's own error text on a WebDriver error. */
async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json() as { value: T & { error?: string; message?: string } };
  if (!response.ok) {
    throw new Error(
      `WebKitWebDriver ${method} ${path}: ${json.value?.error} ${json.value?.message}`,
    );
  }
  return json.value;
}

/** Waits until the driver answers `/status` (it starts in well under a second). */
async function waitReady(base: string): Promise<void> {
  const end = Date.now() + STARTUP_MS;
  while (Date.now() < end) {
    try {
      const status = await call<{ ready: boolean }>(base, "GET", "/status");
      if (status.ready) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`WebKitWebDriver did not answer at ${base} within ${STARTUP_MS} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill();
  });
}

/**
 * Start Xvfb, `WebKitWebDriver` on a loopback port and a MiniBrowser session.
 *
 * @example
 * const webkit = await launchWebKit();
 * await webkit.goto(server.url);
 * console.log(await webkit.evaluate<string>("document.title"));
 * await webkit.close();
 */
export async function launchWebKit(): Promise<WebKitSession> {
  const name = "node:child_process";
  const { spawn } = await import(name) as typeof import("node:child_process");
  const xvfb = await startXvfb(spawn);
  const children: ChildProcess[] = [xvfb.child];
  const stopAll = async (): Promise<void> => {
    for (const child of children.reverse()) await stopChild(child);
  };
  try {
    const port = await freePort();
    // `env` sets DISPLAY without touching the runtime's own environment object.
    const args = [`DISPLAY=${xvfb.display}`, "WebKitWebDriver", `--port=${port}`];
    args.push("--host=127.0.0.1", "--replace-on-new-session");
    const driver = spawn("env", args, { stdio: "ignore" });
    children.push(driver);
    const base = `http://127.0.0.1:${port}`;
    await waitReady(base);
    const session = await call<{ sessionId: string }>(base, "POST", "/session", {
      capabilities: {
        alwaysMatch: {
          pageLoadStrategy: "none",
          "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
        },
      },
    });
    const at = `${base}/session/${session.sessionId}`;
    return {
      goto: async (url) => void await call(at, "POST", "/url", { url }),
      evaluate: (expression) =>
        call(at, "POST", "/execute/sync", { script: `return ${expression};`, args: [] }),
      screenshot: async () => {
        const base64 = await call<string>(at, "GET", "/screenshot");
        return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      },
      close: async () => {
        await call(at, "DELETE", "").catch(() => {});
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
