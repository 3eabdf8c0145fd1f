// Run by check-package.sh in a scratch project: the packed package from CommonJS, through
// require(esm) (unflagged from Node 20.19 and 22.12, which is why "engines" says >=20.19).
const { parseParts, pushResponse } = require("multipart-push");
const { sendResponse } = require("multipart-push/node");

(async () => {
  const texts = [];
  for await (const part of parseParts(pushResponse([{ contentType: "a/b", body: "cjs" }]))) {
    texts.push(part.text());
  }
  // A replace push ends with its last part again (README, "Browsers and other clients").
  if (texts.join() !== "cjs,cjs" || typeof sendResponse !== "function") {
    console.error(`require("multipart-push") decoded ${JSON.stringify(texts)}`);
    process.exit(1);
  }
  console.log("multipart-push: require(esm) round trip ok");
})();
