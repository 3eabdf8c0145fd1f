// Issue 20, finding 1, the push itself: Firefox renders a top-level multipart/x-mixed-replace of
// HTML parts as pages, each as it arrives (Chromium no longer renders them; WebKit shows only the
// last page, at the push's end, so there is no frame to wait for). A hub's push carries
// Content-Security-Policy: sandbox, so HTML frames from outside the process run no script there;
// the same push with the header stripped (the control) runs each frame's script. The script makes
// a synchronous request to /ran. The engine is what is tested, so this runs on Node only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { type EngineTab, engineTests, launchEngine } from "../_helpers/engines.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import { untilAsync } from "../_helpers/bus_servers.ts";

const { skip, why } = engineTests;
const RAN = 'var x = new XMLHttpRequest(); x.open("GET", "/ran", false); x.send();';
const page = (n: number) => `<!doctype html><script>${RAN}</script><p id="n">frame ${n}</p>`;

for (const name of ["firefox"] as const) {
  describe(`a hub's HTML push opened as a page in ${name}${why}`, () => {
    let hub: PushHub;
    let server: Served;
    let ran = 0;
    before(async () => {
      if (skip) return;
      hub = new PushHub({ keepAlive: Infinity });
      server = await serve((request) => {
        const { pathname } = new URL(request.url);
        if (pathname === "/ran") return (ran++, new Response(null, { status: 204 }));
        const push = hub.response(request);
        if (pathname !== "/uncontained") return push;
        const headers = new Headers(push.headers);
        headers.delete("content-security-policy");
        return new Response(push.body, { headers });
      });
    });
    after(async () => {
      hub?.close();
      await server?.close();
    });

    /** Opens `path`, publishes frames 1 and 2, and returns once frame 2 is on the page. */
    async function watchFrames(path: string): Promise<void> {
      const engine = await launchEngine(name);
      let tab: EngineTab | undefined;
      try {
        hub.publish({ contentType: "text/html", body: page(1) });
        tab = await engine.open(`${server.url}${path}`);
        const shown = (n: number) => async () =>
          (await tab!.evaluate<string>(`document.getElementById("n")?.textContent ?? ""`)
            .catch(() => "")) === `frame ${n}`;
        await untilAsync(shown(1), 10_000, `frame 1 shown at /${path}`);
        hub.publish({ contentType: "text/html", body: page(2) });
        await untilAsync(shown(2), 10_000, `frame 2 shown at /${path}`);
      } finally {
        await tab?.close();
        await engine.close();
      }
    }

    it(
      `shows the frames and runs none of their script${why}`,
      { skip, timeout: 60_000 },
      async () => {
        await watchFrames("stream");
        assert.equal(ran, 0, "no frame's script ran");
        await watchFrames("uncontained");
        assert.ok(ran >= 1, `the control: without the header, the frames' script ran (${ran})`);
      },
    );
  });
}
