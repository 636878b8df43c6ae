/**
 * The real `chat-gateway` process for operations tests: spawned from the built bin (or through
 * `npm start`) with a config file, its output collected, its URL read from the start log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const bin = join(root, 'bin', 'chat-gateway.js');

export interface GatewayProcess {
  child: ChildProcess;
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Writes `text` to a fresh temporary file and returns its path. */
export function writeTempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'chat-gateway-ops-')), name);
  writeFileSync(file, text);
  return file;
}

/**
 * Spawns the gateway and waits for its listening line.
 * @param command `bin` runs `node [nodeFlags…] bin/chat-gateway.js`; `npm-start` runs `npm start --`
 * @throws when no listening line appears within 20 s (the output is in the message)
 */
export async function spawnGateway(
  args: string[],
  options: { env?: Record<string, string>; command?: 'bin' | 'npm-start'; nodeFlags?: string[] } = {},
): Promise<GatewayProcess> {
  const env = { ...process.env, PORT: '', CHAT_GATEWAY_CONFIG: '', LOG_LEVEL: 'info', ...options.env };
  const child =
    options.command === 'npm-start'
      ? spawn('npm', ['start', '--silent', '--', ...args], { cwd: root, env })
      : spawn(process.execPath, [...(options.nodeFlags ?? []), bin, ...args], { cwd: root, env });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in:\n${output}`)), 20_000);
    const check = () => {
      const match = /listening on (http:\/\/[^/\s"]+)\/graphql|GraphiQL: (http:\/\/[^/\s"]+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve((match[1] ?? match[2])!);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${output}`));
    });
  });
  return { child, url, output: () => output, exited };
}
