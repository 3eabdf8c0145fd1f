/**
 * The cluster example's connection to its bus, and the demo's with `NATS_URL`: NATS
 * (`nats://host:port`, the default; `ws://` or `wss://` for NATS over WebSocket, where a
 * process cannot open TCP sockets, as on Deno Deploy) or Redis (`redis://host:port`), by URL.
 * The client libraries are loaded only for the bus in use, so an edge on NATS needs no Redis
 * client.
 *
 * @module
 */
import type { BusFramesOptions, BusSource } from "../../lib/bus/mod.ts";
import { natsFrames, natsPublisher } from "../../lib/nats/mod.ts";
import { redisFrames, redisPublisher } from "../../lib/redis/mod.ts";
import type { Part } from "../../mod.ts";

/** A connected bus: publish on a subject, or a `PushHub` source of one. */
export interface Bus {
  /** `nats` or `redis`. */
  kind: string;
  publisher(subject: string): (part: Part) => void;
  frames(subject: string, options?: BusFramesOptions): BusSource;
  close(): Promise<void>;
}

/** The default bus: a local nats-server on its default port. */
export const DEFAULT_BUS = "nats://127.0.0.1:4222";

/**
 * Connects to the bus at `url`; both clients reconnect by themselves forever.
 *
 * @example
 * ```ts ignore
 * const bus = await connectBus("redis://127.0.0.1:6379");
 * bus.publisher("camera.1")({ contentType: "text/plain", body: "hi" });
 * ```
 */
export async function connectBus(url: string): Promise<Bus> {
  // Non-literal specifiers: a bundler or type check does not pull in the bus not in use.
  if (url.startsWith("redis://")) {
    const name = "redis";
    const redis = await import(name) as typeof import("redis");
    const client = redis.createClient({ url, socket: { reconnectStrategy: 250 } });
    client.on("error", (error: Error) => console.error(`redis: ${error.message}`));
    await client.connect();
    return {
      kind: "redis",
      publisher: (channel) => redisPublisher(client, channel),
      frames: (channel, options) => redisFrames(client, channel, options),
      close: () => client.close(),
    };
  }
  const reconnect = { servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 250 };
  let nc;
  if (url.startsWith("ws://") || url.startsWith("wss://")) {
    // A literal specifier: Deno Deploy's install step (`deno install --entrypoint`) follows it.
    const nats = await import("@nats-io/nats-core");
    nc = await nats.wsconnect(reconnect);
  } else if (url.startsWith("nats://")) {
    const name = "@nats-io/transport-node";
    const nats = await import(name) as typeof import("@nats-io/transport-node");
    nc = await nats.connect(reconnect);
  } else {
    throw new TypeError(`the bus must be nats://…, ws(s)://… or redis://…, got ${url}`);
  }
  return {
    kind: "nats",
    publisher: (subject) => natsPublisher(nc, subject),
    frames: (subject, options) => natsFrames(nc, subject, options),
    close: () => nc.close(),
  };
}

/** The value after `--name` in `args`, or `fallback`. */
export function flag(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
}

/** The command-line arguments on Deno, Bun and Node. */
export function programArgs(): string[] {
  const g = globalThis as { Deno?: { args: string[] }; process?: { argv: string[] } };
  return g.Deno?.args ?? g.process?.argv.slice(2) ?? [];
}
