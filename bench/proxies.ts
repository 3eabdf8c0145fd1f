/**
 * How late each part of a push arrives behind the proxies users put in front of it (issue 14),
 * against the same push read directly in the same run: Debian's HAProxy with and without
 * `option http-no-delay`, Caddy's `reverse_proxy` without `encode`, with `encode gzip`, and with an
 * `encode` that matches `multipart/*`. Not part of `npm run bench`: it needs
 * `apt-get install haproxy caddy`. Run with Node from the repository root:
 *
 *   node bench/proxies.ts [part bytes, default 1000]
 *
 * Each part carries the time it was sent; the client notes when the part's delimiter arrived.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { pushResponse } from "../lib/push/response.ts";
import { serve } from "../tests/_helpers/serve.ts";
import { freePort } from "../tests/_helpers/ports.ts";
import { median, runtimeName } from "./_util.ts";

const size = Number(process.argv[2] ?? 1000);
const PARTS = 15;
const server = await serve(() =>
  pushResponse(
    (async function* () {
      for (let i = 0; i < PARTS; i++) {
        const body = new Uint8Array(size).fill(65);
        body.set(new TextEncoder().encode(`SENT ${Date.now()} `));
        yield { contentType: "image/jpeg", body };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })(),
    { boundary: "B" },
  )
);
const upstream = new URL(server.url).port;

/** Reads a push through `url`: each part's delay from its send, and the response's encoding. */
async function measure(url: string): Promise<string> {
  const response = await fetch(url, { headers: { "accept-encoding": "gzip" } });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder("latin1");
  const delays: number[] = [];
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
    for (
      let m = /SENT (\d+) [^]*?\r\n--B/.exec(text);
      m;
      m = /SENT (\d+) [^]*?\r\n--B/.exec(text)
    ) {
      delays.push(Date.now() - Number(m[1]));
      text = text.slice(m.index + m[0].length);
    }
  }
  const encoding = response.headers.get("content-encoding") ?? "none";
  return `| ${median(delays)} | ${Math.max(...delays)} | ${encoding} |`;
}

const dir = mkdtempSync(`${tmpdir()}/proxies-bench-`);

/** Starts a proxy with `config` written to `file`, measures through it, stops it. */
async function through(
  name: string,
  port: number,
  command: string[],
  file: string,
  config: string,
) {
  writeFileSync(file, config);
  const child = spawn(command[0], command.slice(1), {
    stdio: "ignore",
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  try {
    console.log(`| ${name} ${await measure(`http://127.0.0.1:${port}/`)}`);
  } finally {
    child.kill();
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

console.log(`${runtimeName()}, ${PARTS} parts of ${size} bytes, 100 ms apart\n`);
console.log("| path | median delay (ms) | max delay (ms) | Content-Encoding |");
console.log("| --- | --- | --- | --- |");
console.log(`| direct (same run) ${await measure(server.url)}`);
for (const noDelay of [false, true]) {
  const port = await freePort();
  const config = `global\n  maxconn 50\ndefaults\n  mode http\n  timeout connect 5s\n` +
    `  timeout client 60s\n  timeout server 60s\n${noDelay ? "  option http-no-delay\n" : ""}` +
    `frontend f\n  bind 127.0.0.1:${port}\n  default_backend b\n` +
    `backend b\n  server s 127.0.0.1:${upstream}\n`;
  const name = `HAProxy${noDelay ? " + option http-no-delay" : " (defaults)"}`;
  await through(name, port, ["haproxy", "-f", `${dir}/h.cfg`, "-db"], `${dir}/h.cfg`, config);
}
for (
  const [name, encode] of [
    ["Caddy reverse_proxy", ""],
    ["Caddy + encode gzip", "encode gzip"],
    [
      "Caddy + encode gzip matching multipart/*",
      "encode gzip {\n    match header Content-Type multipart/*\n  }",
    ],
  ]
) {
  const port = await freePort();
  const config = `{\n  admin off\n  auto_https off\n}\nhttp://127.0.0.1:${port} {\n  ${encode}\n` +
    `  reverse_proxy 127.0.0.1:${upstream}\n}\n`;
  const command = ["caddy", "run", "--config", `${dir}/Caddyfile`, "--adapter", "caddyfile"];
  await through(name, port, command, `${dir}/Caddyfile`, config);
}
await server.close();
rmSync(dir, { recursive: true, force: true });
