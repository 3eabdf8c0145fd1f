/**
 * A free loopback TCP port, for programs that need a port number up front (WebKitWebDriver,
 * nginx). node:net is loaded lazily so that importing this file works on workerd.
 */

/**
 * Binds port 0 on 127.0.0.1, notes the port the system chose, and frees it again.
 *
 * @example
 * const port = await freePort();
 */
export async function freePort(): Promise<number> {
  const name = "node:net";
  const net = await import(name) as typeof import("node:net");
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
