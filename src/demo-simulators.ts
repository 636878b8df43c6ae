/**
 * `npm run simulators [-- --base-port N] [--gateway-port G] [--presets]`: the three demo upstreams (Dify,
 * Chatwoot, generic REST) on their own, on fixed loopback ports (N, N+1, N+2; default 4101–4103),
 * printing a gateway config that points at them. For trying a config, a client or a second
 * gateway against the simulated backends without demo mode. The printed config listens on G
 * (default 4000) and its `support` source verifies webhooks, so the Chatwoot simulator posts its
 * signed webhooks to `http://127.0.0.1:G/webhooks/support` (without them, live updates of that
 * source would never arrive: a source with a webhook secret is not polled). `--presets` also
 * starts the simulators of the vendor presets (OpenAI, Matrix, Slack, Zendesk) on N+3…N+6 and
 * adds each preset, filled in to point at its simulator, to the printed config. Simulated data
 * only; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { startDemoBackends } from './demo/demo.js';
import { startPresetSimulators, type PresetSimulators } from './demo/preset-simulators.js';

/** First port used when `--base-port` is not given. */
export const DEFAULT_BASE_PORT = 4101;

/** Gateway port of the printed config, and of the webhook URL, when `--gateway-port` is not given. */
export const DEFAULT_GATEWAY_PORT = 4000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'base-port': { type: 'string' }, 'gateway-port': { type: 'string' }, presets: { type: 'boolean' } },
    strict: true,
  });
  const base = Number(values['base-port'] ?? DEFAULT_BASE_PORT);
  if (!Number.isInteger(base) || base < 1 || base > 65529) {
    process.stderr.write(`simulators: invalid --base-port: ${values['base-port']}\n`);
    process.exit(2);
  }
  const gatewayPort = Number(values['gateway-port'] ?? DEFAULT_GATEWAY_PORT);
  if (!Number.isInteger(gatewayPort) || gatewayPort < 1 || gatewayPort > 65535) {
    process.stderr.write(`simulators: invalid --gateway-port: ${values['gateway-port']}\n`);
    process.exit(2);
  }
  const backends = await startDemoBackends({ ports: { assistant: base, support: base + 1, legacy: base + 2 } });
  const presets: PresetSimulators | undefined = values.presets ? await startPresetSimulators(base + 3) : undefined;
  const config = {
    ...backends.config,
    sources: [...backends.config.sources, ...(presets?.sources ?? [])],
    server: { host: '127.0.0.1', port: gatewayPort, shutdownDelayMs: 0 },
  };
  backends.connectChatwootWebhook(`http://127.0.0.1:${gatewayPort}`);
  process.stdout.write(
    `Simulated upstreams (SIMULATED data):\n` +
      Object.entries({ ...backends.simulators, ...presets?.simulators })
        .map(([id, simulator]) => `  ${id.padEnd(10)} ${simulator.origin}\n`)
        .join('') +
      `Chatwoot webhooks go to http://127.0.0.1:${gatewayPort}/webhooks/support (--gateway-port moves them).\n` +
      `\nA gateway config pointing at them (save as simulators.yaml, then: npm start -- --config simulators.yaml):\n\n` +
      stringify(config),
  );
  const stop = () => void Promise.all([backends.close(), presets?.close()]).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
