import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/errors.js';
import type { Viewer } from '../../../src/core/records.js';
import { validateConfig } from '../../../src/gateway/load-config.js';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import httpKind from '../../../src/providers/http/index.js';
import { startSimulatorServer, type SimulatorHandle, type SimulatorReply } from '../../../src/demo/simulators/http-server.js';
import { testServices } from '../../helpers/services.js';

const viewer: Viewer = { id: 'alice/1', roles: [], email: 'Alice@Example.com', token: 'viewer-jwt' };
const SECRET = 'sk-upstream-secret-value';
const message = { id: 'm1', ts: '1482960137.003543', text: 'hi', user: 'U1' };

/** Replies by the conversation id in the path; records every request. */
const replies: Record<string, SimulatorReply> = {
  ok: { status: 200, body: { ok: true, messages: [message] } },
  gone: { status: 200, body: { ok: false, error: 'channel_not_found' } },
  odd: { status: 200, body: { ok: false, error: 'something_else' } },
  limited: { status: 429, body: { ok: false, error: 'ratelimited', retry_after_ms: 4500 } },
  'limited-header': { status: 429, body: {}, headers: { 'retry-after': '9' } },
  hidden: { status: 403, body: {} },
  broken: { status: 502, body: {} },
  away: { status: 200, body: { ok: true, messages: [message], next: 'http://elsewhere.example/steal' } },
};

async function createAdapter(origin: string, extra: Record<string, unknown>, auth: Record<string, unknown> = { mode: 'header', header: { trustedProxies: ['10.0.0.0/8'] } }): Promise<ProviderAdapter> {
  const source = {
    id: 'slack',
    kind: 'http',
    baseUrl: `${origin}/api`,
    retries: 0,
    timeoutMs: 2000,
    settings: { team: 'T 1' },
    headers: { 'x-team': '{settings.team}' },
    messages: {
      request: { path: '/history/{conversation.id}', query: { user: '{viewer.identity}', limit: '{page.limit}' } },
      select: 'messages',
      fields: { id: 'id', createdAt: { path: 'ts', format: 'seconds.micros' }, text: 'text', senderId: 'user' },
      paging: { strategy: 'cursor', backward: { query: { cursor: '{page.cursor}' }, cursor: 'next' } },
    },
    send: {
      request: { path: '/post/{conversation.id}', body: { text: '{message.text}', private: '{message.private}', by: 'user {viewer.id}' } },
      select: 'message',
    },
    errors: {
      status: { 403: 'NOT_FOUND' },
      body: [{ when: 'ok == `false`', anyStatus: true, codeFrom: { path: 'error', values: { channel_not_found: 'NOT_FOUND', ratelimited: 'RATE_LIMITED' } } }],
      retryAfter: { path: 'retry_after_ms', unit: 'ms' },
    },
    ...extra,
  };
  const config = await validateConfig({ auth, sources: [source] });
  return httpKind.create(config.sources[0] as never, testServices(config.sources[0]!));
}

const page = { direction: 'backward' as const, cursor: null, limit: 5 };

describe('http kind requests, auth and errors', () => {
  let server: SimulatorHandle;
  beforeAll(async () => {
    server = await startSimulatorServer((request) => {
      const post = /^\/api\/post\/(.+)$/.exec(request.path);
      if (post) return { status: 200, body: { ok: true, message: { ...message, id: 'm2', text: (request.body as { text: string }).text } } };
      const id = decodeURIComponent(/^\/api\/history\/(.+)$/.exec(request.path)?.[1] ?? '');
      return replies[id] ?? { status: 404, body: {} };
    });
  });
  afterAll(() => server.close());

  it('renders templates: path values percent-encoded, query values sent as given, settings in headers', async () => {
    const adapter = await createAdapter(server.origin, { identity: 'email', auth: { type: 'bearer', token: SECRET } });
    server.requests.length = 0;
    await adapter.listMessages(viewer, 'ok', page).catch(() => undefined);
    await adapter.listMessages(viewer, 'a/b?c', page).catch(() => undefined);
    const [first, second] = server.requests;
    expect(first!.query.get('user')).toBe('alice@example.com');
    expect(first!.query.get('limit')).toBe('6'); // one more than asked, to learn whether more follow
    expect(first!.query.has('cursor')).toBe(false);
    expect(first!.headers['x-team']).toBe('T 1');
    expect(first!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(second!.path).toBe('/api/history/a%2Fb%3Fc');
    await adapter.close();
  });

  it('maps a Slack ts as time and reads seconds.micros exactly', async () => {
    const adapter = await createAdapter(server.origin, { auth: { type: 'bearer', token: SECRET } });
    const slice = await adapter.listMessages(viewer, 'ok', page);
    expect(slice.messages[0]).toMatchObject({ key: '1482960137.003543|m1', text: 'hi', sender: { id: 'U1' } });
    expect(slice.messages[0]!.createdAt!.toISOString()).toBe('2016-12-28T21:22:17.003Z');
    await adapter.close();
  });

  it.each([
    ['header', { type: 'header', name: 'X-Api-Key', value: SECRET }, (r: { headers: Record<string, unknown> }) => r.headers['x-api-key'] === SECRET],
    ['query', { type: 'query', name: 'key', value: SECRET }, (r: { query: URLSearchParams }) => r.query.get('key') === SECRET],
    ['basic', { type: 'basic', username: 'bot', password: SECRET }, (r: { headers: Record<string, unknown> }) => r.headers.authorization === `Basic ${Buffer.from(`bot:${SECRET}`).toString('base64')}`],
  ])('authenticates with %s auth', async (_name, auth, check) => {
    const adapter = await createAdapter(server.origin, { auth });
    server.requests.length = 0;
    await adapter.listMessages(viewer, 'ok', page);
    expect(check(server.requests[0] as never)).toBe(true);
    await adapter.close();
  });

  it('forwards the viewer token, and a viewer without one sees nothing', async () => {
    const jwt = { mode: 'jwt', jwt: { secret: 'x'.repeat(32), audience: 'gw' } };
    const adapter = await createAdapter(server.origin, { auth: { type: 'forward' } }, jwt);
    server.requests.length = 0;
    await adapter.listMessages(viewer, 'ok', page);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer viewer-jwt');
    const error = await adapter.listMessages({ id: 'bob', roles: [] }, 'ok', page).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    await adapter.close();
  });

  it('answers NOT_FOUND without calling when the identity attribute is missing (never drops it)', async () => {
    const adapter = await createAdapter(server.origin, { identity: 'email', auth: { type: 'bearer', token: SECRET } });
    server.requests.length = 0;
    const error = await adapter.listMessages({ id: 'bob', roles: [] }, 'ok', page).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    expect(server.requests).toHaveLength(0);
    await adapter.close();
  });

  it.each([
    ['gone', 'NOT_FOUND', undefined],
    ['odd', 'UPSTREAM_ERROR', undefined],
    ['limited', 'RATE_LIMITED', 5],
    ['limited-header', 'RATE_LIMITED', 9],
    ['hidden', 'NOT_FOUND', undefined],
    ['broken', 'UPSTREAM_UNAVAILABLE', undefined],
    ['missing', 'NOT_FOUND', undefined],
  ])('maps the %s answer to %s', async (id, code, retryAfter) => {
    const adapter = await createAdapter(server.origin, { auth: { type: 'bearer', token: SECRET } });
    const error = await adapter.listMessages(viewer, id, page).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code, sourceId: 'slack' });
    expect((error as GatewayError).retryAfter).toBe(retryAfter);
    expect((error as Error).message).not.toContain(SECRET);
    await adapter.close();
  });

  it('refuses a next-page link outside its baseUrl', async () => {
    const adapter = await createAdapter(server.origin, {
      auth: { type: 'bearer', token: SECRET },
      messages: {
        request: { path: '/history/{conversation.id}', query: { user: '{viewer.id}', n: '{page.limit}' } },
        select: 'messages',
        fields: { id: 'id', createdAt: { path: 'ts', format: 'seconds.micros' } },
        paging: { strategy: 'next-url', backward: { nextUrl: 'next' } },
      },
    });
    const error = await adapter.listMessages(viewer, 'away', { ...page, limit: 3 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect((error as Error).message).toContain('outside its baseUrl');
    await adapter.close();
  });

  it('sends once with a JSON body template, typed values kept, and maps the created message', async () => {
    const adapter = await createAdapter(server.origin, { auth: { type: 'bearer', token: SECRET } });
    expect(adapter.capabilities.sendMessage).toBe(true);
    server.requests.length = 0;
    const result = await adapter.sendMessage!(viewer, { conversationExternalId: 'ok', text: 'hello {viewer.id}', private: false, inputs: {} });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.method).toBe('POST');
    expect(server.requests[0]!.body).toEqual({ text: 'hello {viewer.id}', private: false, by: 'user alice/1' });
    expect(result).toMatchObject({ conversationExternalId: 'ok', messages: [{ externalId: 'm2', text: 'hello {viewer.id}' }] });
    await adapter.close();
  });
});
