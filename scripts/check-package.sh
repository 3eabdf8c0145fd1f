#!/usr/bin/env bash
# Packs the npm package and uses it as a user would, in a scratch project:
# imports it with Node and type-checks a TypeScript file against its .d.ts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$root"
npm pack --pack-destination "$scratch" 2>&1 | grep -v nodedir
cd "$scratch"
echo '{ "name": "consumer", "type": "module", "private": true }' >package.json
npm install --no-audit --no-fund --silent ./multipart-push-*.tgz "$root/node_modules/typescript" 2>&1 | grep -v nodedir || true
cp "$root/scripts/check-package.mjs" check.mjs
node check.mjs
cat >tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true,
    "noEmit": true, "lib": ["ES2022", "DOM"], "types": []
  },
  "files": ["app.ts"]
}
JSON
cat >app.ts <<'TS'
import { type Part, parseParts, PushHub, pushResponse } from "multipart-push";
import { parseParts as decodeOnly } from "multipart-push/parse";
const part: Part = { contentType: "text/plain", body: "x" };
const hub = new PushHub();
for await (const received of parseParts(pushResponse([part]))) {
  const text: string = received.text();
  console.log(text, hub.subscribers, decodeOnly === parseParts);
}
// @ts-expect-error: the types are real, not `any`
const wrong: number = pushResponse([part]);
console.log(wrong);
TS
node_modules/.bin/tsc -p .
echo "npm package: imports in Node and type-checks in a TypeScript project"
