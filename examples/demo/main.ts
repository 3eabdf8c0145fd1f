/**
 * `npm run demo` (or `deno run --allow-net --allow-env examples/demo/main.ts`): a live synthetic
 * camera at http://127.0.0.1:8000/. `PORT` picks the port, `HOST=0.0.0.0` serves the network.
 * Deploys to Deno Deploy as it is (no subprocess, no file access on this path).
 *
 * A real camera: `npm run demo -- --ffmpeg "-f v4l2 -i /dev/video0"` (Linux webcam), or
 * `--ffmpeg "-re -f lavfi -i testsrc=size=640x360:rate=25"` to try it without one. ffmpeg's MJPEG
 * output is split into pictures by `jpegFrames` and published to the hub.
 *
 * `/broadcast` sends your webcam: the publisher token is `PUBLISH_TOKEN` (random if unset, printed
 * at start), the viewers' link is signed with `STREAM_SECRET` (random if unset) and printed too.
 *
 * `NATS_URL` (`nats://host:4222`, or `ws://`/`wss://` for NATS over WebSocket, as on Deno Deploy)
 * sends the broadcast through NATS, so that any process (any Deploy isolate) serves any viewer;
 * give every process the same `PUBLISH_TOKEN` and `STREAM_SECRET`. Without it, one process.
 *
 * @module
 */
import { connectBus } from "../cluster/bus.ts";
import { createDemo } from "./demo.ts";
import { ffmpegCamera, splitArgs } from "./ffmpeg.ts";

function usage(message: string): never {
  console.error(`${message}\nusage: demo [--fps N] [--ffmpeg "<ffmpeg input args>"]`);
  Deno.exit(2);
}

if (import.meta.main) {
  const args = [...Deno.args];
  let ffmpeg: string[] | undefined;
  let fps = 15;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--ffmpeg") {
      ffmpeg = splitArgs(args[++i] ?? usage("--ffmpeg needs ffmpeg's input arguments"));
    } else if (args[i] === "--fps") fps = Number(args[++i]);
    else usage(`unknown argument ${args[i]}`);
  }
  const natsUrl = Deno.env.get("NATS_URL");
  const bus = natsUrl ? await connectBus(natsUrl) : undefined;
  const demo = createDemo({
    bus,
    fps,
    token: Deno.env.get("PUBLISH_TOKEN"),
    secret: Deno.env.get("STREAM_SECRET"),
    source: ffmpeg && (() => ffmpegCamera(ffmpeg)),
    label: ffmpeg ? `camera (ffmpeg ${ffmpeg.join(" ")})` : undefined,
  });
  Deno.serve({
    hostname: Deno.env.get("HOST") ?? "127.0.0.1",
    port: Number(Deno.env.get("PORT") ?? 8000),
    onListen: async ({ hostname, port }) => {
      const base = `http://${hostname}:${port}`;
      console.log(`multipart-push demo: ${base}/  (Ctrl+C to stop)`);
      console.log(`broadcast your webcam: ${base}/broadcast#token=${demo.token}`);
      console.log(`watch it (signed, 1 h): ${base}${await demo.broadcast.watchLink()}`);
      if (bus) console.log(`the broadcast travels through NATS at ${natsUrl}`);
    },
  }, demo.handler);
}
