/**
 * `chat-gateway [--config FILE] [--port N]`: the entry point and the only file that reads
 * `process.env`. Precedence: `--port` > `PORT` > `server.port` > 4000; `--config` >
 * `CHAT_GATEWAY_CONFIG`. Without a config it runs in demo mode on the built-in simulators.
 *
 * Only `node:` modules are imported up front: the gateway itself (src/start.ts) is loaded after
 * the flags are parsed, so `--help`, `--version` and usage errors answer at once. Once it
 * listens, src/server/process-policy.ts decides what an uncaught failure does (a stray rejection is
 * logged and the gateway keeps serving; an uncaught exception is logged and ends the process).
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { RunningServer } from './server/server.js';
import type { StartOptions } from './start.js';

/** The one-line synopsis; usage errors print it after their message. */
export const SYNOPSIS = 'usage: chat-gateway [--config FILE] [--port N]';

/** `--help`: every flag, every environment variable the gateway reads, and where to start. */
export const USAGE = `${SYNOPSIS}

One Relay GraphQL graph over Dify, Chatwoot and generic REST chat-history backends.

Options:
  -c, --config FILE  YAML or JSON config (default: $CHAT_GATEWAY_CONFIG; none = demo mode on
                     built-in simulators, refused when NODE_ENV=production)
  -p, --port N       listening port, 0-65535 (default: $PORT, then server.port, then 4000)
  -h, --help         show this help
  -v, --version      print the version

Environment:
  CHAT_GATEWAY_CONFIG  the config file when --config is not given
  PORT                 the listening port when --port is not given
  LOG_LEVEL            trace, debug, info (default), warn, error, fatal or silent
  NODE_ENV             production: refuses demo mode and requires server.cursorSecret
  REDIS_URL            redis://host:port, used when the config has no redis section
  OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
                       switch tracing on (OTLP/HTTP), like telemetry.otlp.endpoint; the
                       OpenTelemetry SDK reads its other OTEL_* variables (headers, ...) itself
  any \${VAR} the config file names (\${VAR:-default} when unset or empty)

Example config: gateway.example.yaml in the repository (copy it to gateway.yaml).
Simulated upstreams for a config: npm run simulators -- --write simulators.yaml
  then: chat-gateway --config simulators.yaml`;

/** A command-line mistake: print usage and exit 2. */
export class UsageError extends Error {}

/** Parsed flags: what starting needs, plus the flags that answer without starting. */
export interface CliOptions extends StartOptions {
  help: boolean;
  version?: boolean;
}

/** Ports `--port` and `PORT` accept. */
const MAX_PORT = 65535;

/**
 * Parses flags and the environment.
 * @throws UsageError for an unknown flag, a flag without its value, a positional argument, or
 *   a port (from `--port` or `PORT`, named in the message) that is not 0-65535
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  let values: { config?: string; port?: string; help?: boolean; version?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(parseArgsProblem(error as Error & { code?: string }));
  }
  const port = portOf(values.port, '--port') ?? portOf(env.PORT, 'PORT');
  const configFile = values.config ?? (env.CHAT_GATEWAY_CONFIG || undefined);
  return { configFile, port, help: values.help ?? false, version: values.version ?? false };
}

/** A port from `where` (`--port` or `PORT`); undefined when not given or empty. */
function portOf(text: string | undefined, where: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > MAX_PORT) throw new UsageError(`invalid ${where}: ${text.slice(0, 40)} (expected 0-${MAX_PORT})`);
  return port;
}

/** node:util's parseArgs errors in this CLI's words: `unknown option --bogus`. */
function parseArgsProblem(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const long = /--[a-z-]+/.exec(error.message)?.[0];
      return long && /argument missing/.test(error.message) ? `option ${long} needs a value` : error.message;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted}`;
    default:
      return error.message;
  }
}

/** The package version, read from package.json next to src/ or dist/. */
export function packageVersion(): string {
  const file = fileURLToPath(new URL('../package.json', import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * Starts the gateway as the CLI would (see src/start.ts).
 * @throws ConfigError for an unusable config or demo mode under NODE_ENV=production
 */
export async function startGateway(
  options: CliOptions,
  env: NodeJS.ProcessEnv,
): Promise<RunningServer & { demo: boolean; logger: Logger }> {
  const start = await import('./start.js');
  return start.startFromOptions(options, env);
}

/** Runs the command: parses `process.argv`, starts the gateway and stops it on SIGTERM/SIGINT. */
export async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`chat-gateway: ${(error as Error).message}\n${SYNOPSIS}\nRun chat-gateway --help for every option and variable.\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (options.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  // Before starting: the server listens (and may answer) before startGateway resolves, while
  // its first readiness probes run, and a signal then must drain it, not end it mid-request.
  const signals = installSignalHandlers();
  let running: Awaited<ReturnType<typeof startGateway>>;
  try {
    running = await startGateway(options, process.env);
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (choose another with --port N or PORT=N)' : '';
    const message =
      (error as Error).name === 'ConfigError' ? (error as Error).message : `failed to start: ${(error as Error).message}${inUse}`;
    process.stderr.write(`chat-gateway: ${message}\n`);
    process.exit(1);
  }
  signals.started(running);
  (await import('./server/process-policy.js')).installProcessPolicy(running.logger);
}

/**
 * SIGTERM/SIGINT start one drain (`RunningServer.stop`) and exit 0 when it is done. Repeats are
 * ignored: `npm start` and a terminal's Ctrl-C signal the whole process group, so the gateway
 * receives the same signal twice, and a second one must not kill it mid-drain. Only a SIGINT
 * sent on purpose later (a second Ctrl-C after a second) stops it at once.
 *
 * Installed before the gateway starts; a signal that arrives while it is still starting drains
 * it as soon as `started` hands it over (a start that fails exits on its own).
 */
function installSignalHandlers(): { started(running: RunningServer): void } {
  let firstAt: number | undefined;
  let firstSignal: NodeJS.Signals | undefined;
  let server: RunningServer | undefined;
  const drain = (running: RunningServer, signal: NodeJS.Signals) =>
    running.stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`chat-gateway: shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      firstSignal = signal;
      process.stderr.write(`chat-gateway: ${signal} received, draining\n`);
      if (server) void drain(server, signal);
      return;
    }
    if (signal === 'SIGINT' && Date.now() - firstAt > 1_000) {
      process.stderr.write('chat-gateway: second SIGINT, stopping without draining\n');
      process.exit(130);
    }
    if (server) void server.stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    started(running) {
      server = running;
      if (firstSignal) void drain(running, firstSignal);
    },
  };
}

/** True when this module is the process's entry file (`node dist/cli.js`, `tsx src/cli.ts`). */
function isEntryFile(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Called, not awaited at the top level, so importing this module never waits on the command; a
// failure escaping main() is an unhandled rejection, which Node reports before exiting with 1.
if (isEntryFile()) void main();
