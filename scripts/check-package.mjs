// Run by check-package.sh in a scratch project: imports the packed npm package the way a
// Node user would and checks that every public name is there and works, and that the README's
// pictures load on the npm page (absolute links to files the package ships).
import { existsSync, readFileSync } from "node:fs";
import * as mod from "multipart-push";

const expected = [
  "boundaryFromContentType",
  "createBoundary",
  "isBrowserLoad",
  "jpegFrames",
  "MultipartParseError",
  "parseParts",
  "PushHub",
  "pushInto",
  "pushResponse",
  "pushStream",
  "refreshHeader",
  "refreshMetaTag",
  "refreshResponse",
  "relay",
];
const missing = expected.filter((name) => typeof mod[name] !== "function");
if (missing.length > 0) {
  console.error(`multipart-push is missing ${missing.join(", ")}`);
  process.exit(1);
}
const response = mod.pushResponse([{ contentType: "text/plain", body: "ok" }]);
const text = await response.text();
if (!text.includes("\r\n\r\nok\r\n--")) {
  console.error(`multipart-push produced ${JSON.stringify(text)}`);
  process.exit(1);
}
console.log(`multipart-push: ${Object.keys(mod).length} exports, push round trip ok`);
const parts = [];
const sent = [{ contentType: "a/b", body: "x" }, { contentType: "a/b", body: "y" }];
for await (const part of mod.parseParts(mod.pushResponse(sent))) parts.push(part.text());
// A replace push ends with its last part again (no empty part: README, "Browsers and other clients").
if (parts.join() !== "x,y,y") {
  console.error(`multipart-push decoded ${JSON.stringify(parts)}`);
  process.exit(1);
}
console.log("multipart-push: decode round trip ok");

// Each subpath entry point resolves through package.json "exports" and has its names.
const subpaths = {
  push: ["pushResponse", "pushStream", "isBrowserLoad"],
  hub: ["PushHub"],
  parse: ["parseParts", "relay", "MultipartParseError", "boundaryFromContentType"],
  pull: ["refreshHeader", "refreshMetaTag", "refreshResponse"],
  mjpeg: ["jpegFrames"],
  browser: ["pushInto"],
  graphql: ["graphqlResponse", "graphqlPayloads", "applyIncremental"],
  access: ["signUrl", "verifySignedUrl", "bearerToken", "corsPolicy"],
  ingest: ["ingest"],
  compat: ["mjpgStreamerRoutes"],
  bus: ["busFrames", "decodeFrame", "encodeFrame", "FrameError"],
  nats: ["natsFrames", "natsPublisher"],
  redis: ["redisFrames", "redisPublisher"],
  "durable-object": ["durableHub", "pushHubObject"],
  node: ["sendResponse"],
};
for (const [subpath, names] of Object.entries(subpaths)) {
  const sub = await import(`multipart-push/${subpath}`);
  const absent = names.filter((name) => typeof sub[name] !== "function");
  if (absent.length > 0) {
    console.error(`multipart-push/${subpath} is missing ${absent.join(", ")}`);
    process.exit(1);
  }
}
console.log(`multipart-push: ${Object.keys(subpaths).length} subpath entry points import`);

// The bin, as `npx multipart-push` runs it from the packed package on plain Node with no
// dependency: --help, then the demo checked by the doctor (exit 0, healthy), then a refused port
// (exit 2).
import { spawn, spawnSync } from "node:child_process";

const installed = JSON.parse(readFileSync("node_modules/multipart-push/package.json", "utf8"));
if (Object.keys(installed.dependencies ?? {}).length > 0) {
  console.error(`multipart-push has dependencies: ${JSON.stringify(installed.dependencies)}`);
  process.exit(1);
}
const npx = (args) =>
  spawnSync("npx", ["--no-install", "multipart-push", ...args], { encoding: "utf8" });
const help = npx(["--help"]);
if (help.status !== 0 || !help.stdout.includes("multipart-push doctor <url>")) {
  console.error(`npx multipart-push --help: exit ${help.status}\n${help.stdout}${help.stderr}`);
  process.exit(1);
}
// The link npx runs, started directly so that stopping it stops the demo (npx would leave it).
const demo = spawn("node_modules/.bin/multipart-push", ["demo", "--port", "0"]);
const url = await new Promise((resolve, reject) => {
  let out = "";
  demo.stdout.on("data", (chunk) => {
    out += chunk;
    const found = /open (http:\/\/\S+\/)/.exec(out);
    if (found) resolve(found[1]);
  });
  demo.once("exit", (code) => reject(new Error(`demo exited ${code}: ${out}`)));
});
const checked = npx(["doctor", `${url}stream`, "--seconds", "2", "--json"]);
demo.kill("SIGTERM");
const diagnosis = checked.stdout ? JSON.parse(checked.stdout) : null;
if (checked.status !== 0 || diagnosis?.healthy !== true || diagnosis.parts < 10) {
  console.error(
    `npx multipart-push doctor: exit ${checked.status}\n${checked.stdout}${checked.stderr}`,
  );
  process.exit(1);
}
const refused = npx(["doctor", "http://127.0.0.1:1/stream", "--seconds", "1"]);
if (refused.status !== 2) {
  console.error(`doctor on a refused port: exit ${refused.status}, not 2\n${refused.stderr}`);
  process.exit(1);
}
console.log(
  `npx multipart-push (${process.version}): --help, demo, doctor (${diagnosis.parts} parts, healthy), exit 2 when refused`,
);

// npm's page shows the README without the repository around it: a relative picture is broken
// there, so each picture is linked on the CDN at this version, and the package ships it.
const pkg = "node_modules/multipart-push";
const { version } = JSON.parse(readFileSync(`${pkg}/package.json`, "utf8"));
const readme = readFileSync(`${pkg}/README.md`, "utf8");
const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]);
const cdn = `https://cdn.jsdelivr.net/npm/multipart-push@${version}/`;
const broken = pictures.filter((url) =>
  !url.startsWith(cdn) || !existsSync(`${pkg}/${url.slice(cdn.length)}`)
);
if (pictures.length === 0 || broken.length > 0) {
  console.error(`README pictures not shipped at ${cdn}: ${broken.join(", ") || "none found"}`);
  process.exit(1);
}
console.log(`multipart-push: ${pictures.length} README picture(s) shipped and linked absolutely`);

// exactOptionalPropertyTypes: every optional property of the public types accepts `undefined`
// (`foo?: T | undefined`), so a caller may pass a value that is sometimes undefined.
const { readdirSync } = await import("node:fs");
const strict = [];
for (const file of readdirSync(`${pkg}/dist`, { recursive: true })) {
  if (!file.endsWith(".d.ts")) continue;
  readFileSync(`${pkg}/dist/${file}`, "utf8").split("\n").forEach((line, i) => {
    if (/^\s*(\*|\/\/|\/\*)/.test(line)) return; // documentation
    const own = /^\s+(?:readonly\s+)?[\w$]+\?: (.+);$/.exec(line)?.[1];
    const inline = [...line.matchAll(/[{;] (?:readonly )?[\w$]+\?: ([^;{}()]+?)(?= \}|;)/g)];
    const types = [own, ...inline.map((match) => match[1])].filter((type) => type !== undefined);
    if (types.some((type) => !/\bundefined$|^unknown$/.test(type.trim()))) {
      strict.push(`dist/${file}:${i + 1}: ${line.trim()}`);
    }
  });
}
if (strict.length > 0) {
  console.error(`optional properties that refuse undefined:\n${strict.join("\n")}`);
  process.exit(1);
}
console.log("multipart-push: every optional property in the .d.ts accepts undefined");
