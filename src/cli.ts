/**
 * `chat-gateway [--config FILE] [--port N]`: the entry point and the only file that reads
 * `process.env`. Precedence: `--port` > `PORT` > `server.port` > 4000; `--config` >
 * `CHAT_GATEWAY_CONFIG`. Without a config it runs in demo mode on the built-in simulators.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createViewerResolver } from './auth/viewer.js';
import { ConfigError, loadConfigFile, validateConfig, type GatewayConfig } from './config.js';
import { DEMO_VIEWER, startDemoBackends, type DemoBackends } from './demo.js';
import { createGateway } from './gateway.js';
import { createLogger } from './logger.js';
import { startServer, type RunningServer } from './server.js';
import { createGatewayYoga } from './yoga.js';

export const USAGE = `usage: chat-gateway [--config FILE] [--port N]

  --config FILE  YAML or JSON config (default: $CHAT_GATEWAY_CONFIG; none = demo mode)
  --port N       listening port (default: $PORT, then server.port, then 4000)
  --help         show this help`;

/** A command-line mistake: print usage and exit 2. */
export class UsageError extends Error {}

export interface CliOptions {
  configFile: string | undefined;
  port: number | undefined;
  help: boolean;
}

/**
 * Parses flags and the environment.
 * @throws UsageError for an unknown flag or a port that is not 0–65535
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  let values: { config?: string; port?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const portText = values.port ?? env.PORT;
  let port: number | undefined;
  if (portText !== undefined && portText !== '') {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port: ${portText}`);
  }
  const configFile = values.config ?? (env.CHAT_GATEWAY_CONFIG || undefined);
  return { configFile, port, help: values.help ?? false };
}

/**
 * Starts the gateway as the CLI would.
 * @throws ConfigError for an unusable config or demo mode under NODE_ENV=production
 */
export async function startGateway(options: CliOptions, env: NodeJS.ProcessEnv): Promise<RunningServer & { demo: boolean }> {
  const logger = createLogger(env.LOG_LEVEL ?? 'info');
  let config: GatewayConfig;
  let demo: DemoBackends | undefined;
  if (options.configFile !== undefined) {
    config = await loadConfigFile(options.configFile, env);
  } else {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError('no config given and NODE_ENV=production: demo mode serves simulated data, refusing to start');
    }
    demo = await startDemoBackends();
    // The simulators' credentials are public (they are in this repository): a fresh key per run.
    config = await validateConfig({ ...demo.config, server: { ...demo.config.server, cursorSecret: randomBytes(32).toString('base64url') } });
  }
  const gateway = await createGateway(config, logger, { requireCursorSecret: env.NODE_ENV === 'production' });
  const yoga = createGatewayYoga(gateway, {
    resolveViewer: createViewerResolver({ auth: config.auth, defaultViewer: demo ? DEMO_VIEWER : undefined }),
    graphiqlHeaders: demo ? { 'x-chat-user': DEMO_VIEWER.id } : undefined,
  });
  const running = await startServer(yoga, gateway, {
    port: options.port ?? config.server.port,
    host: config.server.host,
    onStop: demo?.close,
  });
  if (demo) {
    logger.warn({ sources: [...gateway.sources.keys()] }, 'demo mode: serving simulated data');
    process.stdout.write(
      `\nchat-gateway DEMO MODE: serving SIMULATED data from built-in Dify, Chatwoot and REST simulators.\n` +
        `GraphiQL: ${running.url}/graphql (runs as viewer "${DEMO_VIEWER.id}")\n\n`,
    );
  } else {
    logger.info({ sources: [...gateway.sources.keys()] }, `chat-gateway listening on ${running.url}/graphql`);
  }
  return { ...running, demo: demo !== undefined };
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let running: RunningServer;
  try {
    running = await startGateway(options, process.env);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `failed to start: ${(error as Error).message}`;
    process.stderr.write(`chat-gateway: ${message}\n`);
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    process.stderr.write(`chat-gateway: ${signal} received, draining\n`);
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

const entry = process.argv[1] ?? '';
if (/(?:cli\.ts|chat-gateway(?:\.js)?)$/.test(entry)) {
  await main();
}
