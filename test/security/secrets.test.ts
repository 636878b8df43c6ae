/**
 * Secrets stay secret: a representative set of operations — successful ones, upstreams that
 * reject the gateway's credentials or cannot be reached, a forwarded viewer token the upstream
 * refuses, bad JWTs, introspection, `_service`, `/ready`, GraphiQL — runs against a gateway whose
 * logger writes every line (debug level) to memory. No response body, response header or log
 * line may contain any configured secret or any bearer token that was sent.
 */
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createViewerResolver } from '../../src/auth/viewer.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import { createLogger, redactText } from '../../src/core/logger.js';
import { startRestSimulator } from '../../src/demo/simulators/rest/server.js';
import type { StartedSimulator } from '../../src/demo/simulators/http-server.js';
import { createGatewayYoga, EXAMPLE_OPERATION, type GatewayYoga } from '../../src/yoga/yoga.js';
import { AUDIENCE, hsToken, ISSUER, noneToken, SECRET, validClaims } from '../auth/tokens.js';
import { post, send, type RawResponse } from './helpers.js';
import { closedPort } from '../helpers/ports.js';

const CURSOR_SECRET = 'cursor-secret-value-7f3a9c21';
const WRONG = { dify: 'app-WRONG-dify-key-9f8e7d', chatwoot: 'cw-WRONG-token-5c4b3a', rest: 'rest-WRONG-token-2e1f0a' };
const URL_PASSWORD = 'url-password-4242zz';
const DOWN_TOKEN = 'down-token-3131yy';

let backends: DemoBackends;
let forwardSimulator: StartedSimulator;
let gateway: Gateway;
let yoga: GatewayYoga;
const lines: string[] = [];
const responses: RawResponse[] = [];
const secrets: string[] = [];
let demoToken: string;
let otherToken: string;

beforeAll(async () => {
  backends = await startDemoBackends();
  demoToken = await hsToken({ sub: 'demo-user', claims: { roles: ['agent'] } });
  otherToken = await hsToken({ sub: 'alice' });
  // An upstream that accepts exactly demo-user's token: the gateway must forward it, never show it.
  forwardSimulator = await startRestSimulator({ token: demoToken });
  const [dify, chatwoot, rest] = backends.config.sources as Array<Record<string, any>>;
  const port = await closedPort();
  const raw = {
    server: { host: '127.0.0.1', cursorSecret: CURSOR_SECRET },
    auth: { mode: 'jwt', jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } },
    sources: [
      ...backends.config.sources,
      { ...dify, id: 'bad-dify', apiKey: WRONG.dify },
      { ...chatwoot, id: 'bad-chatwoot', apiAccessToken: WRONG.chatwoot },
      { ...rest, id: 'bad-rest', token: WRONG.rest },
      { kind: 'rest', id: 'down', baseUrl: `http://admin:${URL_PASSWORD}@127.0.0.1:${port}/v1`, token: DOWN_TOKEN, conversationsPath: '/chat/conversations', retries: 0, timeoutMs: 500 },
      { ...forwardSimulator.sourceConfig, id: 'forwarded', access: 'forward', token: undefined },
    ],
  };
  secrets.push(SECRET, CURSOR_SECRET, URL_PASSWORD, DOWN_TOKEN, ...Object.values(WRONG), dify!.apiKey, chatwoot!.apiAccessToken, rest!.token);
  const config = await validateConfig(JSON.parse(JSON.stringify(raw)));
  gateway = await createGateway(config, createLogger('debug', { write: (line: string) => void lines.push(line) }));
  yoga = createGatewayYoga(gateway, { resolveViewer: createViewerResolver({ auth: config.auth }) });
});

afterAll(async () => {
  await gateway?.close();
  await backends?.close();
  await forwardSimulator?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function run(query: string, headers: Record<string, string>, variables: Record<string, unknown> = {}) {
  const response = await post(yoga, query, variables, headers);
  responses.push(response);
  return response;
}

describe('a representative set of operations', () => {
  it('runs operations that succeed and fail in every way', async () => {
    const expired = await hsToken({ expiresIn: -3600 });
    const forged = await hsToken({}, 'attacker-chosen-secret-0123456789');
    const badTokens = [expired, forged, noneToken(validClaims()), `${demoToken}x`];
    secrets.push(demoToken, otherToken, ...badTokens);

    const example = await run(EXAMPLE_OPERATION, bearer(demoToken));
    expect(example.body.data.conversations.edges.length).toBeGreaterThan(0);
    const failed = new Set(example.body.errors.map((error: any) => `${error.extensions.sourceId}:${error.extensions.code}`));
    expect(failed).toEqual(
      new Set(['bad-dify:UPSTREAM_ERROR', 'bad-chatwoot:UPSTREAM_ERROR', 'bad-rest:UPSTREAM_ERROR', 'down:UPSTREAM_UNAVAILABLE']),
    );

    for (const name of ['bad-dify', 'bad-chatwoot', 'bad-rest', 'down', 'forwarded']) {
      await run(`query ($n: String!) { source(name: $n) { conversations(first: 1) { edges { cursor node { id title } } } } }`, bearer(demoToken), { n: name });
    }
    const foreignForward = await run(`{ source(name: "forwarded") { conversations(first: 1) { edges { node { id } } } } }`, bearer(otherToken));
    expect(foreignForward.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', sourceId: 'forwarded' });
    const forwarded = await run(`{ source(name: "forwarded") { conversations(first: 1) { edges { node { id } } } } }`, bearer(demoToken));
    expect(forwarded.body.data.source.conversations.edges).toHaveLength(1);

    for (const token of badTokens) {
      expect((await run(`{ viewer { externalId } }`, bearer(token))).status).toBe(401);
    }
    await run(`{ viewer { externalId } }`, { authorization: `Basic ${Buffer.from(`admin:${SECRET}`).toString('base64')}` });
    await run(getIntrospectionQuery({ descriptions: true }), {});
    await run(`{ _service { sdl } }`, {});
    await run(`{ node(id: "garbage") { id } }`, bearer(demoToken));
    // Writes and management reads, through good and rejected credentials alike.
    const sent = await run(
      `mutation { sendMessage(input: { sourceId: "assistant", text: "hello from the secrets test", idempotencyKey: "s-1" }) { conversation { id } messages { id role audioUrl } } }`,
      bearer(demoToken),
    );
    const [, answer] = sent.body.data.sendMessage.messages;
    await run(`mutation ($id: ID!) { rateMessage(input: { messageId: $id, rating: LIKE, content: "ok" }) { message { feedback { rating } } } }`, bearer(demoToken), { id: answer.id });
    await run(`mutation { sendMessage(input: { sourceId: "bad-dify", text: "hello" }) { messages { id } } }`, bearer(demoToken));
    await run(`{ source(name: "assistant") { feedbacks(first: 2) { edges { node { id } } } } }`, bearer(demoToken));
    await run(`{ source(name: "bad-dify") { feedbacks(first: 2) { edges { node { id } } } } }`, bearer(await hsToken({ sub: 'ops', claims: { roles: ['admin'] } })));
    const support = await run(`{ source(name: "support") { conversations(first: 1) { edges { node { id } } } } }`, bearer(demoToken));
    const supportId = support.body.data.source.conversations.edges[0].node.id;
    await run(`mutation ($id: ID!) { setConversationStatus(input: { conversationId: $id, status: OPEN }) { conversation { status } } }`, bearer(demoToken), { id: supportId });
    await run(`mutation ($id: ID!) { sendMessage(input: { conversationId: $id, text: "note", private: true }) { messages { id } } }`, bearer(demoToken), { id: supportId });
    responses.push(await send(yoga, { method: 'GET', path: answer.audioUrl, headers: bearer(demoToken) }));
    responses.push(await send(yoga, { method: 'GET', path: answer.audioUrl, headers: bearer(otherToken) }));
    responses.push(await send(yoga, { method: 'GET', path: answer.audioUrl }));
    for (const path of ['/ready', '/health']) responses.push(await send(yoga, { method: 'GET', path }));
    responses.push(await send(yoga, { method: 'GET', headers: { accept: 'text/html' } }));
  });

  it('left no secret and no token in any response body or header', () => {
    expect(responses.length).toBeGreaterThan(25);
    for (const response of responses) {
      const headers = [...response.headers.entries()].map(([name, value]) => `${name}: ${value}`).join('\n');
      for (const secret of secrets) {
        expect(response.text).not.toContain(secret);
        expect(headers).not.toContain(secret);
      }
    }
  });

  it('left no secret and no token in any log line, while logging the failures', () => {
    const all = lines.join('');
    expect(all).toContain('upstream call failed');
    expect(all).toContain('"audit":"write"');
    expect(lines.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});

describe('the logger on lines that do carry credentials', () => {
  it('redacts credential keys at any depth and tokens inside strings and URLs', () => {
    const captured: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void captured.push(line) });
    const jwt = noneToken(validClaims());
    logger.info(
      {
        headers: { Authorization: 'Bearer abc.def', api_access_token: 'cw-123' },
        request: { options: { headers: { authorization: 'Bearer deep-1' }, url: 'https://u:p4ss@x.test/v1?token=t0k&limit=2' } },
        config: { sources: [{ apiKey: 'app-1', nested: { secret: 's3' } }] },
        note: `forwarded ${jwt}`,
      },
      'calling https://x.test/v1?api_key=k3y with Bearer zzz',
    );
    logger.warn({ err: Object.assign(new Error('failed for Bearer e1'), { token: 't-err' }) }, 'boom');
    const text = captured.join('');
    for (const secret of ['abc.def', 'cw-123', 'deep-1', 'p4ss', 't0k', 'app-1', 's3', jwt.slice(0, 30), 'k3y', 'zzz', 'e1"', 't-err']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('limit=2');
    expect(text).toContain('[redacted]');
    expect(JSON.parse(captured[0]!).msg).toBe('calling https://x.test/v1?api_key=[redacted] with Bearer [redacted]');
  });

  it('masks text the same way for callers that build messages themselves', () => {
    expect(redactText('GET http://a:b@h/x?access_token=q Authorization: Basic Zm9v')).toBe(
      'GET http://[redacted]@h/x?access_token=[redacted] Authorization: Basic [redacted]',
    );
  });
});
