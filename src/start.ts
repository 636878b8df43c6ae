/**
 * Starting the gateway as the CLI does: config (or demo backends), logger, adapters, yoga and
 * the listening socket. Kept apart from src/cli.ts so that `--help` and `--version` answer
 * without loading any of this.
 */
import { randomBytes } from 'node:crypto';
import { createViewerResolver } from './auth/viewer.js';
import { ConfigError, redisFromUrl, type GatewayConfig } from './config/config.js';
import { loadConfigFile, validateConfig } from './gateway/load-config.js';
import type { DemoBackends } from './demo/demo.js';
import type { Viewer } from './core/records.js';
import { createGateway } from './gateway/gateway.js';
import type { Logger } from 'pino';
import { createLogger, routeConsoleTo } from './core/logger.js';
import { readinessOf } from './gateway/readiness.js';
import { startServer, type RunningServer } from './server/server.js';
import { createGatewayYoga } from './yoga/yoga.js';

export { ConfigError };

/** What starting needs from the command line (src/cli.ts parses it). */
export interface StartOptions {
  /** The config file; undefined runs demo mode on the built-in simulators. */
  configFile: string | undefined;
  /** The listening port; undefined uses `server.port`, then 4000. */
  port: number | undefined;
}

/** Levels `LOG_LEVEL` accepts (pino's), quietest last. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * Reads `LOG_LEVEL` (case-insensitive; unset or empty means `info`).
 * @throws ConfigError listing the valid levels, instead of the logging library's own message
 */
export function logLevelOf(value: string | undefined): string {
  const level = (value ?? '').trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value!.slice(0, 20)}")`);
  }
  return level;
}

/**
 * Starts the gateway from the command line's options (src/cli.ts `startGateway` loads this
 * module on demand and calls it).
 * @param options parsed flags (`parseCli`)
 * @param env the environment (`LOG_LEVEL`, `NODE_ENV`, `${VAR}` values of the config)
 * @returns the running server and whether it runs in demo mode
 * @throws ConfigError for an unusable config or demo mode under NODE_ENV=production
 */
export async function startFromOptions(
  options: StartOptions,
  env: NodeJS.ProcessEnv,
): Promise<RunningServer & { demo: boolean; logger: Logger }> {
  const logger = createLogger(logLevelOf(env.LOG_LEVEL));
  // A collector reads the output line by line as JSON: what a library prints goes through the logger.
  if (env.NODE_ENV === 'production') routeConsoleTo(logger);
  let config: GatewayConfig;
  let demo: DemoBackends | undefined;
  let graphiqlAgentHeaders: Record<string, string> | undefined;
  let demoViewer: Viewer | undefined;
  let inboxDirectory: string | undefined;
  if (options.configFile !== undefined) {
    config = await loadConfigFile(options.configFile, env);
  } else {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError('no config given and NODE_ENV=production: demo mode serves simulated data, refusing to start');
    }
    // The simulators are loaded only in demo mode: a configured gateway never imports them.
    const demoModule = await import('./demo/demo.js');
    demoViewer = demoModule.DEMO_VIEWER;
    graphiqlAgentHeaders = demoModule.DEMO_AGENT_HEADERS;
    inboxDirectory = demoModule.DEMO_INBOX_DIRECTORY;
    demo = await demoModule.startDemoBackends();
    // The simulators' credentials are public (they are in this repository): a fresh key per run.
    config = await validateConfig({ ...demo.config, server: { ...demo.config.server, cursorSecret: randomBytes(32).toString('base64url') } });
  }
  if (env.REDIS_URL && !config.redis) config.redis = redisFromUrl(env.REDIS_URL);
  // Tracing is loaded only when configured: without it no OpenTelemetry module is imported.
  const otlpEndpoint = config.telemetry.otlp?.endpoint;
  const telemetry =
    otlpEndpoint || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
      ? (await import('./observability/telemetry.js')).startTelemetry({ endpoint: otlpEndpoint, serviceName: config.telemetry.serviceName, logger, env })
      : undefined;
  const gateway = await createGateway(config, logger, { requireCursorSecret: env.NODE_ENV === 'production' });
  const resolveViewer = createViewerResolver({ auth: config.auth, defaultViewer: demoViewer });
  const yoga = createGatewayYoga(gateway, {
    plugins: telemetry ? [telemetry.plugin] : undefined,
    resolveViewer,
    graphiqlHeaders: demoViewer ? { 'x-chat-user': demoViewer.id } : undefined,
    inboxDirectory,
    graphiqlExampleWrites: demo !== undefined,
    graphiqlAgentHeaders,
  });
  const running = await startServer(yoga, gateway, {
    port: options.port ?? config.server.port,
    host: config.server.host,
    onStop: async () => {
      await demo?.close();
      await telemetry?.shutdown();
    },
    resolveViewer,
  });
  // Listening already; /ready says `starting` until every source was probed once (≤ 2 s).
  await readinessOf(gateway).probeAll();
  if (demo) {
    demo.connectChatwootWebhook(running.url);
    logger.warn({ sources: [...gateway.sources.keys()] }, 'demo mode: serving simulated data');
    // Log lines are written in batches (src/core/logger.ts): the warning goes out before the banner.
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    process.stdout.write(
      `\nchat-gateway DEMO MODE: serving SIMULATED data from built-in Dify, Chatwoot and REST simulators.\n` +
        `GraphiQL: ${running.url}/graphql (runs as viewer "${demoViewer!.id}")\n` +
        `Inbox:    ${running.url}/inbox (an example React + Relay chat inbox on this data)\n` +
        `Try it:   curl -s ${running.url}/graphql -H 'content-type: application/json' \\\n` +
        `            -d '{"query":"{ conversations(first: 3) { edges { node { title source { name } } } } }"}'\n` +
        `Stop:     Ctrl-C\n\n`,
    );
  } else {
    logger.info({ sources: [...gateway.sources.keys()] }, `chat-gateway listening on ${running.url}/graphql`);
  }
  return { ...running, demo: demo !== undefined, logger };
}
