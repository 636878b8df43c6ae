/**
 * The upstreams of `npm run soak:live`, in their own process: the demo simulators (Chatwoot
 * without auto-replies, Dify streaming quickly). Run through `forkWithReady`; once listening it
 * sends `{ config }` (the demo's raw gateway config pointing at them). Afterwards it answers:
 * - `'sends'`: how many upstream writes carried each soak text (`soak-send-…`), counted from
 *   the simulators' request logs, which are then emptied → `Record<string, number>`.
 * - `'calls'`: requests each simulator received since the start, by simulator name
 *   → `Record<string, number>` (`npm run bench:live` counts the calls made while subscribing).
 * It closes the simulators and exits when the IPC channel closes.
 */
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';

/** The ready message. */
export interface LiveUpstreamReady {
  config: DemoBackends['config'];
}

if (process.send) {
  const backends = await startDemoBackends({ chatwootReplyDelayMs: null, difyStreamDelayMs: 5 });
  const sends: Record<string, number> = {};
  const calls: Record<string, number> = {};
  /** Counts requests and writes carrying a soak text, and empties the logs, so they never grow. */
  const collect = () => {
    for (const [name, simulator] of Object.entries(backends.simulators)) {
      calls[name] = (calls[name] ?? 0) + simulator.requests.length;
      for (const request of simulator.requests) {
        if (request.method !== 'POST') continue;
        const body = request.body as { content?: unknown; query?: unknown } | undefined;
        const text = typeof body?.content === 'string' ? body.content : typeof body?.query === 'string' ? body.query : undefined;
        if (text?.startsWith('soak-send-')) sends[text] = (sends[text] ?? 0) + 1;
      }
      simulator.requests.length = 0;
    }
  };
  setInterval(collect, 1_000).unref();
  process.on('message', (message) => {
    if (message === 'sends') {
      collect();
      process.send!({ ...sends });
    } else if (message === 'calls') {
      collect();
      process.send!({ ...calls });
    }
  });
  process.on('disconnect', () => void backends.close().then(() => process.exit(0)));
  const ready: LiveUpstreamReady = { config: backends.config };
  process.send(ready);
}
