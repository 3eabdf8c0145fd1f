// Installs the npm devDependencies (Deno, Bun, Node 24, workerd, ...) when node_modules does not
// hold what the lockfile says, so that `npm run demo:cluster`, `bench` and `soak` work from a
// clean clone with only Node installed. Up to date means: every package the lockfile lists at the
// top of node_modules is installed at the lockfile's version (npm's own record of what it
// installed, node_modules/.package-lock.json). File dates are not compared: a fresh checkout of
// an older lockfile beside an up-to-date node_modules is not a reason to reinstall.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The packages the lockfile lists that node_modules lacks or holds at another version. */
export function missingDeps(root) {
  const read = (path) => JSON.parse(readFileSync(path, "utf8")).packages ?? {};
  const installedFile = join(root, "node_modules", ".package-lock.json");
  const installed = existsSync(installedFile) ? read(installedFile) : {};
  const wanted = read(join(root, "package-lock.json"));
  return Object.entries(wanted)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !entry.optional)
    .filter(([path, entry]) => installed[path]?.version !== entry.version)
    .map(([path]) => path.slice("node_modules/".length));
}

/** Runs `npm install` in `root` if needed; exits the process if it fails. */
export function ensureDeps(root, who) {
  const missing = missingDeps(root);
  if (missing.length === 0) return;
  console.log(`${who}: installing dependencies (npm install: ${missing.length} missing) ...`);
  const windows = process.platform === "win32";
  const npm = spawnSync(windows ? "npm.cmd" : "npm", ["install", "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: "inherit",
    shell: windows,
  });
  if (npm.status !== 0) {
    console.error(`${who}: npm install failed; see above.`);
    process.exit(1);
  }
}
