#!/usr/bin/env bash
# Packs the npm package and uses it as a user would, in a scratch project: imports it (ESM and
# require) on the oldest Node that package.json's "engines" names and on Node 24, and type-checks
# a consumer of every subpath against its .d.ts in three configs: the DOM lib, the DOM lib with
# exactOptionalPropertyTypes (what `tsc --init` turns on), and Node only (no DOM, @types/node).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$root"
npm pack --pack-destination "$scratch" 2>&1 | grep -v nodedir
cd "$scratch"
echo '{ "name": "consumer", "type": "module", "private": true }' >package.json
npm install --no-audit --no-fund --silent ./multipart-push-*.tgz "$root/node_modules/typescript" \
  "$root/node_modules/@types/node" 2>&1 | grep -v nodedir || true
cp "$root/scripts/check-package.mjs" check.mjs
cp "$root/scripts/check-package.cjs" check.cjs
cp "$root/scripts/check-package-types.ts" app.ts

# The oldest Node "engines" allows, from PATH without node_modules/.bin (whose node is Node 24).
floor=$(node -p 'require("./node_modules/multipart-push/package.json").engines.node')
system_path=$(echo "$PATH" | tr ':' '\n' | grep -vx "$root/node_modules/.bin" | paste -sd:)
system_node=$(PATH=$system_path command -v node || true)
for node in "$system_node" "$root/node_modules/.bin/node"; do
  [ -n "$node" ] || continue
  version=$("$node" --version)
  "$node" -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    const [, fMajor, fMinor] = /(\d+)\.(\d+)/.exec(process.argv[1]).map(Number);
    if (major < fMajor || (major === fMajor && minor < fMinor)) {
      console.error(`Node ${process.version} is older than engines ${process.argv[1]}`);
      process.exit(1);
    }' "$floor"
  "$node" check.mjs
  "$node" check.cjs
  echo "  on Node $version (engines: node $floor)"
done
floor_major=$(echo "$floor" | grep -o '[0-9]\+' | head -1)
if [ -z "$system_node" ] || [ "$("$system_node" -p 'process.versions.node.split(".")[0]')" != "$floor_major" ]; then
  echo "note: no Node $floor_major on PATH, so the engines floor ($floor) was not run here"
fi

config() { # config NAME LIB TYPES EXACT: a tsconfig for app.ts
  cat >"tsconfig.$1.json" <<JSON
{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true,
    "noEmit": true, "lib": $2, "types": $3, "exactOptionalPropertyTypes": $4
  },
  "files": ["app.ts"]
}
JSON
  node_modules/.bin/tsc -p "tsconfig.$1.json"
  echo "  types: $1 config compiles a consumer of every subpath"
}
config dom '["ES2022", "DOM", "DOM.Iterable"]' '[]' false
config exact-optional '["ES2022", "DOM", "DOM.Iterable"]' '[]' true
config node-only '["ES2022"]' '["node"]' false
echo "npm package: imports in Node (ESM and require) and type-checks in three TypeScript configs"
