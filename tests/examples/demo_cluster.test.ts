// `npm run demo:cluster`: the launcher starts nats-server, a camera and three edges (Node, Deno,
// Bun); each edge serves the camera's JPEGs; SIGTERM stops every process it started.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { runtime } from "../_helpers/runtime.ts";
import { spawnUntil } from "../_helpers/bus_servers.ts";

const onlyNode = runtime === "node"
  ? ""
  : ` (skipped on ${runtime}: the launcher is a Node script that starts all three runtimes itself)`;

describe("npm run demo:cluster", () => {
  it(
    `serves the camera's frames from an edge on each runtime, and stops everything on SIGTERM${onlyNode}`,
    {
      skip: runtime !== "node",
    },
    async () => {
      const name = "node:process";
      const { execPath } = await import(name) as typeof import("node:process");
      const ready = /bun {2}edge: (\S+)/;
      const { child, log: first } = await spawnUntil(
        execPath,
        ["scripts/demo-cluster.mjs"],
        /camera: publishing/,
        { PORT: "0" },
        30_000,
      );
      let log = first;
      let urls: string[] = [];
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (log += chunk));
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.match(log, ready);
        urls = ["node", "deno", "bun "].map((edge) =>
          new RegExp(`${edge} edge: (\\S+)`).exec(log)![1]
        );
        for (const url of urls) {
          const page = await (await fetch(url)).text();
          assert.match(page, /<img src="\/camera"/);
          const response = await fetch(`${url}camera`);
          for await (const part of parseParts(response)) {
            assert.equal(part.contentType, "image/jpeg");
            assert.deepEqual([...part.body.subarray(0, 2)], [0xff, 0xd8], "a JPEG");
            break;
          }
        }
      } finally {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      // The edges went with the launcher: nothing answers on their ports.
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const url of urls) await assert.rejects(fetch(url), `${url} still answers`);
    },
  );
});
