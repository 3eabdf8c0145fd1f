/**
 * The socket bench's load generator: N loopback clients on raw sockets (no HTTP client library),
 * each reading a multipart push the cheap way: undo the chunked transfer coding, read each part's
 * `Content-Length` and skip its body, keeping only the stamp at its start (bench/servers/
 * frames.ts: frame number, frames published so far, publish time). Run it on Bun where present:
 * it then takes about half the CPU a node:http client set would, so it does not cap the servers.
 *
 * Connects all, waits `--warmup` s, prints `{"event":"measuring"}`, counts for `--seconds`, then
 * prints `{"event":"done", ...}`: new frames per client per second (mean, slowest, 10th
 * percentile), frames published per second in the window, publish-to-arrival latency (p50, p99),
 * every part read in the window (new or repeated: what the server sent) and its own CPU use.
 * `--windows=2` then measures again on the same connections for `--seconds2` (the socket bench
 * counts the server's send syscalls there, under strace, away from the CPU window).
 *
 *   bun bench/load.ts --url=http://127.0.0.1:PORT/ --clients=200 --seconds=5 --warmup=2 [--as=browser]
 *
 * @module
 */

import { connect } from "node:net";
import process from "node:process";
import { Buffer } from "node:buffer";
import { frameSettings } from "./servers/frames.ts";

const flag = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const url = new URL(flag("url", "http://127.0.0.1:8080/"));
const clients = Number(flag("clients", "200"));
const seconds = Number(flag("seconds", "5"));
const warmup = Number(flag("warmup", "2"));
const windows = Number(flag("windows", "1"));
// `--as=browser`: ask as an `<img>` does (Sec-Fetch-Dest, Accept), so a server that picks its
// framing by client sends what browsers get; parts without Content-Length are then read as
// FRAME_SIZE bytes, the size of every bench frame (bench/servers/frames.ts).
const asBrowser = flag("as", "reader") === "browser";
const { size: frameSize } = frameSettings((name) => process.env[name]);
const seconds2 = Number(flag("seconds2", flag("seconds", "5")));

const BIN_MS = 0.05; // latency histogram: 50 µs bins up to 5 s
const bins = new Uint32Array(100_000);
let measuring = false;
let errors = 0;
let bytes = 0;
let parts = 0; // every part read while measuring, new or not
let newestPublished = 0; // the highest "published so far" count any client has seen
const counts = new Array<number>(clients).fill(0);
const now = (): number => performance.timeOrigin + performance.now();

/** Reads one response: status and head, chunked coding, then parts by Content-Length. */
class Reader {
  #i: number;
  #inHead = true; // the HTTP response head
  #line = ""; // a head or part-head line not yet complete (it may span chunks)
  #sizeLine = ""; // a chunk-size line not yet complete, kept apart from #line
  #chunked = false;
  #chunkLeft = -1; // bytes of chunk data left; -1 while reading a size line, -2 its CRLF
  #partHead = true;
  #sawBoundary = false;
  #length = -1;
  #bodyLeft = 0;
  #stamp = Buffer.alloc(16);
  #stampFill = 0;
  #last = -1;

  constructor(i: number) {
    this.#i = i;
  }

  data(buf: Buffer): void {
    if (measuring) bytes += buf.length;
    let pos = 0;
    if (this.#inHead) {
      pos = this.#head(buf);
      if (this.#inHead) return;
    }
    if (!this.#chunked) return this.#parts(buf, pos, buf.length);
    while (pos < buf.length) {
      if (this.#chunkLeft === -1) {
        const lf = buf.indexOf(10, pos);
        this.#sizeLine += buf.toString("latin1", pos, lf === -1 ? buf.length : lf);
        if (lf === -1) return;
        pos = lf + 1;
        this.#chunkLeft = parseInt(this.#sizeLine, 16);
        this.#sizeLine = "";
        if (this.#chunkLeft === 0) return; // the last chunk
      } else if (this.#chunkLeft === -2) {
        const lf = buf.indexOf(10, pos);
        if (lf === -1) return;
        pos = lf + 1;
        this.#chunkLeft = -1;
      } else {
        const end = Math.min(buf.length, pos + this.#chunkLeft);
        this.#parts(buf, pos, end);
        this.#chunkLeft -= end - pos;
        pos = end;
        if (this.#chunkLeft === 0) this.#chunkLeft = -2;
      }
    }
  }

  /** The response head; returns where the body starts. */
  #head(buf: Buffer): number {
    let pos = 0;
    while (pos < buf.length) {
      const lf = buf.indexOf(10, pos);
      this.#line += buf.toString("latin1", pos, lf === -1 ? buf.length : lf);
      if (lf === -1) return buf.length;
      pos = lf + 1;
      const line = this.#line.trimEnd();
      this.#line = "";
      if (line.startsWith("HTTP/") && !line.startsWith(" 200", 8)) errors++;
      if (/^transfer-encoding:.*chunked/i.test(line)) this.#chunked = true;
      if (line === "") {
        this.#inHead = false;
        return pos;
      }
    }
    return pos;
  }

  /** Multipart bytes `buf[pos..end)`: part heads are read line by line, bodies skipped. */
  #parts(buf: Buffer, pos: number, end: number): void {
    while (pos < end) {
      if (!this.#partHead) {
        const n = Math.min(this.#bodyLeft, end - pos);
        if (this.#stampFill < 16) {
          const take = Math.min(n, 16 - this.#stampFill);
          buf.copy(this.#stamp, this.#stampFill, pos, pos + take);
          this.#stampFill += take;
        }
        this.#bodyLeft -= n;
        pos += n;
        if (this.#bodyLeft === 0) this.#frame();
        continue;
      }
      const lf = buf.indexOf(10, pos);
      const lineEnd = lf === -1 || lf >= end ? end : lf;
      this.#line += buf.toString("latin1", pos, lineEnd);
      if (lineEnd === end) return;
      pos = lineEnd + 1;
      const line = this.#line.trimEnd();
      this.#line = "";
      if (line.startsWith("--")) {
        this.#sawBoundary = true;
        this.#length = frameSize;
      } else if (line === "" && this.#sawBoundary) {
        this.#partHead = false;
        this.#bodyLeft = this.#length;
        this.#stampFill = 0;
      } else if (/^content-length:/i.test(line)) this.#length = Number(line.slice(15));
    }
  }

  #frame(): void {
    const arrived = now();
    if (measuring) parts++;
    this.#partHead = true;
    this.#sawBoundary = false;
    const counter = this.#stamp.readUInt32BE(0);
    newestPublished = Math.max(newestPublished, this.#stamp.readUInt32BE(4));
    if (counter > this.#last && measuring) {
      counts[this.#i]++;
      const bin = Math.floor((arrived - this.#stamp.readDoubleBE(8)) / BIN_MS);
      bins[Math.max(0, Math.min(bins.length - 1, bin))]++;
    }
    this.#last = Math.max(this.#last, counter);
  }
}

function open(i: number): Promise<void> {
  return new Promise((resolve) => {
    const reader = new Reader(i);
    const socket = connect(Number(url.port), url.hostname, () => {
      const browser =
        "Sec-Fetch-Dest: image\r\nAccept: image/avif,image/webp,image/*,*/*;q=0.8\r\n";
      socket.write(
        `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n${asBrowser ? browser : ""}\r\n`,
      );
      resolve();
    });
    socket.on("data", (buf: Buffer) => reader.data(buf));
    socket.on("error", () => {
      errors++;
      resolve();
    });
  });
}

function percentile(p: number): number {
  const total = bins.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let b = 0; b < bins.length; b++) {
    seen += bins[b];
    if (seen >= total * p) return (b + 0.5) * BIN_MS;
  }
  return NaN;
}

// Connect in batches, so no listen backlog overflows.
for (let i = 0; i < clients; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, clients - i) }, (_, k) => open(i + k)));
}
await new Promise((resolve) => setTimeout(resolve, warmup * 1000));
for (let window = 0; window < windows; window++) {
  const length = window === 0 ? seconds : seconds2;
  counts.fill(0);
  bins.fill(0);
  bytes = 0;
  parts = 0;
  measuring = true;
  const published0 = newestPublished;
  const cpu0 = process.cpuUsage();
  console.log(JSON.stringify({ event: "measuring", window }));
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, length * 1000));
  measuring = false;
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rates = counts.map((c) => c / elapsed).sort((a, b) => a - b);
  console.log(JSON.stringify({
    event: "done",
    window,
    clients,
    errors,
    seconds: elapsed,
    mean: rates.reduce((a, b) => a + b, 0) / clients,
    min: rates[0],
    p10: rates[Math.floor(clients * 0.1)],
    published: (newestPublished - published0) / elapsed,
    p50: percentile(0.5),
    p99: percentile(0.99),
    parts,
    mibPerSecond: bytes / elapsed / 1048576,
    loaderCpu: (cpu.user + cpu.system) / 1e4 / elapsed,
  }));
}
process.exit(0);
