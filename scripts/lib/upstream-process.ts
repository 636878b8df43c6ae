/**
 * The upstreams of the inbox figure (`measureInbox`), in their own process: the three demo
 * simulators, each behind a fault proxy, so that the simulators' and proxies' CPU work does not
 * queue on the measured gateway's event loop (real upstreams never share it).
 *
 * Run with `node --import tsx` through `fork()` (`forkWithReady`). Once listening it sends an
 * `UpstreamReady`: the demo's raw gateway config with every source's `baseUrl` pointing at its
 * proxy. Afterwards it answers each `UpstreamCommand` with one message:
 * - `{ latencyMs }`: every proxy delays each request by that many ms from now on → `{ ok: true }`;
 * - `'count'`: the requests each proxy received since the previous `'count'`, by source id →
 *   `Record<string, number>` (the logs are emptied each time).
 * It closes its servers and exits when the IPC channel closes.
 */
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { startFaultProxy, type FaultProxy } from '../../test/helpers/fault-proxy.js';

/** The ready message: the demo config (`server`, `auth`, `sources`) pointing at the proxies. */
export interface UpstreamReady {
  config: DemoBackends['config'];
}

/** What the parent may ask. */
export type UpstreamCommand = { latencyMs: number } | 'count';

if (process.send) {
  // No Chatwoot auto-replies: nothing here sends messages, and a reply would be an extra call.
  const backends = await startDemoBackends({ chatwootReplyDelayMs: null });
  const proxies: Record<string, FaultProxy> = {};
  const config = structuredClone(backends.config);
  for (const source of config.sources) {
    const id = String(source.id);
    const simulator = backends.simulators[id as keyof DemoBackends['simulators']];
    const proxy = await startFaultProxy(simulator.origin);
    proxies[id] = proxy;
    source.baseUrl = proxy.origin + new URL(String(source.baseUrl)).pathname.replace(/\/$/, '');
  }
  // The simulators log every request too: emptied on each count so the logs never grow.
  const drainSimulators = () => {
    for (const simulator of Object.values(backends.simulators)) simulator.requests.length = 0;
  };
  process.on('message', (message: UpstreamCommand) => {
    if (message === 'count') {
      const counts: Record<string, number> = {};
      for (const [id, proxy] of Object.entries(proxies)) {
        counts[id] = proxy.requests.length;
        proxy.requests.length = 0;
      }
      drainSimulators();
      process.send!(counts);
    } else if (typeof message === 'object' && message !== null && 'latencyMs' in message) {
      for (const proxy of Object.values(proxies)) proxy.setFault({ kind: 'latency', ms: message.latencyMs });
      process.send!({ ok: true });
    }
  });
  process.on('disconnect', () => {
    void Promise.all([...Object.values(proxies).map((proxy) => proxy.close()), backends.close()]).then(() => process.exit(0));
  });
  const ready: UpstreamReady = { config };
  process.send(ready);
}
