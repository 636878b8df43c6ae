/**
 * `npm run simulators`: the demo upstreams on fixed ports with a printed config that the gateway
 * accepts and that points at them. Runs the built entry with a free base port (never a fixed
 * one in tests).
 */
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createViewerResolver } from '../../src/auth/viewer.js';
import { createLogger } from '../../src/core/logger.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import { loadConfigFile, validateConfig } from '../../src/gateway/load-config.js';
import { createGatewayYoga } from '../../src/yoga/yoga.js';
import { root } from './cli-process.js';
import { freePortRange } from '../helpers/ports.js';

/** A base port with the six after it free too: the simulators listen on base…base+6 (with --presets). */
const freePort = () => freePortRange(7);

it('starts the three simulators on the given ports and prints a config for them', async () => {
  const base = await freePort();
  const child = spawn(process.execPath, [join(root, 'dist', 'demo-simulators.js'), '--base-port', String(base)], { cwd: root });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no config printed:\n${output}\n${errors}`)), 15_000);
      child.stdout.on('data', () => {
        if (/sources:[\s\S]*legacy[\s\S]*token:.*\n/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const yaml = output.slice(output.indexOf('server:'));
    const config = await validateConfig(parseYaml(yaml));
    expect(config.sources.map((source) => [source.id, new URL(source.baseUrl).port])).toEqual([
      ['assistant', String(base)],
      ['support', String(base + 1)],
      ['legacy', String(base + 2)],
    ]);
    const answer = await fetch(`http://127.0.0.1:${base + 2}/v1/chat/history?conversation_id=x`);
    expect(answer.status).toBeLessThan(500);
  } finally {
    child.kill('SIGTERM');
    expect(await exited, errors).toBe(0);
  }
});

it('points the Chatwoot simulator\'s signed webhooks at the gateway port of the printed config', async () => {
  const base = await freePort();
  // Stands in for the gateway on the port the printed config listens on.
  const deliveries: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const receiver = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      deliveries.push({ url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const gatewayPort = (receiver.address() as { port: number }).port;
  const child = spawn(
    process.execPath,
    [join(root, 'dist', 'demo-simulators.js'), '--base-port', String(base), '--gateway-port', String(gatewayPort)],
    { cwd: root },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await expect.poll(() => output, { timeout: 15_000 }).toMatch(/legacy[\s\S]*token:.*\n/);
    const config = await validateConfig(parseYaml(output.slice(output.indexOf('server:'))));
    expect(config.server.port).toBe(gatewayPort);
    const support = config.sources.find((source) => source.id === 'support') as unknown as { baseUrl: string; apiAccessToken: string; accountId: number };
    const sent = await fetch(`${support.baseUrl}/api/v1/accounts/${support.accountId}/conversations/3/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: support.apiAccessToken },
      body: JSON.stringify({ content: 'webhook check', message_type: 'outgoing' }),
    });
    expect(sent.status).toBe(200);
    await expect.poll(() => deliveries.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const delivery = deliveries.find((candidate) => candidate.body.includes('webhook check'));
    expect(delivery?.url).toBe('/webhooks/support');
    expect(delivery?.headers['x-chatwoot-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(delivery!.body).event).toBe('message_created');
  } finally {
    child.kill('SIGTERM');
    expect(await exited, errors).toBe(0);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
});

/** Runs the simulators command until it prints `ready` (or exits), then hands over. */
function startCommand(args: string[]) {
  const child = spawn(process.execPath, [join(root, 'dist', 'demo-simulators.js'), ...args], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

it('writes the printed config to a file with --write, ready for --config', async () => {
  const base = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), 'simulators-write-')), 'simulators.yaml');
  const command = startCommand(['--base-port', String(base), '--write', file]);
  try {
    await expect.poll(() => existsSync(file) && command.stdout().includes(file), { timeout: 15_000 }).toBe(true);
    const config = await loadConfigFile(file, {});
    expect(config.sources.map((source) => source.id)).toEqual(['assistant', 'support', 'legacy']);
    expect(new URL(config.sources[0]!.baseUrl).port).toBe(String(base));
  } finally {
    command.child.kill('SIGTERM');
    expect(await command.exited).toBe(0);
  }
});

it('runs one upstream with --only KIND, on the port that kind has in the full set', async () => {
  const base = await freePort();
  const command = startCommand(['--base-port', String(base), '--only', 'chatwoot']);
  try {
    await expect.poll(() => command.stdout(), { timeout: 15_000 }).toMatch(/apiAccessToken:.*\n/);
    const config = await validateConfig(parseYaml(command.stdout().slice(command.stdout().indexOf('server:'))));
    expect(config.sources.map((source) => [source.id, new URL(source.baseUrl).port])).toEqual([['support', String(base + 1)]]);
    // The other kinds' ports stay free.
    await expect(fetch(`http://127.0.0.1:${base}/`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${base + 2}/`)).rejects.toThrow();
  } finally {
    command.child.kill('SIGTERM');
    expect(await command.exited).toBe(0);
  }
  const bad = startCommand(['--only', 'slack']);
  expect(await bad.exited).toBe(2);
  expect(bad.stderr().trim()).toBe('simulators: unknown --only kind "slack" (expected dify, chatwoot or rest)');
});

it('prints one line naming --base-port when a port is in use, and exits 1', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as { port: number };
  try {
    const command = startCommand(['--base-port', String(port)]);
    expect(await command.exited).toBe(1);
    expect(command.stderr().trim()).toBe(`simulators: port ${port} is in use (choose other ports with --base-port N)`);
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
});

it('with --presets, adds the vendor preset simulators and a filled-in source for each that the gateway reads', async () => {
  const base = await freePort();
  const child = spawn(process.execPath, [join(root, 'dist', 'demo-simulators.js'), '--base-port', String(base), '--presets'], { cwd: root });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let gateway: Gateway | undefined;
  try {
    await expect.poll(() => output, { timeout: 15_000 }).toMatch(/id: zendesk[\s\S]*\n\s*$/);
    const config = await validateConfig(parseYaml(output.slice(output.indexOf('server:'))));
    expect(config.sources.map((source) => [source.id, source.kind, new URL(source.baseUrl).port])).toEqual([
      ['assistant', 'dify', String(base)],
      ['support', 'chatwoot', String(base + 1)],
      ['legacy', 'rest', String(base + 2)],
      ['assistant-threads', 'http', String(base + 3)],
      ['matrix', 'http', String(base + 4)],
      ['slack', 'http', String(base + 5)],
      ['zendesk', 'http', String(base + 6)],
    ]);
    gateway = await createGateway(config, createLogger('silent'));
    const yoga = createGatewayYoga(gateway, { resolveViewer: createViewerResolver({ auth: config.auth }) });
    const response = await yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user', 'x-chat-email': 'demo@example.com' },
      // OpenAI lists no threads: its source opens them by id only.
      body: JSON.stringify({
        query: `{ ${['matrix', 'slack', 'zendesk'].map((name) => `${name}: source(name: "${name}") { conversations(first: 3) { edges { node { id } } } }`).join(' ')} }`,
      }),
    });
    const { data, errors } = (await response.json()) as { data: any; errors?: unknown };
    expect(errors).toBeUndefined();
    for (const name of ['matrix', 'slack', 'zendesk']) expect(data[name].conversations.edges).toHaveLength(3);
  } finally {
    await gateway?.close();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
});
