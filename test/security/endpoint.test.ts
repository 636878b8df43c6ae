/**
 * The public endpoint: CSRF prevention (GET and form posts need a non-simple header; JSON
 * posts and GraphiQL keep working), introspection and GraphiQL switchable off, and the
 * persisted-operation allow-list.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { as, codes, post, send } from './helpers.js';

const QUERY = '{ viewer { externalId } }';

describe('CSRF prevention', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.close());

  const getUrl = `/graphql?query=${encodeURIComponent(QUERY)}`;

  it('refuses a GET without a preflight header: 403 FORBIDDEN, nothing executed', async () => {
    const response = await send(gateway.yoga, { method: 'GET', path: getUrl, headers: { accept: 'application/json', ...as('demo-user') } });
    expect(response.status).toBe(403);
    expect(codes(response)).toEqual(['FORBIDDEN']);
    expect(response.body.data).toBeUndefined();
  });

  it('accepts a GET that carries x-graphql-yoga-csrf or apollo-require-preflight', async () => {
    for (const header of ['x-graphql-yoga-csrf', 'apollo-require-preflight']) {
      const response = await send(gateway.yoga, {
        method: 'GET',
        path: getUrl,
        headers: { accept: 'application/json', [header]: '1', ...as('demo-user') },
      });
      expect(response.body).toEqual({ data: { viewer: { externalId: 'demo-user' } } });
    }
  });

  it.each([
    ['text/plain', JSON.stringify({ query: QUERY })],
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent(QUERY)}`],
    ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: QUERY })}\r\n--x--`],
  ])('refuses a simple cross-site POST of %s', async (contentType, body) => {
    const response = await send(gateway.yoga, { headers: { 'content-type': contentType, ...as('demo-user') }, body });
    expect(response.status).toBe(403);
    expect(response.text).not.toContain('demo-user');
  });

  it('keeps JSON POSTs and the GraphiQL page working', async () => {
    expect((await post(gateway.yoga, QUERY, {}, as('demo-user'))).body).toEqual({ data: { viewer: { externalId: 'demo-user' } } });
    const page = await send(gateway.yoga, { method: 'GET', headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });
});

describe('CORS', () => {
  const preflight = (yoga: TestGateway['yoga'], origin: string) =>
    send(yoga, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-chat-user' },
    });

  it('gives no other origin access by default (yoga alone would reflect any origin with credentials)', async () => {
    const gateway = await startTestGateway();
    try {
      const answer = await preflight(gateway.yoga, 'https://evil.example');
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      const read = await post(gateway.yoga, QUERY, {}, { ...as('demo-user'), origin: 'https://evil.example' });
      expect(read.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await gateway.close();
    }
  });

  it('allows exactly the configured origins, with credentials', async () => {
    const gateway = await startTestGateway({
      configure: (config) => ({ ...config, server: { ...config.server, corsOrigins: ['https://app.example', 'https://admin.example'] } }),
    });
    try {
      const allowed = await preflight(gateway.yoga, 'https://app.example');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      const other = await preflight(gateway.yoga, 'https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    } finally {
      await gateway.close();
    }
  });
});

describe('introspection and GraphiQL switched off', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      configure: (config) => ({ ...config, server: { ...config.server, introspection: false, graphiql: false } }),
    });
  });
  afterAll(() => gateway.close());

  it.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__type', '{ __type(name: "Conversation") { fields { name } } }'],
    ['__schema in a fragment', 'query { ...F } fragment F on Query { __schema { queryType { name } } }'],
  ])('refuses %s', async (_name, query) => {
    const response = await post(gateway.yoga, query, {}, as('demo-user'));
    expect(response.body.data ?? null).toBeNull();
    expect(codes(response).length).toBeGreaterThan(0);
    expect(new Set(codes(response))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(response.text).toMatch(/introspection has been disabled/i);
  });

  it('masks field suggestions that would reveal the schema', async () => {
    const response = await post(gateway.yoga, '{ conversatio { id } }', {}, as('demo-user'));
    expect(codes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.text).not.toMatch(/Did you mean/);
  });

  it('still runs ordinary operations and __typename', async () => {
    expect((await post(gateway.yoga, `{ __typename viewer { externalId } }`, {}, as('demo-user'))).body).toEqual({
      data: { __typename: 'Query', viewer: { externalId: 'demo-user' } },
    });
  });

  it('serves no GraphiQL page', async () => {
    const page = await send(gateway.yoga, { method: 'GET', headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(page.text).not.toMatch(/<html/i);
  });
});

describe('persisted operations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'persisted-'));
  const viewerQuery = 'query Me { viewer { externalId } }';
  const hash = createHash('sha256').update(viewerQuery).digest('hex');
  const file = join(dir, 'operations.json');
  writeFileSync(file, JSON.stringify({ [hash]: viewerQuery, 'sources-v1': '{ sources { name } }' }));

  const start = (only: boolean) =>
    startTestGateway({
      configure: (config) => ({ ...config, server: { ...config.server, persistedOperations: file, persistedOperationsOnly: only } }),
    });
  const byId = (yoga: TestGateway['yoga'], body: Record<string, unknown>) =>
    send(yoga, { headers: { 'content-type': 'application/json', ...as('demo-user') }, body: JSON.stringify(body) });

  it('runs listed operations by documentId or APQ hash, and arbitrary ones unless locked down', async () => {
    const gateway = await start(false);
    try {
      expect((await byId(gateway.yoga, { documentId: 'sources-v1' })).body.data.sources).toHaveLength(3);
      const apq = await byId(gateway.yoga, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
      expect(apq.body).toEqual({ data: { viewer: { externalId: 'demo-user' } } });
      expect((await post(gateway.yoga, QUERY, {}, as('demo-user'))).body.data.viewer.externalId).toBe('demo-user');
      const unknown = await byId(gateway.yoga, { documentId: 'nope' });
      expect(codes(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    } finally {
      await gateway.close();
    }
  });

  it('with persistedOperationsOnly refuses operations sent as text (403 FORBIDDEN)', async () => {
    const gateway = await start(true);
    try {
      const refused = await post(gateway.yoga, QUERY, {}, as('demo-user'));
      expect(refused.status).toBe(403);
      expect(codes(refused)).toEqual(['FORBIDDEN']);
      expect((await byId(gateway.yoga, { documentId: 'sources-v1' })).body.data.sources).toHaveLength(3);
      expect(codes(await byId(gateway.yoga, {}))).toEqual(['BAD_USER_INPUT']);
    } finally {
      await gateway.close();
    }
  });

  it('finds the file next to the config file, and refuses a broken one at start', async () => {
    const config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      'server: { host: 127.0.0.1, persistedOperations: operations.json, persistedOperationsOnly: true }\n' +
        'auth: { mode: header }\n' +
        'sources: [{ id: legacy, kind: rest, baseUrl: "http://127.0.0.1:9/v1", token: t }]\n',
    );
    expect((await loadConfigFile(config, {})).server.persistedOperations).toBe(file);
    writeFileSync(join(dir, 'broken.json'), '{ "a": 5 }');
    await expect(
      startTestGateway({
        configure: (raw) => ({ ...raw, server: { ...raw.server, persistedOperations: join(dir, 'broken.json') } }),
      }),
    ).rejects.toThrow(/persistedOperations/);
  });
});
