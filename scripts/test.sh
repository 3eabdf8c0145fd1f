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

step() { # step NAME COMMAND...: runs a step, keeps its output, remembers a failure
  local name=$1
  shift
  echo "::: $name"
  if "$@" 2>&1 | tee "$logs/$name.log"; then :; else failed+=("$name"); fi
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

step node node --expose-gc --test --test-timeout=120000 'tests/**/*.test.ts'
step deno deno test -A --no-check --v8-flags=--expose-gc tests/
step bun bun test --timeout 120000 tests/
step workerd node scripts/test-workerd.mjs

count() { grep -Eo "$1" "$logs/$2.log" | grep -Eo '[0-9]+' | tail -1; }
pass=0 fail=0 skip=0
add() { pass=$((pass + ${1:-0})); fail=$((fail + ${2:-0})); skip=$((skip + ${3:-0})); }
add "$(count 'ℹ pass [0-9]+' node)" "$(count 'ℹ fail [0-9]+' node)" "$(count 'ℹ skipped [0-9]+' node)"
add "$(count '^ *[0-9]+ pass' bun)" "$(count '^ *[0-9]+ fail' bun)" "$(count '^ *[0-9]+ skip' bun)"
add "$(count '[0-9]+ passed \([0-9]+ steps' deno | head -1)" 0 0
add "$(count '^workerd: [0-9]+ passed' workerd)" "$(count 'passed, [0-9]+ failed' workerd)" "$(count 'failed, [0-9]+ skipped' workerd)"
echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed steps: ${failed[*]}"
  fail=$((fail > 0 ? fail : ${#failed[@]}))
fi
echo "total: $pass passed, $fail failed, $skip skipped"
[ ${#failed[@]} -eq 0 ]
