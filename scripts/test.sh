#!/usr/bin/env bash
# `npm test`: every check and every test, on Deno, Bun, Node and workerd.
# Installs what it needs first (npm devDependencies, Debian's chromium and ffmpeg).
set -uo pipefail
cd "$(dirname "$0")/.."
# npm ci refuses this lockfile (it lacks other platforms' optional binaries); install reads it as is.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund || exit 1
fi
bash scripts/system-deps.sh || exit 1
export PATH="$PWD/node_modules/.bin:$PATH"
logs=$(mktemp -d)
failed=()

step() { # step NAME COMMAND...: runs a step, keeps its output and exit status, remembers a failure
  local name=$1
  shift
  echo "::: $name"
  "$@" 2>&1 | tee "$logs/$name.log"
  local rc=${PIPESTATUS[0]}
  echo "$rc" >"$logs/$name.rc"
  [ "$rc" -eq 0 ] || failed+=("$name")
}

step fmt deno fmt --check
step lint deno lint
step layout node scripts/check-layout.mjs
step doc-lint deno doc --lint $(node -p 'Object.values(require("./deno.json").exports).join(" ")')
step sizes node scripts/sizes.mjs
step deno-check deno check mod.ts lib tests bench examples
step tsc tsc -p tsconfig.json
step publish deno publish --dry-run --allow-dirty
step pack bash scripts/check-package.sh

# The same per-test limit on every runtime. Deno gets it (and fails a test on an error thrown in a
# timer callback, as Node does) through tests/_harness/deno_node_test.ts, mapped in for node:test.
export TEST_TIMEOUT_MS=120000
step node node --expose-gc --test --test-timeout=$TEST_TIMEOUT_MS 'tests/**/*.test.ts'
step deno deno test -A --no-check --v8-flags=--expose-gc \
  --import-map=tests/_harness/deno_import_map.json tests/
step bun bun test --timeout $TEST_TIMEOUT_MS tests/
step workerd node scripts/test-workerd.mjs --timeout=$TEST_TIMEOUT_MS

echo
# Per-runtime and total counts: Deno's ignored tests are skips, a run that crashed before its
# summary is a failure (tests/_harness/totals.ts).
node scripts/test-totals.mjs "$logs"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed steps: ${failed[*]}"
fi
[ ${#failed[@]} -eq 0 ]
