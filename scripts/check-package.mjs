// Run by check-package.sh in a scratch project: imports the packed npm package the way a
// Node user would and checks that every public name is there and works.
import * as mod from "multipart-push";

const expected = [
  "boundaryFromContentType",
  "createBoundary",
  "isImageLoad",
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
for await (const part of mod.parseParts(mod.pushResponse([{ contentType: "a/b", body: "x" }]))) {
  parts.push(part.text());
}
if (parts.join() !== "x") {
  console.error(`multipart-push decoded ${JSON.stringify(parts)}`);
  process.exit(1);
}
console.log("multipart-push: decode round trip ok");

// Each subpath entry point resolves through package.json "exports" and has its names.
const subpaths = {
  push: ["pushResponse", "pushStream", "isImageLoad"],
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
