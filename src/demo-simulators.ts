/**
 * `npm run simulators [-- --base-port N] [--gateway-port G] [--only KIND[,KIND]] [--write FILE] [--presets]`:
 * the demo upstreams (Dify, Chatwoot, generic REST) on their own, on fixed loopback ports (Dify
 * on N, Chatwoot on N+1, REST on N+2; default 4101–4103), printing a gateway config that points
 * at them. For trying a config, a client or a second gateway against the simulated backends
 * without demo mode.
 *
 * - `--write FILE` also writes that config to FILE, ready for `chat-gateway --config FILE`.
 * - `--only dify` (or `chatwoot`, `rest`, or a comma-separated list) runs just those upstreams,
 *   on the same ports as in the full set: an operator can run each in its own process, with the
 *   full config, and stop one to watch the gateway handle its failure.
 * - `--presets` also starts the simulators of the vendor presets (OpenAI, Matrix, Slack, Zendesk)
 *   on N+3…N+6 and adds each preset, filled in to point at its simulator, to the printed config.
 *
 * The printed config listens on G (default 4000) and its `support` source verifies webhooks, so
 * the Chatwoot simulator posts its signed webhooks to `http://127.0.0.1:G/webhooks/support`
 * (without them, live updates of that source would never arrive: a source with a webhook secret
 * is not polled). Simulated data only; stops on SIGTERM/SIGINT. Usage errors exit 2, a port in
 * use exits 1, each with one `simulators: …` line.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { DEMO_SOURCE_KINDS, startDemoSources, type DemoSourceId } from './demo/demo.js';
import { startPresetSimulators, type PresetSimulators } from './demo/preset-simulators.js';

/** First port used when `--base-port` is not given. */
export const DEFAULT_BASE_PORT = 4101;

/** Gateway port of the printed config, and of the webhook URL, when `--gateway-port` is not given. */
export const DEFAULT_GATEWAY_PORT = 4000;

/** Each demo source's port, as an offset from `--base-port`, whichever of them run. */
const PORT_OFFSETS: Record<DemoSourceId, number> = { assistant: 0, support: 1, legacy: 2 };

/** A mistake on the command line or in the environment: one line, then exit with `code`. */
class CommandError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

interface Options {
  base: number;
  gatewayPort: number;
  ids: DemoSourceId[];
  write: string | undefined;
  presets: boolean;
}

function parseOptions(argv: string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'base-port': { type: 'string' },
        'gateway-port': { type: 'string' },
        only: { type: 'string' },
        write: { type: 'string' },
        presets: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new CommandError((error as Error).message, 2);
  }
  const base = Number(values['base-port'] ?? DEFAULT_BASE_PORT);
  if (!Number.isInteger(base) || base < 1 || base > 65529) throw new CommandError(`invalid --base-port: ${values['base-port']}`, 2);
  const gatewayPort = Number(values['gateway-port'] ?? DEFAULT_GATEWAY_PORT);
  if (!Number.isInteger(gatewayPort) || gatewayPort < 1 || gatewayPort > 65535) {
    throw new CommandError(`invalid --gateway-port: ${values['gateway-port']}`, 2);
  }
  return {
    base,
    gatewayPort,
    ids: sourcesOf(values.only as string | undefined),
    write: values.write as string | undefined,
    presets: values.presets === true,
  };
}

/** The demo sources `--only` names by kind (all three without it), in the usual order. */
function sourcesOf(only: string | undefined): DemoSourceId[] {
  const all = Object.keys(DEMO_SOURCE_KINDS) as DemoSourceId[];
  if (only === undefined) return all;
  const kinds = only.split(',').map((kind) => kind.trim().toLowerCase());
  const known = Object.values(DEMO_SOURCE_KINDS) as string[];
  const unknown = kinds.find((kind) => !known.includes(kind));
  if (unknown !== undefined) throw new CommandError(`unknown --only kind "${unknown.slice(0, 40)}" (expected dify, chatwoot or rest)`, 2);
  return all.filter((id) => kinds.includes(DEMO_SOURCE_KINDS[id]));
}

async function main(): Promise<void> {
  const { base, gatewayPort, ids, write, presets: withPresets } = parseOptions(process.argv.slice(2));
  const ports = Object.fromEntries(ids.map((id) => [id, base + PORT_OFFSETS[id]]));
  const backends = await startDemoSources(ids, { ports }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    const port = (error as { port?: number }).port;
    throw new CommandError(`port ${port} is in use (choose other ports with --base-port N)`, 1);
  });
  // The vendor presets' simulators take the ports after the three demo upstreams (N+3…N+6).
  const presets: PresetSimulators | undefined = withPresets ? await startPresetSimulators(base + 3) : undefined;
  const config = {
    ...backends.config,
    sources: [...backends.config.sources, ...(presets?.sources ?? [])],
    server: { host: '127.0.0.1', port: gatewayPort, shutdownDelayMs: 0 },
  };
  const yaml = stringify(config);
  backends.connectChatwootWebhook(`http://127.0.0.1:${gatewayPort}`);
  if (write !== undefined) {
    try {
      writeFileSync(write, yaml);
    } catch (error) {
      await Promise.all([backends.close(), presets?.close()]);
      throw new CommandError(`cannot write ${write}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 1);
    }
  }
  process.stdout.write(
    `Simulated upstreams (SIMULATED data):\n` +
      Object.entries({ ...backends.simulators, ...presets?.simulators })
        .map(([id, simulator]) => `  ${id.padEnd(10)} ${(DEMO_SOURCE_KINDS[id as DemoSourceId] ?? 'http').padEnd(9)} ${simulator.origin}\n`)
        .join('') +
      (backends.simulators.support
        ? `Chatwoot webhooks go to http://127.0.0.1:${gatewayPort}/webhooks/support (--gateway-port moves them).\n`
        : '') +
      (write !== undefined
        ? `\nThe gateway config pointing at them is in ${write}: npm start -- --config ${write}\n\n`
        : `\nA gateway config pointing at them (or write it to a file: npm run simulators -- --write simulators.yaml):\n\n`) +
      yaml,
  );
  const stop = () => void Promise.all([backends.close(), presets?.close()]).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

// A usage error is one line and its exit code; anything else is rethrown, and Node reports the
// unhandled rejection before exiting with 1.
main().catch((error: unknown) => {
  if (!(error instanceof CommandError)) throw error;
  process.stderr.write(`simulators: ${error.message}\n`);
  process.exit(error.code);
});
