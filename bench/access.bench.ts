/**
 * Cost of an access check per request: `verifySignedUrl` on a signed stream URL, against
 * `bearerToken`'s check, the same HMAC with a key imported on every call (a `Uint8Array`
 * secret is not cached), and parsing the URL alone (the floor every router pays). Requests are
 * built before the clock starts; each check runs in sequence, awaited, as a server would.
 *
 *   node bench/access.bench.ts [--quick]   (also: deno run -A, bun)
 *
 * @module
 */

import { bearerToken } from "../lib/access/bearer_token.ts";
import { signUrl, verifySignedUrl } from "../lib/access/signed_url.ts";
import { args, fixed, median, runtimeName } from "./_util.ts";

const quick = args().includes("--quick");
const CALLS = quick ? 2000 : 20000;
const ROUNDS = quick ? 3 : 7;
const SECRET = "bench-secret-0123456789abcdef";
const TOKEN = "bench-token-0123456789abcdef";

const signed = await signUrl("https://cam.example/stream?cam=2&size=720p", SECRET, {
  expiresIn: 3600,
});
const viewers = Array.from({ length: 64 }, () => new Request(signed));
const publishers = Array.from(
  { length: 64 },
  () =>
    new Request("https://cam.example/ingest", { headers: { authorization: `Bearer ${TOKEN}` } }),
);
const bytesSecret = new TextEncoder().encode(SECRET);
const checkToken = bearerToken(TOKEN);

type Contender = { name: string; run: (i: number) => Promise<unknown> | unknown };
const contenders: Contender[] = [
  {
    name: "new URL(request.url) only",
    run: (i) => new URL(viewers[i & 63].url).searchParams.get("sig"),
  },
  { name: "verifySignedUrl (string secret)", run: (i) => verifySignedUrl(viewers[i & 63], SECRET) },
  {
    name: "verifySignedUrl (bytes: key imported each call)",
    run: (i) => verifySignedUrl(viewers[i & 63], bytesSecret),
  },
  { name: "bearerToken check", run: (i) => checkToken(publishers[i & 63]) },
];

for (const c of contenders) {
  const result = await c.run(0);
  if (c.name.startsWith("verify") || c.name.startsWith("bearer")) {
    if (result !== true) throw new Error(`${c.name} refused a good request`);
  }
}

const perCall = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const c of contenders) {
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) await c.run(i);
    const us = ((performance.now() - start) * 1000) / CALLS;
    perCall.set(c.name, [...(perCall.get(c.name) ?? []), us]);
  }
}

console.log(
  `\n### Access checks per request (${runtimeName()}, ${CALLS} calls x ${ROUNDS} rounds, median)\n`,
);
console.log("| check | µs per request | requests/s (one core) | vs verifySignedUrl |");
console.log("| --- | ---: | ---: | ---: |");
const base = median(perCall.get("verifySignedUrl (string secret)")!);
for (const c of contenders) {
  const us = median(perCall.get(c.name)!);
  console.log(`| ${c.name} | ${fixed(us, 2)} | ${fixed(1e6 / us, 0)} | ${fixed(us / base, 2)}x |`);
}
