/**
 * `npm run simulators [-- --base-port N]`: the three demo upstreams (Dify, Chatwoot, generic REST)
 * on their own, on fixed loopback ports (N, N+1, N+2; default 4101–4103), printing a gateway
 * config that points at them. For trying a config, a client or a second gateway against the
 * simulated backends without demo mode. Simulated data only; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { startDemoBackends } from './demo.js';

/** First port used when `--base-port` is not given. */
export const DEFAULT_BASE_PORT = 4101;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'base-port': { type: 'string' } }, strict: true });
  const base = Number(values['base-port'] ?? DEFAULT_BASE_PORT);
  if (!Number.isInteger(base) || base < 1 || base > 65533) {
    process.stderr.write(`simulators: invalid --base-port: ${values['base-port']}\n`);
    process.exit(2);
  }
  const backends = await startDemoBackends({ ports: { assistant: base, support: base + 1, legacy: base + 2 } });
  const config = { ...backends.config, server: { host: '127.0.0.1', port: 4000, shutdownDelayMs: 0 } };
  process.stdout.write(
    `Simulated upstreams (SIMULATED data):\n` +
      Object.entries(backends.simulators)
        .map(([id, simulator]) => `  ${id.padEnd(10)} ${simulator.origin}\n`)
        .join('') +
      `\nA gateway config pointing at them (save as simulators.yaml, then: npm start -- --config simulators.yaml):\n\n` +
      stringify(config),
  );
  const stop = () => void backends.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
