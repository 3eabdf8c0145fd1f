/**
 * Deno.serve over TLS stalls parts (issue 14): each part of a push carries its send time, curl
 * reads the push over plain HTTP/1.1, TLS HTTP/1.1 and TLS HTTP/2, and the delay until each
 * part's delimiter arrived is printed, all in the same run. Not part of `npm run bench`. Run:
 *
 *   deno run -A bench/deno_tls.ts [part bytes, default 60000]
 *
 * The cause (strace -f -e trace=setsockopt, Deno 2.9.6): Deno.serve sets TCP_NODELAY on plain TCP
 * connections but not on TLS ones, so Nagle's algorithm holds the last, short TLS record of a part
 * until the client's delayed ACK (40 ms on Linux). Writing each part in one chunk does not help
 * (measured: the stall is on the TLS record boundary, not ours).
 *
 * @module
 */

import { pushResponse } from "../lib/push/response.ts";
import { median } from "./_util.ts";

declare const Deno: {
  args: string[];
  makeTempDirSync(): string;
  readTextFileSync(path: string): string;
  removeSync(path: string, options: { recursive: boolean }): void;
  version: { deno: string };
  Command: new (cmd: string, options: { args: string[]; stdout?: "piped"; stderr?: "null" }) => {
    output(): Promise<{ success: boolean; stdout: Uint8Array }>;
    spawn(): { stdout: ReadableStream<Uint8Array>; status: Promise<unknown> };
  };
  serve(
    options: {
      hostname: string;
      port: number;
      cert?: string;
      key?: string;
      onListen(addr: { port: number }): void;
    },
    handler: (request: Request) => Response,
  ): { shutdown(): Promise<void> };
};

const size = Number(Deno.args[0] ?? 60_000);
const PARTS = 20;
const dir = Deno.makeTempDirSync();
await new Deno.Command("openssl", {
  args: [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...[
      "-subj",
      "/CN=127.0.0.1",
      "-days",
      "1",
      "-keyout",
      `${dir}/key.pem`,
      "-out",
      `${dir}/cert.pem`,
    ],
  ],
  stderr: "null",
}).output();
const tls = {
  cert: Deno.readTextFileSync(`${dir}/cert.pem`),
  key: Deno.readTextFileSync(`${dir}/key.pem`),
};

const handler = (): Response =>
  pushResponse(
    (async function* () {
      for (let i = 0; i < PARTS; i++) {
        const body = new Uint8Array(size).fill(65);
        body.set(new TextEncoder().encode(`SENT ${Date.now()} `));
        yield { contentType: "application/octet-stream", body };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })(),
    { boundary: "B" },
  );

function start(withTls: boolean): Promise<{ port: number; shutdown(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      ...(withTls ? tls : {}),
      onListen: ({ port }) => resolve({ port, shutdown: () => server.shutdown() }),
    }, handler);
  });
}

/** Reads the push with curl; each part's delay from its send to its delimiter's arrival here. */
async function curl(url: string, http: string): Promise<number[]> {
  const child = new Deno.Command("curl", { args: ["-s", "-N", "-k", http, url], stdout: "piped" })
    .spawn();
  const decoder = new TextDecoder("latin1");
  const delays: number[] = [];
  let text = "";
  for await (const chunk of child.stdout) {
    text += decoder.decode(chunk);
    for (
      let m = /SENT (\d+) [^]*?\r\n--B/.exec(text);
      m;
      m = /SENT (\d+) [^]*?\r\n--B/.exec(text)
    ) {
      delays.push(Date.now() - Number(m[1]));
      text = text.slice(m.index + m[0].length);
    }
  }
  await child.status;
  return delays;
}

console.log(
  `deno ${Deno.version.deno}, ${PARTS} parts of ${size} bytes, 100 ms apart, read by curl\n`,
);
console.log("| transport | median delay (ms) | max (ms) | parts over 30 ms |");
console.log("| --- | --- | --- | --- |");
for (
  const [name, withTls, http] of [
    ["plain HTTP/1.1", false, "--http1.1"],
    ["TLS HTTP/1.1", true, "--http1.1"],
    ["TLS HTTP/2", true, "--http2"],
  ] as const
) {
  const server = await start(withTls);
  const delays = await curl(`${withTls ? "https" : "http"}://127.0.0.1:${server.port}/`, http);
  const late = delays.filter((ms) => ms > 30).length;
  console.log(
    `| ${name} | ${median(delays)} | ${Math.max(...delays)} | ${late} of ${delays.length} |`,
  );
  await server.shutdown();
}
Deno.removeSync(dir, { recursive: true });
