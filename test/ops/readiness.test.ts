/**
 * `/ready` of the real CLI process: every source probed once at start, a human status beside the
 * breaker state, `degraded` (200) with one dead upstream and `down` (503) when all are dead.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDifySimulator, type DifySimulator } from '../../src/demo/simulators/dify/server.js';
import { spawnGateway, writeTempFile } from './cli-process.js';

let dify: DifySimulator;
let deadUrl: string;

/** A loopback URL nothing listens on (a port that was free a moment ago). */
async function deadOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function configWith(sources: string[]): string {
  return writeTempFile(
    'gateway.yaml',
    ['server: { host: 127.0.0.1, shutdownDelayMs: 0 }', 'auth: { mode: header }', 'sources:', ...sources, ''].join('\n'),
  );
}

beforeAll(async () => {
  dify = await startDifySimulator();
  deadUrl = await deadOrigin();
});
afterAll(() => dify?.close());

describe('/ready of the chat-gateway process', () => {
  it('probes each source at start: the live one up, the dead one down, 200 degraded', async () => {
    const file = configWith([
      '  - id: assistant',
      '    kind: dify',
      `    baseUrl: ${dify.origin}/v1`,
      '    apiKey: k',
      '  - id: legacy',
      '    kind: rest',
      `    baseUrl: ${deadUrl}/v1`,
      '    token: t',
    ]);
    const gateway = await spawnGateway(['--config', file, '--port', '0']);
    try {
      const ready = await fetch(`${gateway.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'degraded',
        sources: {
          assistant: { kind: 'dify', status: 'up', state: 'closed' },
          legacy: { kind: 'rest', status: 'down', state: 'closed' },
        },
      });
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    }
  });

  it('logs each source found dead at start once, at warn level, with its source id', async () => {
    const file = configWith([
      '  - id: legacy',
      '    kind: rest',
      `    baseUrl: ${deadUrl}/v1`,
      '    token: t',
      '  - id: assistant',
      '    kind: dify',
      `    baseUrl: ${deadUrl}/v1`,
      '    apiKey: k',
    ]);
    const gateway = await spawnGateway(['--config', file, '--port', '0']);
    try {
      expect((await fetch(`${gateway.url}/ready`)).status).toBe(503);
      const lines = gateway
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; sourceId?: string; msg: string });
      const warned = lines.filter((line) => line.level === 40 && line.sourceId);
      expect(warned.map((line) => line.sourceId).sort(), gateway.output()).toEqual(['assistant', 'legacy']);
      expect(warned[0]!.msg).toMatch(/unreachable at start-up/);
      expect(gateway.output()).not.toContain(deadUrl);
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    }
  });

  it('says down in a 503 body when no source answers', async () => {
    const file = configWith(['  - id: legacy', '    kind: rest', `    baseUrl: ${deadUrl}/v1`, '    token: t']);
    const gateway = await spawnGateway(['--config', file, '--port', '0']);
    try {
      const ready = await fetch(`${gateway.url}/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { status: string };
      expect(body).toEqual({ status: 'down', sources: { legacy: { kind: 'rest', status: 'down', state: 'closed' } } });
      expect(JSON.stringify(body)).not.toContain('127.0.0.1');
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    }
  });
});
