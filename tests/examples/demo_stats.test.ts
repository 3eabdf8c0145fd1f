// The demo's public /stats counts both hubs, the camera's and the broadcast's, without any
// viewer's own data (user agent, ?key=), and /stream answers ?fps= below the hub's floor with 400
// rather than the hub's RangeError (issue 10, item 6). In process, every runtime.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createDemo } from "../../examples/demo/demo.ts";
import { signUrl } from "../../lib/access/mod.ts";

describe("demo: /stats and the fps floor", () => {
  it("/stats counts the camera's and the broadcast's viewers, and shows no viewer's own data; ?fps=1e-9 is a 400", async () => {
    const demo = createDemo({ fps: 20, width: 64, height: 48, secret: "s".repeat(32) });
    try {
      for (const fps of ["1e-9", "0.0009", "0", "x"]) {
        const response = await demo.handler(new Request(`http://demo/stream?fps=${fps}`));
        assert.equal(response.status, 400, `?fps=${fps}`);
        assert.match(await response.text(), /fps must be a number >= 0\.001/);
      }
      const controller = new AbortController();
      const headers = { "user-agent": "Secret-Agent/7" };
      const stream = await demo.handler(
        new Request("http://demo/stream?key=kiosk&fps=0.001", {
          signal: controller.signal,
          headers,
        }),
      );
      const reader = stream.body!.getReader();
      await reader.read(); // the opening boundary
      await reader.read(); // the first frame
      const webcam = await demo.handler(
        new Request(`http://demo${await signUrl("/webcam", "s".repeat(32))}`, {
          signal: controller.signal,
          headers,
        }),
      );
      assert.equal(webcam.status, 200);
      const text = await (await demo.handler(new Request("http://demo/stats"))).text();
      assert.doesNotMatch(text, /kiosk|Secret-Agent/);
      const stats = JSON.parse(text);
      assert.equal(stats.camera.viewers, 1);
      assert.equal(stats.camera.source, "running");
      assert.ok(stats.camera.framesPublished >= 1);
      assert.ok(stats.camera.framesDrawn >= 1);
      assert.equal(stats.broadcast.viewers, 1);
      assert.equal(stats.broadcast.source, "offline");
      assert.equal(stats.broadcast.bus, null);
      await webcam.body?.cancel();
      controller.abort();
      await reader.cancel().catch(() => {});
    } finally {
      demo.close();
    }
  });
});
