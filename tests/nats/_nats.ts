/**
 * The nats-server and nats.js connections of a NATS test suite: started before its tests (where
 * subprocesses run), every connection closed and the server killed after them.
 */
import { after, before } from "node:test";
import { busSkipReason, type NatsServer, startNats } from "../_helpers/bus_servers.ts";

type NatsModule = typeof import("@nats-io/transport-node");
/** A nats.js connection. */
export type Connection = Awaited<ReturnType<NatsModule["connect"]>>;

/** What {@link useNats} gives a suite once its `before` has run. */
export interface NatsSuite {
  server: NatsServer;
  /** A new TCP connection to `server` with `options`, closed after the suite. */
  connect(): Promise<Connection>;
  /** Closes `connection` (one made otherwise, say over WebSocket) after the suite. */
  closeAfter(connection: { close(): Promise<void> }): void;
}

/** Registers the suite's `before` and `after` hooks; call it inside `describe`. */
export function useNats(options: Record<string, unknown> = {}): NatsSuite {
  let nats: NatsModule;
  const connections: { close(): Promise<void> }[] = [];
  const suite: NatsSuite = {
    server: undefined as unknown as NatsServer,
    connect: async () => {
      const nc = await nats.connect({ servers: suite.server.url, ...options });
      connections.push(nc);
      return nc;
    },
    closeAfter: (connection) => void connections.push(connection),
  };
  before(async () => {
    if (busSkipReason !== undefined) return;
    const specifier = "@nats-io/transport-node";
    nats = await import(specifier);
    suite.server = await startNats();
  });
  after(async () => {
    for (const nc of connections) await nc.close().catch(() => {});
    await suite.server?.kill();
  });
  return suite;
}
