// The demo's /stats carries hub.stats() (issue 11) without the viewers' User-Agent and ?key=
// (public: issue 20, 8), and /stream answers ?fps= below the hub's
// floor with 400 rather than the hub's RangeError (issue 10, item 6). In process, every runtime.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createDemo } from "../../examples/demo/demo.ts";

describe("demo: /stats and the fps floor", () => {
  it("/stats lists each viewer's figures, not its ?key= or User-Agent, and the camera's state; ?fps=1e-9 is a 400", async () => {
    const demo = createDemo({ fps: 20, width: 64, height: 48 });
    try {
      for (const fps of ["1e-9", "0.0009", "0", "x"]) {
        const response = await demo.handler(new Request(`http://demo/stream?fps=${fps}`));
        assert.equal(response.status, 400, `?fps=${fps}`);
        assert.match(await response.text(), /fps must be a number >= 0\.001/);
      }
      const controller = new AbortController();
      const stream = await demo.handler(
        new Request("http://demo/stream?key=kiosk&fps=0.001", {
          signal: controller.signal,
          headers: { "user-agent": "Kiosk/1.0" },
        }),
      );
      const reader = stream.body!.getReader();
      await reader.read(); // the opening boundary
      await reader.read(); // the first frame
      const stats = await (await demo.handler(new Request("http://demo/stats"))).json();
      assert.equal(stats.viewers, 1);
      assert.equal(stats.hub.source, "running");
      assert.ok(!("key" in stats.hub.viewers[0]), JSON.stringify(stats.hub.viewers[0]));
      assert.ok(!("userAgent" in stats.hub.viewers[0]), JSON.stringify(stats.hub.viewers[0]));
      assert.ok(
        !JSON.stringify(stats).includes("kiosk") && !JSON.stringify(stats).includes("Kiosk"),
      );
      assert.equal(stats.hub.viewers[0].framesSent, 1);
      assert.ok(stats.hub.framesPublished >= 1);
      controller.abort();
      await reader.cancel().catch(() => {});
    } finally {
      demo.close();
    }
  });
});
