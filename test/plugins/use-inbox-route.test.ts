/**
 * The example inbox's route: served from the built dist/inbox/ by a demo-mode gateway on a real
 * socket (index.html revalidated, hashed assets cached for good), and absent from a gateway
 * with a config.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/cli.js';
import type { RunningServer } from '../../src/server/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let demo: RunningServer;
let configured: TestGateway;

beforeAll(async () => {
  demo = await startGateway({ configFile: undefined, port: 0, help: false }, { LOG_LEVEL: 'silent' });
  configured = await startTestGateway();
}, 30_000);

afterAll(async () => {
  await demo?.stop();
  await configured?.close();
});

/** The asset paths index.html loads, e.g. `/inbox/assets/index-Ch4cvqbb.js`. */
function assetPaths(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/inbox\/assets\/[^"]+)"/g)].map((match) => match[1]!);
}

describe('/inbox in demo mode', () => {
  it('serves index.html, revalidated on every load, at /inbox and /inbox/', async () => {
    for (const path of ['/inbox', '/inbox/']) {
      const response = await fetch(`${demo.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const html = await response.text();
      expect(html).toContain('<div id="root">');
      expect(assetPaths(html).length).toBeGreaterThanOrEqual(2);
    }
  });

  it('serves the hashed assets with a long-lived immutable cache header and their content type', async () => {
    const html = await (await fetch(`${demo.url}/inbox`)).text();
    const types = new Set<string>();
    for (const path of assetPaths(html)) {
      const response = await fetch(`${demo.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      types.add(response.headers.get('content-type')!);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    expect(types).toEqual(new Set(['text/javascript; charset=utf-8', 'text/css; charset=utf-8']));
  });

  it('answers 404 for unknown or escaping paths and 405 for writes', async () => {
    for (const path of ['/inbox/assets/missing-123.js', '/inbox/assets/%2e%2e%2fpackage.json', '/inbox/..%2fpackage.json', '/inbox/index.html.bak', '/inbox/assets/']) {
      const response = await fetch(`${demo.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      await response.arrayBuffer();
    }
    const post = await fetch(`${demo.url}/inbox`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('/inbox with a config', () => {
  it('is not served', async () => {
    const response = await configured.yoga.fetch('http://gateway.test/inbox');
    expect(response.status).toBe(404);
  });
});
