/**
 * Loopback ports for tests: free ones for commands that take a base port and use the ones after
 * it too (`npm run simulators --base-port N` listens on N…N+6), and closed ones for upstreams that
 * refuse connections.
 */
import { createServer } from 'node:net';

/** Below Linux's ephemeral range (32768–60999), so no other test's port-0 listener or outgoing connection lands in it. */
const LOW = 20_000;
const HIGH = 32_000;

/**
 * A base port such that `base … base + count - 1` were all free a moment ago, chosen below the
 * ephemeral range: a port picked by `listen(0)` and released could be handed to any other socket
 * of a busy test run before the command binds it, and so could its neighbours.
 * @throws Error after 50 ranges that were not all free
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = LOW + Math.floor(Math.random() * (HIGH - LOW - count));
    const bound: Array<ReturnType<typeof createServer>> = [];
    try {
      for (let port = base; port < base + count; port++) {
        const server = createServer();
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', resolve);
        });
        bound.push(server);
      }
      return base;
    } catch {
      // One of them is taken: try another range.
    } finally {
      await Promise.all(bound.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    }
  }
  throw new Error(`no ${count} consecutive free ports found between ${LOW} and ${HIGH}`);
}

/** A loopback port nothing listens on (one `listen(0)` released at once): an upstream that refuses connections. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
