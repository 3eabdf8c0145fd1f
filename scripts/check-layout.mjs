// Checks lib/ against the README's Architecture table: every lib/ folder is in the table, each
// imports only the folders its row allows, no import cycle between files. (No line limit: a file
// holds one concept whole, issue 19.)
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const LIB = join(ROOT, "lib");
const problems = [];

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const section = readme.split(/^## /m).find((s) => s.startsWith("Architecture"));
if (!section) throw new Error("README.md has no '## Architecture' section");
const allowed = new Map();
for (const line of section.split("\n")) {
  const row = line.match(/^\| `lib\/([a-z_]+)\/` *\|.*\| *([a-z_, ]*?) *\|$/);
  if (row) allowed.set(row[1], new Set(row[2].split(",").map((s) => s.trim()).filter(Boolean)));
}

const files = [];
for (const folder of readdirSync(LIB, { withFileTypes: true })) {
  if (!folder.isDirectory()) {
    problems.push(`lib/${folder.name}: files belong in a concern folder`);
    continue;
  }
  if (!allowed.has(folder.name)) {
    problems.push(`lib/${folder.name}/ is not in the README's Architecture table`);
  }
  for (const name of readdirSync(join(LIB, folder.name))) {
    if (name.endsWith(".ts")) files.push(join(LIB, folder.name, name));
  }
}

const IMPORT = /^(?:import|export)\b[^;]*?"(\.{1,2}\/[^"]+)"/gm;
const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const name = relative(ROOT, file);
  const folder = relative(LIB, file).split("/")[0];
  const targets = [];
  for (const [, spec] of text.matchAll(IMPORT)) {
    const target = resolve(dirname(file), spec);
    const targetFolder = relative(LIB, target).split("/")[0];
    if (target.startsWith(LIB + "/") && targetFolder !== folder) {
      if (!allowed.get(folder)?.has(targetFolder)) {
        problems.push(`${name} imports lib/${targetFolder}/, which lib/${folder}/ may not import`);
      }
    } else if (!target.startsWith(LIB + "/")) {
      problems.push(`${name} imports ${spec}, outside lib/`);
    }
    targets.push(target);
  }
  graph.set(file, targets);
}

const state = new Map(); // 1: on the current path, 2: done
function visit(file, path) {
  if (state.get(file) === 2) return;
  if (state.get(file) === 1) {
    const cycle = path.slice(path.indexOf(file)).concat(file).map((f) => relative(ROOT, f));
    problems.push(`import cycle: ${cycle.join(" -> ")}`);
    return;
  }
  state.set(file, 1);
  for (const target of graph.get(file) ?? []) visit(target, path.concat(file));
  state.set(file, 2);
}
for (const file of graph.keys()) visit(file, []);

if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(
  `layout: ${files.length} files in ${allowed.size} folders, no cycle, imports as the README says`,
);
