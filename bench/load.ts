/**
 * Load generator for the socket bench: N loopback clients (node:http, one
 * socket each) read a multipart push and count delimiters. Connects all,
 * waits `--warmup` s, prints `{"event":"measuring"}`, counts for `--seconds`,
 * then prints `{"event":"done", ...}` with frames per client per second.
 *
 *   node bench/load.ts --url=http://127.0.0.1:PORT/ --clients=200 --seconds=5 --warmup=2
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { Agent, get } from "node:http";
import process from "node:process";

const flag = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const url = flag("url", "");
const clients = Number(flag("clients", "200"));
const seconds = Number(flag("seconds", "5"));
const warmup = Number(flag("warmup", "2"));
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

let measuring = false;
const counts = new Array<number>(clients).fill(0);
let errors = 0;
let bytes = 0;

/** Counts `\r\n--boundary` in a stream of chunks, carrying a partial match across chunks. */
function counter(boundary: string, onFrame: () => void): (chunk: Buffer) => void {
  const needle = Buffer.from(`\r\n--${boundary}`);
  let carry = Buffer.alloc(0);
  return (chunk) => {
    const hay = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let at = hay.indexOf(needle);
    let end = 0;
    while (at !== -1) {
      onFrame();
      end = at + needle.length;
      at = hay.indexOf(needle, end);
    }
    carry = Buffer.from(hay.subarray(Math.max(end, hay.length - needle.length + 1)));
  };
}

function connect(i: number): Promise<void> {
  return new Promise((resolve) => {
    const req = get(url, { agent }, (res) => {
      const boundary = /boundary="?([^";]+)/.exec(res.headers["content-type"] ?? "")?.[1];
      if (res.statusCode !== 200 || !boundary) {
        errors++;
        res.resume();
        return resolve();
      }
      const count = counter(boundary, () => {
        if (measuring) counts[i]++;
      });
      res.on("data", (chunk: Buffer) => {
        if (measuring) bytes += chunk.length;
        count(chunk);
      });
      res.on("error", () => errors++);
      resolve();
    });
    req.on("error", () => {
      errors++;
      resolve();
    });
  });
}

await Promise.all(Array.from({ length: clients }, (_, i) => connect(i)));
await new Promise((resolve) => setTimeout(resolve, warmup * 1000));
measuring = true;
console.log(JSON.stringify({ event: "measuring" }));
const start = performance.now();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
measuring = false;
const elapsed = (performance.now() - start) / 1000;
const rates = counts.map((c) => c / elapsed).sort((a, b) => a - b);
console.log(JSON.stringify({
  event: "done",
  clients,
  errors,
  seconds: elapsed,
  mean: rates.reduce((a, b) => a + b, 0) / clients,
  min: rates[0],
  p10: rates[Math.floor(clients * 0.1)],
  mibPerSecond: bytes / elapsed / 1048576,
}));
process.exit(0);
