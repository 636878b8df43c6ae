/**
 * A gateway as its own process (the CLI, run from source with tsx, or the built `bin/` from
 * dist/ as `npm start` runs it) on a free loopback port, for tests of several replicas: its log
 * lines are kept, and it is stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Writes `config` to a temporary JSON file and returns its path. */
export function writeConfig(config: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'chat-gateway-process-')), 'gateway.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/**
 * Starts one process on `configFile` and resolves once it listens.
 * @param options.dist run the compiled `bin/chat-gateway.js` (dist/, built by the global setup) instead of src/ through tsx
 */
export async function startGatewayProcess(
  configFile: string,
  env: Record<string, string> = {},
  options: { dist?: boolean } = {},
): Promise<GatewayProcess> {
  const entry = options.dist ? [join(root, 'bin', 'chat-gateway.js')] : ['--import', 'tsx', join(root, 'src', 'cli.ts')];
  const child = spawn(process.execPath, [...entry, '--config', configFile, '--port', '0'], {
    cwd: root,
    env: { ...process.env, PORT: '', LOG_LEVEL: 'info', NODE_ENV: 'test', ...env },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line in: ${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
