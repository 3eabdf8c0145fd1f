/**
 * Load generator for the socket bench: N loopback clients (node:http, one
 * socket each) read a multipart push and count delimiters. Connects all,
 * waits `--warmup` s, prints `{"event":"measuring"}`, counts for `--seconds`,
 * then prints `{"event":"done", ...}` with new frames per client per second (a
 * repeat of a frame the client already has is counted in `parts` only).
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
const counts = new Array<number>(clients).fill(0); // new frames (counter went up)
let parts = 0; // every part, repeats included
let errors = 0;
let bytes = 0;

/**
 * Calls `onPart(counter)` for each part of a push: `counter` is the big-endian uint32 at the start
 * of its body (the servers number their frames), so repeats of a frame can be told from new ones.
 */
function partReader(boundary: string, onPart: (counter: number) => void): (chunk: Buffer) => void {
  const needle = Buffer.from(`\r\n--${boundary}`);
  let carry = Buffer.alloc(0);
  let inHead = false; // after a delimiter, until the body's first 4 bytes
  return (chunk) => {
    const hay = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let from = 0;
    while (true) {
      if (inHead) {
        const blankAt = hay.indexOf("\r\n\r\n", from);
        if (blankAt === -1 || blankAt + 8 > hay.length) break;
        onPart(hay.readUInt32BE(blankAt + 4));
        inHead = false;
        from = blankAt + 8;
      }
      const at = hay.indexOf(needle, from);
      if (at === -1) break;
      inHead = true;
      from = at + needle.length;
    }
    // Keep what a header block and counter, or a delimiter, may still be completing.
    carry = Buffer.from(
      inHead ? hay.subarray(from) : hay.subarray(Math.max(from, hay.length - needle.length + 1)),
    );
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
      let last = -1;
      const count = partReader(boundary, (counter) => {
        if (measuring) parts++;
        if (counter > last && measuring) counts[i]++;
        last = Math.max(last, counter);
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
  partsPerClientPerSecond: parts / clients / elapsed,
}));
process.exit(0);
