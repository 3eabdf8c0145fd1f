#!/usr/bin/env node
// Mutation check, run by hand (`npm run mutate`, not in CI; about 30 minutes): puts one deliberate
// bug at a time into lib/, runs the test files that should notice on Node, and prints which tests
// caught it. A mutation no test catches is a gap in the suite (SURVIVED), unless its entry argues
// it equivalent (printed with the reason, not run). A mutation whose search text is no longer in
// its file exactly once is STALE: the library changed under it and it must be re-pointed.
//
//   node scripts/mutate.mjs                          every mutation
//   node scripts/mutate.mjs H1 P4                    only these
//   node scripts/mutate.mjs --check                  only report STALE mutations
//   node scripts/mutate.mjs --folder=lib/push        only mutations of files under lib/push (repeatable)
//   node scripts/mutate.mjs --skip-folder=lib/hub    all but those under lib/hub (repeatable)
//   node scripts/mutate.mjs --table=FILE             also write the table as markdown to FILE
//
// The mutants run in a temporary copy of the work tree, so the tree itself is never touched.
import { spawn } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const NODE = process.execPath;
const PER_TEST_MS = 30_000;
const PER_RUN_MS = 240_000;

const hub = "tests/hub/push_hub.test.ts";
const hubLife = "tests/hub/lifecycle.test.ts";
const pushLife = "tests/push/lifecycle.test.ts";
const pushStream = "tests/push/stream.test.ts";
const pushResponse = "tests/push/response.test.ts";
const access = "tests/access/bearer_cors.test.ts";
const signed = "tests/access/signed_url.test.ts";
const refresh = "tests/pull/refresh.test.ts";
const watchImageTest = "tests/browser/watch_image.test.ts";
const backoffTest = "tests/shared/backoff.test.ts";
const busFramesTest = "tests/bus/bus_frames.test.ts";
const envelope = "tests/bus/frame_envelope.test.ts";
const nats = "tests/nats/nats.test.ts";
const natsPaths = "tests/nats/nats_paths.test.ts";
const redis = "tests/redis/redis.test.ts";
const durable = "tests/durable_object/durable_object.test.ts";
const node = "tests/node/send_response.test.ts";
const nodeDirect = "tests/node/direct_body.test.ts";
const ingestTest = "tests/ingest/ingest.test.ts";
const hubIngest = "tests/ingest/hub_ingest.test.ts";
const gqlNegotiation = "tests/graphql/negotiation.test.ts";
const hubStats = "tests/hub/stats.test.ts";
const timestampsTest = "tests/camera/timestamps.test.ts";
const parseContentType = "tests/parse/content_type.test.ts";
const parseErrors = "tests/parse/errors.test.ts";
const parsePartsTest = "tests/parse/parse_parts.test.ts";
const parseRoundtrip = "tests/parse/roundtrip.test.ts";
const parseCameraEnd = "tests/parse/camera_end.test.ts";
const relayReconnect = "tests/parse/relay_reconnect.test.ts";
const relayHeaders = "tests/parse/relay_headers.test.ts";
const mjpegTest = "tests/mjpeg/jpeg_frames.test.ts";
const gqlApply = "tests/graphql/apply_incremental.test.ts";
const gqlClients = "tests/graphql/clients.test.ts";
const gqlEndings = "tests/graphql/endings.test.ts";

/**
 * [id, what the bug is, file, from, to, test files, why it is equivalent?]; `from` must occur
 * exactly once. A bug that needs several edits gives arrays of `from` and `to`, replaced pairwise.
 */
const MUTATIONS = [
  // The hub (issue 16 items 1-5 among them).
  [
    "H1",
    "replace-mode slot becomes an unbounded queue",
    "lib/hub/viewers.ts",
    "      held.replace(frame);",
    "      held.push(frame);",
    [hub, hubLife],
  ],
  [
    "H2",
    "close() does not stop the source",
    "lib/hub/push_hub.ts",
    "    this.#source?.close();\n    this.#subscribers.endAll();",
    "    this.#subscribers.endAll();",
    [hub],
  ],
  [
    "H3",
    "hub maxDuration ignored",
    "lib/hub/options.ts",
    "    maxDuration: push.maxDuration,",
    "    maxDuration: Infinity,",
    [hub, hubLife],
  ],
  [
    "H4",
    "hub maxDuration ends at a quarter of it",
    "lib/hub/push_hub.ts",
    "if (idle || now >= s.joinedAt + maxDuration) s.end(true);",
    "if (idle || now >= s.joinedAt + maxDuration / 4) s.end(true);",
    [hub, hubLife],
  ],
  [
    "H5",
    "hub idleTimeout ignored",
    "lib/hub/push_hub.ts",
    "const idle = !this.#idle && now >= Math.max(this.publishedAt, s.joinedAt) + idleTimeout;",
    "const idle = false;",
    [hub, hubLife],
  ],
  [
    "H6",
    "hub keep-alive at half the interval",
    "lib/hub/options.ts",
    `keepAlive: milliseconds(options.keepAlive, replace ? 1000 : Infinity, "options.keepAlive"),`,
    `keepAlive: milliseconds(options.keepAlive, replace ? 1000 : Infinity, "options.keepAlive") / 2,`,
    [hub],
  ],
  [
    "H7",
    "hub keep-alive never resends",
    "lib/hub/push_hub.ts",
    "else if (latest && now >= s.offeredAt + keepAlive) s.offer(latest, now);",
    "else if (latest && false) s.offer(latest, now);",
    [hub],
  ],
  [
    "H8",
    "hub end fill of the announced part removed",
    "lib/push/framing.ts",
    "    return [...fill, latin1Bytes(`${this.#line}--\\r\\n`)];",
    "    return [latin1Bytes(`${this.#line}--\\r\\n`)];",
    [hubLife],
  ],
  [
    "H9",
    "mixed-mode maxQueue off by one",
    "lib/hub/viewers.ts",
    "if (held.length >= this.#viewers.maxQueue) {",
    "if (held.length > this.#viewers.maxQueue) {",
    [hub],
  ],
  [
    "H10",
    "dropSame ignored",
    "lib/hub/push_hub.ts",
    "if (this.#options.dropSame && last && sameFrame(last, wire.fields, wire.bytes)) {",
    "if (false) {",
    [hub],
  ],
  [
    "H11",
    "replay ignored",
    "lib/hub/push_hub.ts",
    "const replay = this.#options.replay ? this.#live.latest : undefined;",
    "const replay = undefined;",
    [hub],
  ],
  [
    "H12",
    "maxSubscribers off by one",
    "lib/hub/push_hub.ts",
    "const full = this.#subscribers.size >= maxSubscribers;",
    "const full = this.#subscribers.size > maxSubscribers;",
    [hub],
  ],
  [
    "H13",
    "linger ignored (stops at once)",
    "lib/hub/source.ts",
    "this.#lingerTimer = armTimeout(() => this.stop(), this.#linger);",
    "this.#lingerTimer = armTimeout(() => this.stop(), 0);",
    [hub],
  ],
  [
    "H14",
    "a source error ends subscribers cleanly",
    "lib/hub/source.ts",
    "    this.#gone(() => this.#subscribers.failAll(error));",
    "    this.#gone(() => this.#subscribers.endAll());",
    [hub, "tests/reliability/fault_source.test.ts"],
  ],
  [
    "H15",
    "fps cap ignored",
    "lib/hub/viewers.ts",
    "const early = this.#sentAt + this.#config.interval - Date.now();",
    "const early = 0;",
    [hub, hubStats],
  ],
  [
    "H16",
    "request.signal abort ignored",
    "lib/hub/viewers.ts",
    `for (const signal of config.signals) signal.addEventListener("abort", this.#onAbort);`,
    "",
    [hub],
  ],
  [
    "H17",
    "an fps viewer's gap timer is left running when it leaves",
    "lib/hub/viewers.ts",
    "    this.#done = true;\n    clearTimeout(this.#fpsTimer);\n",
    "    this.#done = true;\n",
    [hub],
  ],
  [
    "H18",
    "a viewer back within linger does not cancel the pending stop",
    "lib/hub/source.ts",
    "    clearTimeout(this.#lingerTimer);\n    this.#lingerTimer = undefined;\n    this.#wanted = true;",
    "    this.#lingerTimer = undefined;\n    this.#wanted = true;",
    [hub],
  ],
  // The encoder.
  [
    "P1",
    "encoder maxDuration fires at 0 ms",
    "lib/push/encode_parts.ts",
    "durationTimer = setTimeout(stop, config.maxDuration);",
    "durationTimer = setTimeout(stop, 0);",
    [pushLife],
  ],
  [
    "P2",
    "encoder maxDuration ignored",
    "lib/push/encode_parts.ts",
    "if (config.maxDuration !== Infinity) durationTimer",
    "if (false) durationTimer",
    [pushLife],
  ],
  [
    "P3",
    "encoder idleTimeout at a quarter of it",
    "lib/push/encode_parts.ts",
    "idleTimer = setTimeout(stop, config.idleTimeout);",
    "idleTimer = setTimeout(stop, config.idleTimeout / 4);",
    [pushLife],
  ],
  [
    "P4",
    "browser framing ends with an empty part instead of the announced part's fill",
    "lib/push/framing.ts",
    "return [...fill, latin1Bytes(`${this.#line}--\\r\\n`)];",
    "return [latin1Bytes(`${this.#line}--\\r\\n`)];",
    [pushStream, "tests/browser/push_into.chromium.test.ts"],
  ],
  [
    "P5",
    "browser framing: a part with another header block leaves the announced part empty (no mid-stream fill)",
    "lib/push/framing.ts",
    "return concatBytes([...fill, frame.switched]);",
    "return frame.switched;",
    [pushStream, "tests/push/browsers.test.ts"],
  ],
  [
    "P6",
    "the source's return() not called when the push ends",
    "lib/push/encode_parts.ts",
    "Promise.resolve(iterator.return?.()).catch(config.onError).finally(settle);",
    "Promise.resolve().catch(config.onError).finally(settle);",
    [pushLife],
  ],
  [
    "P7",
    "Content-Length never sent",
    "lib/push/part.ts",
    'const length = wire.size === undefined ? "" : `Content-Length: ${wire.size}\\r\\n`;',
    'const length = "";',
    [pushStream, pushResponse],
  ],
  [
    "P8",
    "X-Accel-Buffering header dropped",
    "lib/push/response.ts",
    `    "X-Accel-Buffering": "no",\n`,
    "",
    [pushResponse],
  ],
  [
    "P9",
    "caller's boundary inside a body not refused",
    "lib/push/boundary_guard.ts",
    "if (holds(edge, pattern) || holds(chunk, pattern)) throw refuse(where, undefined);",
    "if (holds(edge, pattern)) throw refuse(where, undefined);",
    ["tests/push/bad_input.test.ts", pushLife],
  ],
  [
    "P9b",
    "a boundary begun in a chunk shorter than it forgotten",
    "lib/push/boundary_guard.ts",
    "tail = (chunk.length >= keep ? chunk : edge).slice(-keep);",
    "tail = chunk.slice(-keep);",
    [pushLife],
  ],
  [
    "P10",
    "replace-mode close delimiter without its final --",
    "lib/push/framing.ts",
    'return [...fill, latin1Bytes("--\\r\\n")];',
    'return [...fill, latin1Bytes("\\r\\n")];',
    [pushStream],
  ],
  [
    "P11",
    "no grace for a streamed body in flight at the stop",
    "lib/push/encode_parts.ts",
    "const BODY_GRACE_MS = 1000;",
    "const BODY_GRACE_MS = 0;",
    [pushLife],
  ],
  // Shared, parse, pull, mjpeg, browser.
  [
    "S1",
    "boundaries of 8 hex digits instead of 32",
    "lib/shared/boundary.ts",
    "crypto.getRandomValues(new Uint8Array(16))",
    "crypto.getRandomValues(new Uint8Array(4))",
    [pushResponse],
  ],
  [
    "S2",
    "CR/LF allowed in a header value",
    "lib/shared/header_fields.ts",
    "const FORBIDDEN_IN_VALUE = /[\\r\\n\\0]/;",
    "const FORBIDDEN_IN_VALUE = /[\\0]/;",
    ["tests/push/bad_input.test.ts"],
  ],
  [
    "D1",
    "maxParts off by one",
    "lib/parse/assembler.ts",
    "if (++this.#parts > this.#limits.maxParts) {",
    "if (++this.#parts > this.#limits.maxParts + 1) {",
    ["tests/parse/errors.test.ts"],
  ],
  [
    "D2",
    "maxPartSize not checked on a whole part",
    "lib/parse/assembler.ts",
    "    if (length > maxPartSize) throw partTooLarge(this.#limits);\n",
    "",
    ["tests/parse/errors.test.ts"],
  ],
  [
    "R1",
    "Refresh rounds seconds up",
    "lib/pull/refresh.ts",
    "BigInt(Math.floor(seconds))",
    "BigInt(Math.ceil(seconds))",
    ["tests/pull/refresh.test.ts"],
  ],
  [
    "M1",
    "jpegFrames allows twice maxFrameSize",
    "lib/mjpeg/jpeg_frames.ts",
    "if (size > maxFrameSize) throw tooLarge();",
    "if (size > maxFrameSize * 2) throw tooLarge();",
    ["tests/mjpeg/jpeg_frames.test.ts"],
  ],
  [
    "B1",
    "pushInto replaces instead of appending in mixed mode",
    "lib/browser/push_into.ts",
    "if (append) target.innerHTML += part.text();",
    "if (append) target.innerHTML = part.text();",
    ["tests/browser/push_into.test.ts"],
  ],
  // Access (issue 21: security checks tested only at the obvious edge).
  [
    "A1",
    "bearer check accepts any prefix of the token",
    "lib/access/bearer_token.ts",
    "if (!sameBytes(given, await expected)) {",
    "if (!(token.startsWith(match[1]) && (await given).length > 0)) {",
    [access],
  ],
  [
    "A2",
    "minimum token length 8 instead of 16",
    "lib/access/bearer_token.ts",
    "if (token.length < 16 || !TOKEN.test(token)) {",
    "if (token.length < 8 || !TOKEN.test(token)) {",
    [access],
  ],
  [
    "A3",
    "the Bearer scheme matched case-sensitively (RFC 7235: it is case-insensitive)",
    "lib/access/bearer_token.ts",
    "const match = /^Bearer +(\\S+) *$/i.exec(header);",
    "const match = /^Bearer +(\\S+) *$/.exec(header);",
    [access],
  ],
  [
    "A4",
    "anything after the token accepted",
    "lib/access/bearer_token.ts",
    "const match = /^Bearer +(\\S+) *$/i.exec(header);",
    "const match = /^Bearer +(\\S+)/i.exec(header);",
    [access],
  ],
  [
    "A5",
    "CORS origin matched by prefix",
    "lib/access/cors.ts",
    "return (origin) => origins.has(origin.toLowerCase());",
    "return (origin) => [...origins].some((o) => origin.toLowerCase().startsWith(o));",
    [access],
  ],
  [
    "A6",
    "a throwing allowOrigin function allows",
    "lib/access/cors.ts",
    "        return false; // a throwing policy refuses; it never breaks the response",
    "        return true;",
    [access],
  ],
  [
    "A7",
    "preflight reflects Access-Control-Request-Headers",
    "lib/access/cors.ts",
    'out.set("access-control-allow-headers", allowHeaders);',
    'out.set("access-control-allow-headers", request.headers.get("access-control-request-headers") ?? allowHeaders);',
    [access],
  ],
  [
    "A8",
    "preflight of a refused origin answered 204",
    "lib/access/cors.ts",
    'if (!out.has("access-control-allow-origin")) {',
    "if (false) {",
    [access],
  ],
  [
    "A9",
    "no Vary: Origin on a listed-origins policy",
    "lib/access/cors.ts",
    '      out.set("vary", "Origin");\n',
    "",
    [access],
  ],
  [
    "A10",
    "apply() replaces the response's Vary instead of adding to it",
    "lib/access/cors.ts",
    'if (name === "vary") target.headers.append(name, value);',
    'if (name === "vary") target.headers.set(name, value);',
    [access],
  ],
  [
    "A11",
    "MAC compared on its first 8 bytes",
    "lib/access/hmac.ts",
    "for (let i = 0; i < a.byteLength; i++) diff |= a[i] ^ b[i];",
    "for (let i = 0; i < 8; i++) diff |= a[i] ^ b[i];",
    [access, signed],
  ],
  [
    "A12",
    "MAC comparison without the length check (a truncated signature passes)",
    "lib/access/hmac.ts",
    "  if (a.byteLength !== b.byteLength) return false;\n",
    "",
    [access, signed],
  ],
  [
    "A13",
    "secrets of 8 bytes accepted",
    "lib/access/hmac.ts",
    "const MIN_SECRET_BYTES = 16;",
    "const MIN_SECRET_BYTES = 8;",
    [access, signed],
  ],
  [
    "A14",
    'forged-and-expired URL told "expired" (expiry checked before the signature)',
    "lib/access/signed_url.ts",
    "  const given = fromBase64url(sigs[0]);\n",
    '  if (Number(exps[0]) * 1000 <= now) return refuse("the signed URL has expired");\n  const given = fromBase64url(sigs[0]);\n',
    [signed],
  ],
  [
    "A15",
    "a signed URL still valid at its expiry instant",
    "lib/access/signed_url.ts",
    "if (Number(exps[0]) * 1000 <= now) return refuse",
    "if (Number(exps[0]) * 1000 < now) return refuse",
    [signed],
  ],
  [
    "A16",
    "exp rounded up from the signing instant",
    "lib/access/signed_url.ts",
    "String(Math.floor(now / 1000) + expiresIn)",
    "String(Math.ceil(now / 1000) + expiresIn)",
    [signed],
  ],
  [
    "A17",
    "default expiry 3000 s instead of 300",
    "lib/access/signed_url.ts",
    "const expiresIn = options?.expiresIn ?? 300;",
    "const expiresIn = options?.expiresIn ?? 3000;",
    [signed],
  ],
  [
    "A18",
    "the signature does not cover the path",
    "lib/access/signed_url.ts",
    "return `${CONTEXT}\\n${url.pathname}\\n${params}`;",
    "return `${CONTEXT}\\n${params}`;",
    [signed],
  ],
  [
    "A19",
    "the verifier ignores options.now (reads the wall clock)",
    "lib/access/signed_url.ts",
    'const now = clock(options?.now, "options.now");\n  const key = await hmacKey(secret, "secret");\n  const url = new URL(request.url);',
    'const now = clock(undefined, "options.now");\n  const key = await hmacKey(secret, "secret");\n  const url = new URL(request.url);',
    [signed],
  ],
  // Pull.
  [
    "R2",
    "Refresh allows a scheme-relative URL to another origin",
    "lib/pull/refresh.ts",
    "if (resolved ? resolved.origin !== page.origin : SCHEME_RELATIVE.test(url)) {",
    "if (resolved ? false : SCHEME_RELATIVE.test(url)) {",
    [refresh, "tests/pull/redirect.test.ts"],
  ],
  [
    "R3",
    "Refresh lets a javascript: URL through",
    "lib/pull/refresh.ts",
    "    if (!isHttp(absolute)) {\n",
    "    if (false) {\n",
    [refresh],
  ],
  [
    "R4",
    "Refresh does not refuse CR/LF in the URL",
    "lib/pull/refresh.ts",
    "  if (CONTROL.test(url)) {\n",
    "  if (false) {\n",
    [refresh],
  ],
  [
    "R5",
    "refreshResponse overrides the caller's Cache-Control",
    "lib/pull/refresh.ts",
    'if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");',
    'headers.set("Cache-Control", "no-store");',
    [refresh],
  ],
  [
    "R6",
    "the meta tag's content not HTML-escaped",
    "lib/pull/refresh.ts",
    'content="${escapeHtml(refreshHeader(seconds, url, base))}"',
    'content="${refreshHeader(seconds, url, base)}"',
    [refresh],
  ],
  [
    "R7",
    "a quoted relative URL accepted",
    "lib/pull/refresh.ts",
    `if (text.startsWith("'") || text.startsWith('"')) {`,
    `if (text.startsWith("'")) {`,
    [refresh],
  ],
  // Compat.
  [
    "C1",
    "?action=stream answered for POST",
    "lib/compat/mjpg_streamer.ts",
    'if (request.method !== "GET" && request.method !== "HEAD") return null;',
    'if (request.method === "PUT") return null;',
    [access],
  ],
  [
    "C2",
    "?action=snapshot serves the stream",
    "lib/compat/mjpg_streamer.ts",
    "        return hub.snapshot();",
    "        return hub.response(request);",
    [access],
  ],
  [
    "C3",
    "an unknown action serves the stream",
    "lib/compat/mjpg_streamer.ts",
    "      default:\n        return null;",
    "      default:\n        return hub.response(request);",
    [access],
  ],
  [
    "C4",
    "HEAD ?action=stream not served",
    "lib/compat/mjpg_streamer.ts",
    'if (request.method !== "GET" && request.method !== "HEAD") return null;',
    'if (request.method !== "GET") return null;',
    [access],
  ],
  [
    "C5",
    "the viewer's request not handed to the hub (its signal and headers lost)",
    "lib/compat/mjpg_streamer.ts",
    "        return hub.response(request);",
    "        return hub.response(new Request(request.url));",
    [access],
  ],
  // Browser.
  [
    "B2",
    "watchImage: a loaded frame does not reset the attempt counter",
    "lib/browser/watch_image.ts",
    "    lastFrameAt = Date.now();\n    attempt = 0;\n",
    "    lastFrameAt = Date.now();\n",
    [watchImageTest],
  ],
  [
    "B3",
    "watchImage: no backoff (every reload after retryMs)",
    "lib/browser/watch_image.ts",
    "const wait = backoffMs(retryMs, maxRetryMs, attempt);",
    "const wait = retryMs;",
    [watchImageTest],
  ],
  [
    "B4",
    "watchImage: a stall declared after a quarter of stallMs (the check interval)",
    "lib/browser/watch_image.ts",
    'if (Date.now() - lastFrameAt >= stallMs) reload("stall");',
    'if (Date.now() - lastFrameAt >= stallMs / 4) reload("stall");',
    [watchImageTest],
  ],
  [
    "B5",
    "watchImage: stop() leaves the error listener",
    "lib/browser/watch_image.ts",
    '    img.removeEventListener("error", onError);\n',
    "",
    [watchImageTest],
  ],
  [
    "B6",
    "watchImage: an already-aborted signal does not stop it",
    "lib/browser/watch_image.ts",
    "  if (signal?.aborted) stop();\n",
    "",
    [watchImageTest],
  ],
  [
    "B7",
    "watchImage: reload URL drops the page's own query",
    "lib/browser/watch_image.ts",
    "url.searchParams.set(RELOAD_PARAM, String(Date.now()));",
    "url.search = `?${RELOAD_PARAM}=${Date.now()}`;",
    [watchImageTest],
  ],
  // Shared: backoff (issue 21: jitter never checked).
  [
    "S3",
    "backoff without jitter (every wait equal)",
    "lib/shared/backoff.ts",
    "* (0.5 + Math.random() / 2)",
    "* 0.75",
    [backoffTest],
  ],
  [
    "S4",
    "backoff jitter down to 0 (a retry at once, a busy loop)",
    "lib/shared/backoff.ts",
    "* (0.5 + Math.random() / 2)",
    "* Math.random()",
    [backoffTest],
  ],
  [
    "S5",
    "backoff cap ignored",
    "lib/shared/backoff.ts",
    "Math.min(maxRetryMs, retryMs * 2 ** attempt)",
    "retryMs * 2 ** attempt",
    [backoffTest],
  ],
  [
    "S6",
    "backoff grows linearly",
    "lib/shared/backoff.ts",
    "retryMs * 2 ** attempt",
    "retryMs * (attempt + 1)",
    [backoffTest],
  ],
  // Bus.
  [
    "U1",
    "the mailbox drops the newest message instead of the oldest",
    "lib/bus/mailbox.ts",
    "if (this.#queue.length >= this.#size) this.#queue.shift();",
    "if (this.#queue.length >= this.#size) return;",
    [busFramesTest],
  ],
  [
    "U2",
    "the mailbox holds one more than maxQueue",
    "lib/bus/mailbox.ts",
    "if (this.#queue.length >= this.#size) this.#queue.shift();",
    "if (this.#queue.length > this.#size) this.#queue.shift();",
    [busFramesTest],
  ],
  [
    "U3",
    "a bad frame on the bus ends the source instead of being reported and skipped",
    "lib/bus/bus_frames.ts",
    "        report(error);\n        continue;",
    "        report(error);\n        return;",
    [busFramesTest],
  ],
  [
    "U4",
    "the bus source does not unsubscribe when it ends",
    "lib/bus/bus_frames.ts",
    "    await unsubscribe();\n",
    "",
    [busFramesTest, nats],
  ],
  [
    "U5",
    "the outage is reported for every dropped frame",
    "lib/bus/outage.ts",
    "if (this.#dropped++ === 0) {",
    "if (++this.#dropped > 0) {",
    [nats, natsPaths],
  ],
  [
    "U6",
    "an outage is reported once ever (not again after the link came back)",
    "lib/bus/outage.ts",
    "    this.#dropped = 0;\n",
    "",
    [nats, natsPaths],
  ],
  [
    "U7",
    "the envelope's length check allows trailing bytes",
    "lib/bus/frame_envelope.ts",
    "if (size !== bytes.byteLength) {",
    "if (size > bytes.byteLength) {",
    [envelope],
  ],
  [
    "U8",
    "the envelope's version byte not checked",
    "lib/bus/frame_envelope.ts",
    "if (bytes[2] !== FRAME_VERSION) {",
    "if (bytes[2] > 200) {",
    [envelope],
  ],
  [
    "U9",
    "the envelope's second magic byte not checked",
    "lib/bus/frame_envelope.ts",
    "if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) {",
    "if (bytes[0] !== MAGIC_0) {",
    [envelope],
  ],
  [
    "U10",
    "the envelope's header fields not checked (CR/LF in a value passes)",
    "lib/bus/frame_envelope.ts",
    '      headerLine(pair[0], pair[1], "frame");\n',
    "",
    [envelope],
  ],
  // NATS.
  [
    "N1",
    "natsPublisher ignores disconnects (publishes into the client's queue)",
    "lib/nats/nats.ts",
    'if (type === "disconnect") connected = false;',
    'if (type === "disconnect") connected = true;',
    [nats, natsPaths],
  ],
  [
    "N2",
    "natsPublisher never up again after a reconnect",
    "lib/nats/nats.ts",
    'else if (type === "reconnect") connected = true;',
    'else if (type === "reconnect") connected = false;',
    [nats, natsPaths],
  ],
  [
    "N3",
    "a closed NATS subscription is not reported as a failure",
    "lib/nats/nats.ts",
    "if (!done) fail(error ?? new Error(`the NATS subscription to ${subject} closed`));",
    "if (!done && error) fail(error);",
    [nats, natsPaths],
  ],
  [
    "N4",
    "natsFrames never unsubscribes",
    "lib/nats/nats.ts",
    "      subscription.unsubscribe();\n",
    "",
    [nats, natsPaths],
  ],
  [
    "N5",
    "a NATS wildcard subject accepted",
    "lib/nats/nats.ts",
    "!/^[^\\s*>]+$/.test(subject)",
    "!/^[^\\s]+$/.test(subject)",
    [nats, natsPaths],
  ],
  [
    "N6",
    "natsPublisher's connection tracking set up only for clients without status()",
    "lib/nats/nats.ts",
    'if (typeof nc.status === "function") {',
    'if (typeof nc.status !== "function") {',
    [nats, natsPaths],
  ],
  // Redis.
  [
    "E1",
    "redisPublisher publishes while the client is down",
    "lib/redis/redis.ts",
    "isUp: () => client.isReady !== false,",
    "isUp: () => true,",
    [redis],
  ],
  [
    "E2",
    "the subscriber's error report does not name the channel",
    "lib/redis/redis.ts",
    "report(new Error(`redis subscriber for ${channel}: ${error.message}`, { cause: error }));",
    "report(new Error(`redis subscriber: ${error.message}`, { cause: error }));",
    [redis],
  ],
  [
    "E3",
    "the Redis subscriber's errors not reported",
    "lib/redis/redis.ts",
    "report(new Error(`redis subscriber for ${channel}: ${error.message}`, { cause: error }));",
    "void error;",
    [redis],
  ],
  [
    "E4",
    "redisFrames never closes its subscriber connection",
    "lib/redis/redis.ts",
    "    return () => subscriber.destroy();",
    "    return () => {};",
    [redis],
  ],
  [
    "E5",
    "redisPublisher sends the whole underlying buffer (a subarray's neighbours too)",
    "lib/redis/redis.ts",
    "buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)",
    "buffer.from(frame.buffer, 0, frame.buffer.byteLength)",
    [redis],
    "encodeFrame returns a Uint8Array that owns its whole ArrayBuffer (offset 0, full length), so the two calls read the same bytes",
  ],
  [
    "E6",
    "an empty channel name accepted",
    "lib/redis/redis.ts",
    'if (typeof channel !== "string" || channel === "") {',
    'if (typeof channel !== "string") {',
    [redis],
  ],
  // Durable Objects (issue 21: outcomes hidden by pinning and deduplicating viewers).
  [
    "O1",
    "every unpinned viewer goes to shard 0",
    "lib/durable_object/worker_side.ts",
    "const index = shard ?? Math.floor(Math.random() * shards);",
    "const index = shard ?? 0;",
    [durable],
  ],
  [
    "O2",
    "each frame forwarded twice to each shard",
    "lib/durable_object/hub_object.ts",
    "await Promise.all(Array.from({ length: shards }, async (_, i) => {\n        const name = shardName(camera, i);",
    "await Promise.all(Array.from({ length: shards * 2 }, async (_, i) => {\n        const name = shardName(camera, i % shards);",
    [durable],
  ],
  [
    "O3",
    "a pinned shard index not range-checked (shard 2 of 2 accepted)",
    "lib/durable_object/worker_side.ts",
    "if (!Number.isInteger(index) || index < 0 || index >= shards) {",
    "if (!Number.isInteger(index) || index < 0 || index > shards) {",
    [durable],
  ],
  [
    "O4",
    "stats() forgets the last shard",
    "lib/durable_object/worker_side.ts",
    "const names = Array.from({ length: shards }, (_, i) => shardName(camera, i));",
    "const names = Array.from({ length: shards - 1 }, (_, i) => shardName(camera, i));",
    [durable],
  ],
  [
    "O5",
    "the camera's object forwards to the first shard only",
    "lib/durable_object/hub_object.ts",
    'const shards = Number(url.searchParams.get("shards") ?? 0);',
    'const shards = Math.min(1, Number(url.searchParams.get("shards") ?? 0));',
    [durable],
  ],
  [
    "O6",
    "every shard index names the same object",
    "lib/durable_object/routes.ts",
    'return JSON.stringify(["shard", camera, index]);',
    'return JSON.stringify(["shard", camera]);',
    [durable],
  ],
  [
    "O7",
    "the shard count not sent with a frame (the camera's object keeps it to itself)",
    "lib/durable_object/worker_side.ts",
    'const url = `${path(camera, "ingest")}?shards=${shards}`;',
    'const url = path(camera, "ingest");',
    [durable],
  ],
  // Node.
  [
    "ND1",
    "HEAD answered with a body",
    "lib/node/send_response.ts",
    'if (body === null || res.req?.method === "HEAD") {',
    "if (body === null) {",
    [node],
  ],
  [
    "ND2",
    "backpressure ignored (write() returning false not waited on)",
    "lib/node/send_response.ts",
    "if (!gone && !res.write(value)) {",
    "if (!gone && !res.write(value) && false) {",
    [node],
  ],
  [
    "ND3",
    "a client gone does not cancel the body",
    "lib/node/send_response.ts",
    "    gone = true;\n    reader.cancel().catch(() => {});\n",
    "    gone = true;\n",
    [node],
  ],
  [
    "ND4",
    "Set-Cookie copied as any other header (only the last cookie is sent)",
    "lib/node/send_response.ts",
    [
      'for (const [name, value] of headers) if (name !== "set-cookie") record[name] = value;',
      '  if (cookies.length > 0) record["set-cookie"] = cookies;\n',
    ],
    ["for (const [name, value] of headers) record[name] = value;", ""],
    [node],
  ],
  [
    "ND5",
    "a body that errors ends the response cleanly (truncation looks complete)",
    "lib/node/send_response.ts",
    "  } catch (error) {\n    res.destroy(error instanceof Error ? error : new Error(String(error)));",
    "  } catch (error) {\n    res.end();",
    [node],
  ],
  [
    "ND6",
    "headers not flushed before the first part",
    "lib/node/send_response.ts",
    "  res.flushHeaders?.();\n",
    "",
    [node],
  ],
  [
    "ND12",
    "a client gone before the body started is not noticed (its viewer stays subscribed)",
    "lib/node/send_response.ts",
    "  if (closed(res)) onClose();\n",
    "",
    [node],
  ],
  // Node's direct path: a PushHub viewer written straight to res (lib/shared/direct_body.ts).
  [
    "ND13",
    "direct path: a client gone before the body started is not noticed",
    "lib/node/send_response.ts",
    "    if (closed(this.#res)) this.#onClose();\n    else tap.ready();\n",
    "    tap.ready();\n",
    [node],
  ],
  [
    "ND7",
    "direct path: backpressure ignored (every write taken as accepted)",
    "lib/node/send_response.ts",
    "    if (this.#res.write(chunk)) return true;\n",
    "    this.#res.write(chunk);\n    return true;\n",
    [nodeDirect],
  ],
  [
    "ND8",
    "direct path: a client gone does not cancel the viewer (it stays subscribed)",
    "lib/node/send_response.ts",
    "    this.#tap?.cancel();\n",
    "",
    [nodeDirect],
  ],
  [
    "ND9",
    "direct path: a viewer broken (stalled past idleTimeout) ends the response cleanly",
    "lib/node/send_response.ts",
    "if (!this.#gone) this.#res.destroy(error instanceof Error ? error : new Error(String(error)));",
    "if (!this.#gone) this.#res.end();",
    [nodeDirect],
  ],
  [
    "ND10",
    "direct path: writes dropped while the socket drains (a stalled viewer loses the ending's repeat)",
    "lib/node/send_response.ts",
    "    if (this.#gone) return false;\n",
    "    if (this.#gone || this.#draining) return false;\n",
    [nodeDirect],
  ],
  [
    "ND11",
    "direct path: a hub body someone is reading is taken over",
    "lib/shared/direct_body.ts",
    "if (direct === undefined || body.locked) return undefined;",
    "if (direct === undefined) return undefined;",
    [nodeDirect],
  ],
  // Ingest (issue 21: one method, one content type, one order).
  [
    "I1",
    "authorize consulted on POST only (a PUT publishes unchecked)",
    "lib/ingest/ingest_request.ts",
    "  if (config.authorize !== undefined) {\n",
    '  if (config.authorize !== undefined && request.method === "POST") {\n',
    [ingestTest, hubIngest],
  ],
  [
    "I2",
    "allowTakeover ignored while the first upload is live (409 anyway)",
    "lib/ingest/ingest_slot.ts",
    "if (slot.live !== undefined && !allowTakeover) return",
    "if (slot.live !== undefined) return",
    [hubIngest],
  ],
  [
    "I3",
    "a takeover does not cut the first publisher",
    "lib/ingest/ingest_slot.ts",
    '  slot.live?.abort(new IngestError(409, "another publisher took over"));\n',
    "",
    [hubIngest],
  ],
  [
    "I4",
    "not-PNG detected by the first byte only",
    "lib/ingest/frame_readers.ts",
    '"image/png": (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x),',
    '"image/png": (b) => b[0] === 0x89,',
    [ingestTest],
  ],
  [
    "I5",
    "any RIFF file accepted as WebP",
    "lib/ingest/frame_readers.ts",
    ' && latin1.decode(b.subarray(8, 12)) === "WEBP",',
    ",",
    [ingestTest],
  ],
  [
    "I6",
    "default maxFrameSize 16 KiB instead of 16 MiB",
    "lib/ingest/ingest_options.ts",
    "maxFrameSize = 16 * 1024 * 1024,",
    "maxFrameSize = 16 * 1024,",
    [ingestTest],
  ],
  [
    "I7",
    "a multipart frame of exactly maxFrameSize refused",
    "lib/ingest/frame_readers.ts",
    "if (part.body.byteLength > maxFrameSize) throw tooLarge(n, maxFrameSize);",
    "if (part.body.byteLength >= maxFrameSize) throw tooLarge(n, maxFrameSize);",
    [ingestTest],
  ],
  [
    "I8",
    "a PNG/WebP upload up to twice maxFrameSize accepted",
    "lib/ingest/frame_readers.ts",
    "if (size > maxFrameSize) throw tooLarge(1, maxFrameSize);",
    "if (size > maxFrameSize * 2) throw tooLarge(1, maxFrameSize);",
    [ingestTest],
  ],
  [
    "I9",
    "PUT refused (405)",
    "lib/ingest/ingest_request.ts",
    'if (request.method !== "POST" && request.method !== "PUT") {',
    'if (request.method !== "POST") {',
    [ingestTest, hubIngest],
  ],
  [
    "I10",
    "authorize returning something other than true/false/Response lets the upload in",
    "lib/ingest/ingest_request.ts",
    "    if (verdict !== true) {\n",
    "    if (verdict === null) {\n",
    [ingestTest, hubIngest],
  ],
  [
    "I11",
    "a multipart part without Content-Type published",
    "lib/ingest/frame_readers.ts",
    "if (part.contentType === null) throw new IngestError(400, `part ${n} has no Content-Type`);",
    "if (part.contentType === null) continue;",
    [ingestTest],
  ],
  [
    "I12",
    "an upload that stops right after a boundary line (ffmpeg's way) refused",
    "lib/ingest/frame_readers.ts",
    'if (error.code === "truncated" && endsAtBoundary(upload.tail(), boundary)) return;',
    "",
    [ingestTest, hubIngest],
  ],
  [
    "I13",
    "an MJPEG upload with no complete picture answered 204",
    "lib/ingest/frame_readers.ts",
    "  if (n === 0) {\n    throw new IngestError(400,",
    "  if (n < 0) {\n    throw new IngestError(400,",
    [ingestTest],
  ],
  [
    "I14",
    "a closed hub still takes uploads",
    "lib/ingest/ingest_slot.ts",
    "if (slot.closed) return",
    "if (false) return",
    [hubIngest],
  ],
  [
    "I15",
    "an upload's or part's media type compared case-sensitively",
    "lib/shared/media_type.ts",
    'return contentType.split(";")[0].trim().toLowerCase();',
    'return contentType.split(";")[0].trim();',
    [ingestTest],
  ],
  [
    "I16",
    "a silent upload never cut (idleTimeout ignored)",
    "lib/ingest/ingest_options.ts",
    "    idleTimeout,\n    signal,\n    allowTakeover,",
    "    idleTimeout: Infinity,\n    signal,\n    allowTakeover,",
    [ingestTest],
  ],
  [
    "I17",
    "a hub's close() does not cut the live upload",
    "lib/ingest/ingest_slot.ts",
    "      made.live?.abort(new IngestError(503, CLOSED));\n",
    "",
    [hubIngest],
  ],
  [
    "I18",
    "a stream upload's end does not take the hub offline",
    "lib/ingest/ingest_slot.ts",
    "if (left) target.goOffline?.();",
    "if (left) void target;",
    ["tests/camera/offline.test.ts"],
  ],
  [
    "I19",
    "a frame the hub refuses is not told to the hub's onError",
    "lib/ingest/ingest.ts",
    "  const config = resolveIngestOptions(options, report);",
    "  const config = resolveIngestOptions(options);",
    ["tests/ingest/hardening.test.ts"],
  ],
  [
    "I20",
    "ingest's cors policy not applied to its answers",
    "lib/ingest/ingest.ts",
    "return cors ? answered.then((response) => cors.apply(request, response)) : answered;",
    "return answered;",
    ["tests/camera/cors.test.ts"],
  ],
  [
    "I21",
    "a hub closed before its first upload takes it, then cuts it, instead of refusing it",
    "lib/ingest/ingest.ts",
    "  slotOf(target); // before the checks",
    "  // before the checks",
    [hubIngest],
  ],
  // GraphQL.
  [
    "G1",
    "an Accept range with q=0 still chosen",
    "lib/graphql/negotiate.ts",
    "if (most >= 0 && q > bestQ) [best, bestQ]",
    "if (most >= 0 && q >= bestQ) [best, bestQ]",
    [gqlNegotiation],
  ],
  [
    "G2",
    "no Accept header read as */* (graphql-response+json) instead of application/json",
    "lib/graphql/negotiate.ts",
    'accept === null || accept.trim() === "" ? "application/json" : accept',
    'accept === null || accept.trim() === "" ? "*/*" : accept',
    [gqlNegotiation],
  ],
  [
    "G3",
    "the spec parameter's value ignored (deferSpec=anything accepted)",
    "lib/graphql/negotiate.ts",
    "if (offer.spec?.[0] !== name || offer.spec[1] !== value) return -1;",
    "if (offer.spec?.[0] !== name) return -1;",
    [gqlNegotiation],
  ],
  [
    "G4",
    "legacy @stream items appended at the end instead of at their index",
    "lib/graphql/apply_incremental.ts",
    "const start = legacy ? Number(path[path.length - 1]) : target.length;",
    "const start = target.length;",
    [gqlApply],
  ],
  [
    "G5",
    "a later payload's errors replace the earlier ones",
    "lib/graphql/apply_incremental.ts",
    "for (const error of errors) into.push(error);",
    "into.splice(0, into.length, ...errors);",
    [gqlApply],
  ],
  [
    "G6",
    "a completed entry's errors dropped",
    "lib/graphql/apply_incremental.ts",
    "    addErrors(result, entry.errors);\n    pending.delete(String(entry.id));",
    "    pending.delete(String(entry.id));",
    [gqlApply],
  ],
  [
    "G7",
    "a heartbeat {} handed out as a payload",
    "lib/graphql/graphql_payloads.ts",
    'if (typeof payload !== "object" || payload === null || Object.keys(payload).length === 0) {',
    'if (typeof payload !== "object" || payload === null) {',
    [gqlClients, gqlEndings],
  ],
  [
    "G8",
    "a subscription event with a null payload (transport error) not ending the stream",
    "lib/graphql/graphql_payloads.ts",
    "        yield { errors: (payload.errors ?? []) as unknown[] };\n        return;",
    "        yield { errors: (payload.errors ?? []) as unknown[] };\n        continue;",
    [gqlApply, gqlClients, gqlEndings],
  ],
  // Hub: the fps meter and X-Timestamp at fixed instants, the mixed-mode cut (issue 21).
  [
    "H19",
    "the fps meter reads only the current second",
    "lib/hub/stats.ts",
    "const rate = this.#previous * (1 - (now % 1000) / 1000) + this.#count;",
    "const rate = this.#count;",
    [hubStats],
  ],
  [
    "H20",
    "the fps meter keeps the second before a gap",
    "lib/hub/stats.ts",
    "this.#previous = bucket === this.#bucket + 1 ? this.#count : 0;",
    "this.#previous = this.#count;",
    [hubStats],
  ],
  [
    "H21",
    "the fps meter weighs the previous second the wrong way round",
    "lib/hub/stats.ts",
    "this.#previous * (1 - (now % 1000) / 1000)",
    "this.#previous * ((now % 1000) / 1000)",
    [hubStats],
  ],
  [
    "H22",
    "X-Timestamp's fraction not padded to six digits",
    "lib/hub/frame.ts",
    '.padStart(6, "0")',
    "",
    [timestampsTest],
  ],
  [
    "H23",
    "X-Timestamp's fraction padded on the wrong side",
    "lib/hub/frame.ts",
    '.padStart(6, "0")',
    '.padEnd(6, "0")',
    [timestampsTest],
  ],
  [
    "H24",
    "X-Timestamp from the process's clock, not the epoch",
    "lib/hub/frame.ts",
    "Math.round((performance.timeOrigin + performance.now()) * 1000)",
    "Math.round(performance.now() * 1000)",
    [timestampsTest],
  ],
  [
    "H27",
    "a viewer's stream enqueues without waiting for the next read (its queue grows)",
    "lib/hub/viewers.ts",
    "write: (chunk) => (controller.enqueue(chunk), false),",
    "write: (chunk) => (controller.enqueue(chunk), true),",
    [hubLife],
  ],
  [
    "H28",
    "a viewer that ends before any read skips the opening",
    "lib/hub/viewers.ts",
    "    try {\n      this.#open();\n",
    "    try {\n",
    [hubLife],
  ],
  [
    "H25",
    "a mixed-mode cut counts one frame dropped instead of every unseen one",
    "lib/hub/viewers.ts",
    "this.#config.meter.dropped(held.length + 1);",
    "this.#config.meter.dropped(1);",
    [hubStats],
  ],
  [
    "H26",
    "X-Frame counts from 0",
    "lib/hub/frame.ts",
    "frame: ++this.#count",
    "frame: this.#count++",
    [timestampsTest],
  ],
  [
    "H26b",
    "a relayed part's own X-Timestamp kept beside the hub's",
    "lib/hub/push_hub.ts",
    "const wire = this.#live.stamps ? unstamped(checked) : checked;",
    "const wire = checked;",
    [timestampsTest],
  ],
  [
    "H26c",
    "a snapshot without its frame's X-Frame",
    "lib/hub/responses.ts",
    'headers.set("X-Frame", String(frame.stamp.frame));',
    "",
    [timestampsTest],
  ],
  [
    "H29",
    "close() leaves hub.closed pending (work feeding the hub never hears)",
    "lib/hub/push_hub.ts",
    "    this.#onClosed();\n",
    "",
    ["tests/hub/feeding.test.ts"],
  ],
  [
    "H30",
    "reportError() dropped instead of telling onError",
    "lib/hub/push_hub.ts",
    "    this.#options.onError(error);\n",
    "",
    ["tests/hub/feeding.test.ts"],
  ],
  // Parse: Content-Type, header blocks, part ends, relay (issue 21: paths never taken).
  [
    "D3",
    "the boundary parameter's name matched case-sensitively",
    "lib/parse/content_type_boundary.ts",
    "const name = text.slice(nameStart, i).trim().toLowerCase();",
    "const name = text.slice(nameStart, i).trim();",
    [parseContentType],
  ],
  [
    "D4",
    "a backslash escape in a quoted boundary not undone",
    "lib/parse/content_type_boundary.ts",
    '        if (text[i] === "\\\\" && i + 1 < text.length) i++;\n',
    "",
    [parseContentType],
  ],
  [
    "D5",
    "an empty boundary parameter accepted",
    "lib/parse/content_type_boundary.ts",
    'if (name === "boundary") return value === "" ? null : value;',
    'if (name === "boundary") return value;',
    [parseContentType],
  ],
  [
    "D6",
    "a bare CR in a header value accepted",
    "lib/parse/part_headers.ts",
    "if (b === 0 || b === CR) throw malformed(",
    "if (b === 0) throw malformed(",
    [parseErrors, parsePartsTest],
  ],
  [
    "D7",
    "the CR before a delimiter kept in the body",
    "lib/parse/assembler.ts",
    "    if (length > 0 && buffer.byteAt(chunk, from, length - 1) === CR) length--;\n",
    "",
    [parsePartsTest, parseRoundtrip],
  ],
  [
    "D8",
    "a header line with an empty name accepted",
    "lib/parse/part_headers.ts",
    "if (tokenEnd === pos || i === end || bytes[i] !== COLON) {",
    "if (i === end || bytes[i] !== COLON) {",
    [parseErrors, parsePartsTest],
  ],
  [
    "D9",
    "of two Content-Type fields the last wins (instead of both, joined)",
    "lib/parse/part_headers.ts",
    "contentType = contentType === null ? value : `${contentType}, ${value}`;",
    "contentType = value;",
    [parsePartsTest, parseErrors],
  ],
  [
    "D10",
    "a camera stream cut inside a part's body emits the short body",
    "lib/parse/assembler.ts",
    "if (rest < 0 || rest > 2 || (rest > 0 && bytes[size - 1] !== LF)) return false;",
    "if (rest > 2 || (rest > 0 && bytes[size - 1] !== LF)) return false;",
    [parseCameraEnd],
  ],
  [
    "D11",
    "relay: a part received does not reset the attempt count",
    "lib/parse/relay_reconnect.ts",
    "    if (counter.count > before) attempt = 0;\n",
    "",
    [relayReconnect],
  ],
  [
    "D12",
    "relay: a clean end of the upstream stops the relay instead of reconnecting",
    "lib/parse/relay_reconnect.ts",
    "    if (signal?.aborted) break;\n",
    "    if (signal?.aborted || error === undefined) break;\n",
    [relayReconnect],
  ],
  [
    "D13",
    "relay: the upstream's Content-Length passed on with the part",
    "lib/parse/forwarded_headers.ts",
    '["x-timestamp", "x-frame"]',
    '["x-timestamp", "x-frame", "content-length"]',
    [relayHeaders],
  ],
  [
    "D14",
    "relay: an error answer's body left open",
    "lib/parse/relay_reconnect.ts",
    "    await response.body?.cancel().catch(() => {});\n",
    "",
    [relayReconnect],
  ],
  [
    "D15",
    "relay: an empty Content-Type passed on instead of defaultContentType",
    "lib/parse/relay.ts",
    "contentType: part.contentType || fallback,",
    "contentType: part.contentType ?? fallback,",
    [relayHeaders],
  ],
  // MJPEG.
  [
    "M2",
    "FF 00 (a stuffed byte) read as a marker inside the scan",
    "lib/mjpeg/scan_end.ts",
    "if (byte === 0x00 || (byte >= 0xd0 && byte <= 0xd7)) ff = chunk.indexOf(0xff, ff + 2);",
    "if (byte >= 0xd0 && byte <= 0xd7) ff = chunk.indexOf(0xff, ff + 2);",
    [mjpegTest],
  ],
  [
    "M3",
    "RST7 read as a marker inside the scan",
    "lib/mjpeg/scan_end.ts",
    "if (byte === 0x00 || (byte >= 0xd0 && byte <= 0xd7)) ff = chunk.indexOf(0xff, ff + 2);",
    "if (byte === 0x00 || (byte >= 0xd0 && byte <= 0xd6)) ff = chunk.indexOf(0xff, ff + 2);",
    [mjpegTest],
  ],
  [
    "M4",
    "an RST marker split across chunks (FF | D0) ends the scan",
    "lib/mjpeg/jpeg_frames.ts",
    "if (byte === 0x00 || (byte >= 0xd0 && byte <= 0xd7)) state = SCAN;",
    "if (byte === 0x00) state = SCAN;",
    [mjpegTest],
  ],
  [
    "M5",
    "an SOI inside a picture keeps the cut-off picture's bytes",
    "lib/mjpeg/jpeg_frames.ts",
    "          kept.clear();\n          start();",
    "          start();",
    [mjpegTest],
  ],
  [
    "M6",
    "a segment's length read without subtracting its own 2 bytes",
    "lib/mjpeg/jpeg_frames.ts",
    "remaining = (remaining | chunk[i++]) - 2;",
    "remaining = remaining | chunk[i++];",
    [mjpegTest],
  ],
  [
    "M7",
    "a picture that never ends is buffered past maxFrameSize",
    "lib/mjpeg/jpeg_frames.ts",
    "        if (kept.size > maxFrameSize) throw tooLarge();\n",
    "",
    [mjpegTest, "tests/mjpeg/jpeg_frames.memory.test.ts"],
  ],
  // The replace-mode wire engine (lib/push/framing.ts, encode_parts.ts; issue 19).
  [
    "W14",
    "the ending's fill right behind the last part (WebKit leaves the document empty)",
    "lib/push/framing.ts",
    "    return Math.max(0, this.#sentAt + FILL_GAP_MS - Date.now());",
    "    return 0;",
    [pushLife, hubLife],
  ],
  [
    "W15",
    "the hub's ending ignores the fill's gap",
    "lib/hub/viewers.ts",
    "    if (wait > 0) armTimeout(close, wait);",
    "    if (wait > 0) close();",
    [hubLife],
  ],
  [
    "W16",
    "the encoder's ending ignores the fill's gap",
    "lib/push/encode_parts.ts",
    "    if (wait > 0) closeTimer = setTimeout(close, wait);",
    "    if (wait > 0) close();",
    [pushLife],
  ],
  [
    "W1",
    "browser framing opens without the 512-byte preamble",
    "lib/push/framing.ts",
    'latin1Bytes(wire === "browser" ? `${PREAMBLE}--${boundary}\\r\\n` : this.#line)',
    'latin1Bytes(wire === "browser" ? `--${boundary}\\r\\n` : this.#line)',
    [pushStream, pushResponse],
  ],
  [
    "W2",
    "the preamble one byte short (511 bytes: WebKit still holds the first part)",
    "lib/push/framing.ts",
    'const PREAMBLE = `${" ".repeat(510)}\\r\\n`;',
    'const PREAMBLE = `${" ".repeat(509)}\\r\\n`;',
    [pushStream, pushResponse],
  ],
  [
    "W3",
    "browser framing: the next part's header block not announced after a body",
    "lib/push/framing.ts",
    "const tail = latin1Bytes(`${line}${key}\\r\\n`);",
    "const tail = latin1Bytes(line);",
    [pushStream, pushResponse],
  ],
  [
    "W4",
    "reader framing: the last part not repeated at the end (VLC drops it)",
    "lib/push/framing.ts",
    'if (this.#wire !== "browser") return [...fill, latin1Bytes("--\\r\\n")];',
    'if (this.#wire !== "browser") return [latin1Bytes("--\\r\\n")];',
    [pushStream, pushResponse],
  ],
  [
    "W5",
    "reader framing without Content-Length (FFmpeg hands each part over one late)",
    "lib/push/part.ts",
    'const length = wire.size === undefined ? "" : `Content-Length: ${wire.size}\\r\\n`;',
    'const length = "";',
    [pushStream, pushResponse],
  ],
  [
    "W6",
    "fetch readers asking for multipart/mixed no longer get the mixed label",
    "lib/push/options.ts",
    "replaceOverMixed: labelsMixed(mode, advanceHeaders, request),",
    "replaceOverMixed: false,",
    [pushResponse, "tests/push/fetch_framing.test.ts"],
  ],
  [
    "W7",
    "a part's framing and body sent as two chunks (two writes per frame)",
    "lib/push/encode_parts.ts",
    "      controller.enqueue(\n        writer.part(wireFrame(config.boundary, wire.fields, wire.key, wire.bytes)),\n      );",
    "      const chunk = writer.part(wireFrame(config.boundary, wire.fields, wire.key, wire.bytes));\n      const split = chunk.byteLength - wire.bytes.byteLength;\n      controller.enqueue(chunk.subarray(0, split));\n      controller.enqueue(chunk.subarray(split));",
    [pushStream],
  ],
  [
    "W8",
    "a browser asking for multipart/mixed still gets browser framing",
    "lib/push/options.ts",
    "return request === undefined || (!asksForMixed(request) && isBrowserLoad(request));",
    "return request === undefined || isBrowserLoad(request);",
    [pushResponse, "tests/push/fetch_framing.test.ts"],
  ],
  [
    "W9",
    "browser framing: a streamed last body not repeated at the end",
    "lib/push/framing.ts",
    'if (this.#wire !== "mixed") this.#fill.push(bytes);',
    'if (this.#wire === "reader") this.#fill.push(bytes);',
    [pushStream, pushResponse],
  ],
  [
    "W10",
    "browser framing: a streamed body with the announced block sends its header block again",
    "lib/push/framing.ts",
    "if (announced === key) return new Uint8Array(0);",
    "if (announced === key) return latin1Bytes(`${fields}\\r\\n`);",
    [pushStream, pushResponse],
  ],
  [
    "W11",
    "mixed mode repeats the last part at the end",
    "lib/push/framing.ts",
    '    if (this.#wire === "mixed") return;\n    this.#fill = fill;',
    "    this.#fill = fill;",
    [pushStream, pushResponse],
  ],
  [
    "W12",
    "an <img> load (Sec-Fetch-Dest: image) not told from a reader",
    "lib/push/options.ts",
    "const SHOWN = /^(?:document|iframe|frame|embed|object|image)$/i;",
    "const SHOWN = /^(?:document|iframe|frame|embed|object)$/i;",
    [pushResponse, "tests/push/fetch_framing.test.ts"],
  ],
  [
    "W13",
    "reader framing: a part's slice runs two bytes past its delimiter line",
    "lib/push/framing.ts",
    "reader: out.subarray(lineLength - 2, tailAt + lineLength - 2),",
    "reader: out.subarray(lineLength - 2, tailAt + lineLength),",
    [pushStream, pushResponse],
  ],
  // The doctor CLI (lib/cli).
  [
    "L1",
    "doctor: a 503 reported as a plain bad status (no Retry-After advice)",
    "lib/cli/findings.ts",
    "    d.status === 503\n",
    "    d.status === 502\n",
    ["tests/cli/findings.test.ts"],
  ],
  [
    "L2",
    "doctor: Content-Encoding identity reported as compressed",
    "lib/cli/findings.ts",
    "d.contentEncoding !== null && !/^\\s*identity\\s*$/i.test(d.contentEncoding)",
    "d.contentEncoding !== null",
    ["tests/cli/findings.test.ts"],
  ],
  [
    "L3",
    "doctor: lateness judged by the worst part, not the median",
    "lib/cli/findings.ts",
    "if (late === undefined || late.median < LATE_MS) return null;",
    "if (late === undefined || late.max < LATE_MS) return null;",
    ["tests/cli/findings.test.ts"],
  ],
  [
    "L4",
    "doctor: a stall reported only when both limits pass (|| read as &&)",
    "lib/cli/findings.ts",
    "if (silence < STALL_MS || silence < STALL_GAPS * gap) return null;",
    "if (silence < STALL_MS && silence < STALL_GAPS * gap) return null;",
    ["tests/cli/findings.test.ts"],
  ],
  [
    "L5",
    "doctor: an empty last part reported while the push is still open",
    "lib/cli/findings.ts",
    "if (probe.timeline?.closed == null || last === undefined || last.size > 0) return null;",
    "if (last === undefined || last.size > 0) return null;",
    ["tests/cli/findings.test.ts"],
  ],
  [
    "L6",
    "doctor: findings not sorted problems first",
    "lib/cli/findings.ts",
    '  return [\n    ...found.filter((f) => f.level === "problem"),\n    ...found.filter((f) => f.level === "note"),\n  ];',
    "  return found;",
    ["tests/cli/findings.test.ts"],
  ],
  [
    "L7",
    "doctor: rate counts parts, not the gaps between them (fencepost)",
    "lib/cli/push_stats.ts",
    "round((parts.length - 1) / (span / 1000))",
    "round(parts.length / (span / 1000))",
    ["tests/cli/findings.test.ts", "tests/cli/part_timeline.test.ts"],
  ],
  [
    "L8",
    "doctor: the median of an even count is the upper middle value",
    "lib/cli/push_stats.ts",
    "(sorted[mid - 1] + sorted[mid]) / 2",
    "sorted[mid]",
    ["tests/cli/findings.test.ts", "tests/cli/part_timeline.test.ts"],
  ],
  [
    "L9",
    "doctor: lateness counts the first part (sent with the head, always early)",
    "lib/cli/push_stats.ts",
    "const late = parts.slice(1).filter(",
    "const late = parts.filter(",
    ["tests/cli/findings.test.ts", "tests/cli/part_timeline.test.ts"],
  ],
  [
    "L10",
    "doctor: no Content-Length for MJPEG readers only a note",
    "lib/cli/findings.ts",
    "if (readerLacks === true) {\n    return problem(",
    "if (readerLacks === true) {\n    return note(",
    ["tests/cli/findings.test.ts"],
  ],
  // JPEG: Huffman tables, the scan's end, the last scan (lib/mjpeg).
  [
    "J1",
    "Huffman tables added to a picture that has its own DHT",
    "lib/mjpeg/huffman.ts",
    "else if (code === 0xc4 || code === 0xd9 || ARITHMETIC.has(code)) return frame;",
    "else if (code === 0xd9 || ARITHMETIC.has(code)) return frame;",
    ["tests/mjpeg/huffman.test.ts"],
  ],
  [
    "J2",
    "Huffman tables added to an arithmetic-coded picture",
    "lib/mjpeg/huffman.ts",
    "else if (code === 0xc4 || code === 0xd9 || ARITHMETIC.has(code)) return frame;",
    "else if (code === 0xc4 || code === 0xd9) return frame;",
    ["tests/mjpeg/huffman.test.ts"],
  ],
  [
    "J3",
    "the DHT segment's length without its own two bytes",
    "lib/mjpeg/huffman.ts",
    "(body.length + 2) >> 8, (body.length + 2) & 0xff",
    "body.length >> 8, body.length & 0xff",
    ["tests/mjpeg/huffman.test.ts"],
  ],
  [
    "J4",
    "Huffman tables only for a Content-Type written exactly image/jpeg",
    "lib/mjpeg/huffman.ts",
    'if (mediaTypeOf(frame.contentType) !== "image/jpeg") return frame;',
    'if (frame.contentType !== "image/jpeg") return frame;',
    ["tests/mjpeg/huffman.test.ts", "tests/ingest/huffman.test.ts"],
  ],
  [
    "J5",
    "a typo in the AC chrominance table's rows",
    "lib/mjpeg/huffman.ts",
    "...rows(0xe, 0xf, 2),",
    "...rows(0xe, 0xf, 1),",
    ["tests/mjpeg/huffman.test.ts"],
  ],
  [
    "J6",
    "a segment skipped by its length without the marker's two bytes",
    "lib/mjpeg/huffman.ts",
    "i += 2 + ((frame[i + 2] << 8) | frame[i + 3]);",
    "i += (frame[i + 2] << 8) | frame[i + 3];",
    ["tests/mjpeg/huffman.test.ts"],
  ],
  [
    "J7",
    "a sequential picture's first scan taken as its last whatever its components",
    "lib/mjpeg/last_scan.ts",
    "this.last = this.#sequential && this.#size === SOS_HEADER && header[0] === this.#components;",
    "this.last = this.#sequential && this.#size === SOS_HEADER;",
    [mjpegTest],
  ],
  [
    "J8",
    "a progressive picture (SOF2) taken as sequential",
    "lib/mjpeg/last_scan.ts",
    "(this.#code === 0xc0 || this.#code === 0xc1)",
    "(this.#code === 0xc0 || this.#code === 0xc1 || this.#code === 0xc2)",
    [mjpegTest],
  ],
  [
    "J9",
    "a hierarchical picture (DHP) not noticed",
    "lib/mjpeg/last_scan.ts",
    "    if (code === 0xde) this.#hierarchical = true;\n",
    "",
    [mjpegTest],
  ],
  [
    "J10",
    "last scan: an SOI before the EOI in the same chunk not seen (a cut-off picture swallows the next)",
    "lib/mjpeg/scan_end.ts",
    "if (soi !== -1 && (eoi === -1 || soi < eoi)) return soi;",
    "if (soi !== -1 && eoi === -1) return soi;",
    [mjpegTest],
  ],
  // Contained content, the reload mark, forwarded part fields, native search (lib/shared, lib/parse).
  [
    "K1",
    "pushes without X-Content-Type-Options: nosniff",
    "lib/shared/contained_content.ts",
    '  "X-Content-Type-Options": "nosniff",\n',
    "",
    ["tests/camera/contained_push.test.ts", pushResponse],
  ],
  [
    "K2",
    "the CSP sandbox allows scripts",
    "lib/shared/contained_content.ts",
    '"Content-Security-Policy": "sandbox",',
    '"Content-Security-Policy": "sandbox allow-scripts",',
    ["tests/camera/contained_push.test.ts", pushResponse],
  ],
  [
    "K3",
    "a caller's own Content-Security-Policy kept over the sandbox",
    "lib/shared/contained_content.ts",
    "for (const [name, value] of Object.entries(CONTAINED_HEADERS)) headers.set(name, value);",
    "for (const [name, value] of Object.entries(CONTAINED_HEADERS)) {\n    if (!headers.has(name)) headers.set(name, value);\n  }",
    ["tests/camera/contained_push.test.ts", pushResponse],
  ],
  [
    "K4",
    "a reload mark with more than digits left unsigned (regex not anchored)",
    "lib/shared/reload_param.ts",
    "/^\\d{1,16}$/",
    "/\\d{1,16}/",
    [signed, "tests/browser/watch_image_signed.test.ts"],
  ],
  [
    "K5",
    "several reload marks all dropped from the signed query",
    "lib/shared/reload_param.ts",
    "if (marks.length === 1 && ",
    "if (marks.length >= 1 && ",
    [signed, "tests/browser/watch_image_signed.test.ts"],
  ],
  [
    "K6",
    "X-Frame not handed on to viewers",
    "lib/parse/forwarded_headers.ts",
    '["x-timestamp", "x-frame"]',
    '["x-timestamp"]',
    [relayHeaders, "tests/parse/relay.test.ts", "tests/ingest/hardening.test.ts"],
  ],
  [
    "K7",
    "every upstream part field handed on (Set-Cookie, Refresh, …)",
    "lib/parse/forwarded_headers.ts",
    "  for (const name of FORWARDED_PART_HEADERS) {\n    const value = received.get(name);\n    if (value !== null) kept.set(name, value);\n  }",
    "  for (const [name, value] of received) kept.set(name, value);",
    [relayHeaders, "tests/parse/relay.test.ts", "tests/ingest/hardening.test.ts"],
  ],
  [
    "K8",
    "native search accepted on an indexOf that is not checked to find a needle",
    "lib/shared/native_search.ts",
    "    if (view.indexOf?.(new Uint8Array([2, 3]), 1) !== 2) return none;\n",
    '    if (typeof view.indexOf !== "function") return none;\n',
    ["tests/shared/native_search.test.ts"],
  ],
  [
    "K9",
    "native search chosen on Deno too (its Buffer is a slower polyfill)",
    "lib/shared/native_search.ts",
    "/^(Node\\.js|Bun)\\//",
    "/^(Node\\.js|Bun|Deno)\\//",
    ["tests/shared/native_search.test.ts"],
  ],
  // Ingest: authorize and allowTypes (the hardening round).
  [
    "T1",
    "an authorize Response (401 with WWW-Authenticate) replaced by a bare 403",
    "lib/ingest/ingest_request.ts",
    "    if (verdict instanceof Response) return verdict;\n",
    '    if (verdict instanceof Response) return answer(403, "this request may not publish");\n',
    [ingestTest, "tests/ingest/hardening.test.ts"],
  ],
  [
    "T2",
    "an async authorize not awaited",
    "lib/ingest/ingest_request.ts",
    "      verdict = await config.authorize(request);",
    "      verdict = config.authorize(request);",
    [ingestTest, "tests/ingest/hardening.test.ts"],
  ],
  [
    "T3",
    "allowTypes kept as written (Image/SVG+XML never matches)",
    "lib/ingest/part_types.ts",
    "types.add(type.toLowerCase());",
    "types.add(type);",
    [ingestTest, "tests/ingest/hardening.test.ts", "tests/ingest/bad_values.test.ts"],
  ],
  [
    "T4",
    "allowTypes replaces the raster types instead of adding to them",
    "lib/ingest/part_types.ts",
    "const types = new Set(RASTER_TYPES);",
    "const types = new Set<string>();",
    [ingestTest, "tests/ingest/hardening.test.ts"],
  ],
  [
    "T5",
    "authorize optional again (no authorize: open publishing)",
    "lib/ingest/ingest_options.ts",
    'if (authorize !== "anyone" && typeof authorize !== "function") {',
    'if (authorize !== undefined && authorize !== "anyone" && typeof authorize !== "function") {',
    [ingestTest, "tests/ingest/bad_values.test.ts"],
  ],
  // Node: toRequest.
  [
    "Q1",
    "toRequest copies HTTP/2 pseudo-headers (:path) into Headers",
    "lib/node/send_response.ts",
    'if (value === undefined || name.startsWith(":")) continue;',
    "if (value === undefined) continue;",
    [node],
  ],
  [
    "Q2",
    "toRequest: a TLS request's URL says http",
    "lib/node/send_response.ts",
    'const scheme = tls ? "https" : "http";',
    'const scheme = "http";',
    [node],
  ],
  [
    "Q3",
    "toRequest: a bad Host loses the request's path",
    "lib/node/send_response.ts",
    'url = new URL(req.url?.startsWith("/") ? req.url : "/", `${scheme}://localhost`);',
    "url = new URL(`${scheme}://localhost/`);",
    [node],
  ],
  [
    "Q4",
    "toRequest: the request's signal never aborts when the client goes",
    "lib/node/send_response.ts",
    '  res?.once("close", () => abort.abort());\n',
    "",
    [node],
  ],
  [
    "Q5",
    "toRequest: CONNECT not refused with its own message (the Request constructor throws its own)",
    "lib/node/send_response.ts",
    "if (/^(?:CONNECT|TRACE|TRACK)$/i.test(method)) {",
    "if (/^(?:TRACE|TRACK)$/i.test(method)) {",
    [node],
  ],
];

/** The tree the mutants run in: a copy of this work tree (uncommitted edits included). */
function copyTree() {
  const dir = mkdtempSync(join(tmpdir(), "multipart-push-mutate-"));
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (source) => !/\/(\.git|node_modules|dist)$/.test(source),
  });
  symlinkSync(realpathSync(join(ROOT, "node_modules")), join(dir, "node_modules"));
  return dir;
}

function occurrences(text, needle) {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) n++;
  return n;
}

/** Runs the test files on Node in `dir`; resolves with the names of the tests that failed. */
function runTests(dir, files) {
  return new Promise((resolveRun) => {
    // Force-exit: a mutant that leaves a timer running must not keep the run waiting.
    const args = [
      "--expose-gc",
      "--test",
      "--test-force-exit",
      `--test-timeout=${PER_TEST_MS}`,
      ...files,
    ];
    const env = { ...process.env, NO_COLOR: "1" };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(NODE, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    const killer = setTimeout(() => child.kill("SIGKILL"), PER_RUN_MS);
    child.on("close", (code) => {
      clearTimeout(killer);
      const failed = new Set();
      // The summary's list when the run got that far, else every test marked failed on the way.
      const lines = out.includes("✖ failing tests:")
        ? out.slice(out.indexOf("✖ failing tests:")).split("\n").slice(1)
        : out.split("\n").map((line) => line.trimStart());
      for (const line of lines) {
        const match = /^✖ (.+?)(?: \([\d.]+m?s\))?$/.exec(line);
        if (match) failed.add(match[1]);
      }
      // A run that failed without naming a test (it did not load, or was killed) is no catch.
      const error = code !== 0 && failed.size === 0
        ? `the run exited ${code ?? "killed"} with no failing test named: ${
          out.trim().split("\n").slice(-3).join(" / ")
        }`
        : undefined;
      resolveRun({ failed: [...failed], error });
    });
  });
}

const args = process.argv.slice(2);
const checkOnly = args.includes("--check");
const tableArg = args.find((a) => a.startsWith("--table="));
const only = args.filter((a) => !a.startsWith("--"));
const folders = (flag) =>
  args.filter((a) => a.startsWith(`${flag}=`)).map((a) =>
    a.slice(flag.length + 1).replace(/\/$/, "")
  );
const within = (file, folder) => file.startsWith(`${folder}/`);
const include = folders("--folder");
const skip = folders("--skip-folder");
const chosen = MUTATIONS.filter(([id, , file]) =>
  (only.length === 0 || only.includes(id)) &&
  (include.length === 0 || include.some((f) => within(file, f))) &&
  !skip.some((f) => within(file, f))
);
const ids = new Set();
for (const [id] of MUTATIONS) {
  if (ids.has(id)) throw new Error(`mutate: id ${id} used twice`);
  ids.add(id);
}

const pairs = (from, to) => Array.isArray(from) ? from.map((f, i) => [f, to[i]]) : [[from, to]];
/** Why a mutation cannot be applied (its text is not in its file exactly once), or undefined. */
function staleness(root, file, from) {
  let text;
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch {
    return `${file} is gone`;
  }
  for (const [f] of pairs(from, from)) {
    const n = occurrences(text, f);
    if (n !== 1) return `"${f.trim().slice(0, 60)}" occurs ${n} times in ${file}`;
  }
  return undefined;
}

if (checkOnly) {
  let stale = 0;
  for (const [id, , file, from] of chosen) {
    const why = staleness(ROOT, file, from);
    if (why) console.log(`${id}: STALE: ${why} (the library changed; re-point the mutation)`);
    if (why) stale++;
  }
  console.log(`${chosen.length} mutations, ${stale} stale`);
  process.exit(stale > 0 ? 1 : 0);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`mutate: Node ${process.version} cannot run .ts tests; run it with the Node of`);
  console.error('devDependencies: PATH="$PWD/node_modules/.bin:$PATH" node scripts/mutate.mjs');
  process.exit(2);
}

const dir = copyTree();
const cleanUp = () => rmSync(dir, { recursive: true, force: true });
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}
console.log(`mutate: ${chosen.length} mutations, tests run on Node in a copy of the tree (${dir})`);

// The baseline: each test file the chosen mutations name, on the unmutated copy. A test that
// fails there catches nothing; a file whose run errors makes its mutations ERROR.
const files = [...new Set(chosen.filter((m) => !m[6]).flatMap((m) => m[5]))].sort();
const baseline = await runTests(dir, files);
const flaky = new Set(baseline.failed);
if (baseline.failed.length > 0 || baseline.error) {
  console.log(
    `baseline: unmutated, ${baseline.failed.length} tests fail (${baseline.failed.join(" | ")})${
      baseline.error ? `; ${baseline.error}` : ""
    }; those are not counted as catches`,
  );
}

const rows = [];
for (const [id, what, file, from, to, tests, equivalent] of chosen) {
  const change = what;
  const stale = staleness(dir, file, from);
  if (stale) {
    rows.push({ id, file, change, verdict: "STALE", detail: stale });
  } else if (equivalent) {
    rows.push({ id, file, change, verdict: "equivalent", detail: equivalent });
  } else {
    const path = join(dir, file);
    const original = readFileSync(path, "utf8");
    const started = Date.now();
    let run;
    try {
      let text = original;
      for (const [f, t] of pairs(from, to)) text = text.replace(f, () => t);
      writeFileSync(path, text);
      run = await runTests(dir, tests);
    } finally {
      writeFileSync(path, original);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const failed = run.failed.filter((name) => !flaky.has(name));
    const names = failed.slice(0, 2).join(" | ") +
      (failed.length > 2 ? ` | +${failed.length - 2} more` : "");
    const verdict = failed.length > 0 ? "caught" : run.error ? "ERROR" : "SURVIVED";
    const detail = {
      caught: names,
      ERROR: run.error,
      SURVIVED: `no test failed in ${tests.join(" ")}`,
    }[verdict];
    rows.push({ id, file, change, verdict, detail, seconds });
  }
  const row = rows.at(-1);
  console.log(
    `${id.padEnd(5)} ${row.verdict.padEnd(10)} ${what} (${file}${
      row.seconds ? `, ${row.seconds} s` : ""
    })\n       ${row.detail}`,
  );
}
cleanUp();

const count = (verdict) => rows.filter((r) => r.verdict === verdict);
const perFolder = {};
for (const r of rows) {
  const folder = r.file.split("/").slice(0, 2).join("/");
  perFolder[folder] = (perFolder[folder] ?? 0) + 1;
}
const cell = (text) => String(text).replaceAll("|", "\\|").replaceAll("\n", " ");
const table = [
  "| id | file | change | verdict | test that caught it (or why equivalent / stale) |",
  "|---|---|---|---|---|",
  ...rows.map((r) =>
    `| ${r.id} | ${r.file} | ${cell(r.change)} | ${r.verdict} | ${cell(r.detail)} |`
  ),
].join("\n");
console.log(`\n${table}\n`);
console.log(
  `per folder: ${Object.entries(perFolder).map(([f, n]) => `${f} ${n}`).join(", ")}`,
);
const summary = `${rows.length} mutations: ${count("caught").length} caught, ${
  count("equivalent").length
} equivalent, ${count("STALE").length} STALE, ${count("SURVIVED").length} survived, ${
  count("ERROR").length
} errors`;
const list = (verdict) =>
  count(verdict).length ? `\n${verdict}: ${count(verdict).map((r) => r.id).join(" ")}` : "";
console.log(summary + list("STALE") + list("SURVIVED") + list("ERROR"));
if (tableArg) {
  writeFileSync(
    tableArg.slice("--table=".length),
    `# Mutation table\n\n\`node scripts/mutate.mjs\`, ${
      new Date().toISOString()
    }\n\n${table}\n\n${summary}\n`,
  );
}
process.exitCode = rows.some((r) => !["caught", "equivalent"].includes(r.verdict)) ? 1 : 0;
