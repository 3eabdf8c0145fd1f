#!/usr/bin/env bash
# `npm test`: every check and every test, on Deno, Bun, Node and workerd.
# Installs what it needs first (npm devDependencies, Debian's chromium and ffmpeg).
#
# Prints one line per step (✔/✖, seconds), each failing test with its error output, each runtime's
# closing lines and the totals; every step's whole output goes to a log file whose path is printed.
# `npm test -- --verbose` (or VERBOSE=1 npm test) prints every step's whole output as it runs.
set -uo pipefail
cd "$(dirname "$0")/.."
verbose=${VERBOSE:-}
for arg in "$@"; do
  case $arg in
  --verbose | -v) verbose=1 ;;
  *)
    echo "usage: npm test [-- --verbose]" >&2
    exit 2
    ;;
  esac
done
[ "$verbose" = 0 ] && verbose=
# Before npm install too: the step reports run on the Node from devDependencies once it is there.
export PATH="$PWD/node_modules/.bin:$PATH"
logs=$(mktemp -d "${TMPDIR:-/tmp}/multipart-push-test.XXXXXX")
echo "logs: $logs"
failed=()

step() { # step NAME COMMAND...: runs a step into its log, prints its outcome, remembers a failure
  local name=$1
  shift
  local started=$SECONDS rc
  if [ -n "$verbose" ]; then
    echo "::: $name"
    "$@" 2>&1 | tee "$logs/$name.log"
    rc=${PIPESTATUS[0]}
  else
    "$@" >"$logs/$name.log" 2>&1
    rc=$?
  fi
  echo "$rc" >"$logs/$name.rc"
  local mark="✔"
  if [ "$rc" -ne 0 ]; then
    mark="✖"
    failed+=("$name")
  fi
  printf '%s %s (%ss)%s\n' "$mark" "$name" "$((SECONDS - started))" \
    "$([ "$rc" -ne 0 ] && echo ", exit $rc, log $logs/$name.log")"
  case $name in
  node | deno | bun | workerd) node scripts/test-report.mjs "$name" "$logs/$name.log" "$rc" ;;
  *) [ "$rc" -eq 0 ] || tail -n 40 "$logs/$name.log" | sed 's/^/    /' ;;
  esac
}

# npm ci refuses this lockfile (it lacks other platforms' optional binaries); install reads it as is.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step npm-install npm install --no-audit --no-fund
  [ ${#failed[@]} -eq 0 ] || exit 1
fi
step system-deps bash scripts/system-deps.sh
[ ${#failed[@]} -eq 0 ] || exit 1

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
  echo "failed steps: ${failed[*]} (logs in $logs)"
fi
[ ${#failed[@]} -eq 0 ]
