// Installs the npm devDependencies (Deno, Bun, Node 24, workerd, ...) when node_modules is missing
// or older than the lockfile, so that `npm run demo`, `bench` and `soak` work from a clean clone
// with only Node installed. The same rule as scripts/test.sh.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

/** Runs `npm install` in `root` if needed; exits the process if it fails. */
export function ensureDeps(root, who) {
  const installed = join(root, "node_modules", ".package-lock.json");
  const lock = join(root, "package-lock.json");
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log(`${who}: installing dependencies (npm install) ...`);
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
