/**
 * The access log and log levels, with every line kept in memory at `info`: one line per
 * operation (name, type, duration, outcome code, upstream calls) and nothing a client sent
 * besides the operation name; client errors never at `error`; the gateway's own faults are.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createViewerResolver } from '../../src/auth/viewer.js';
import { validateConfig } from '../../src/config.js';
import { startDemoBackends, type DemoBackends } from '../../src/demo.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { createYogaLogger } from '../../src/observability/yoga-logger.js';
import { AUDIENCE, hsToken, ISSUER, SECRET } from '../auth/tokens.js';
import { GatewayError } from '../../src/providers/errors.js';
import { createGatewayYoga, type GatewayYoga } from '../../src/yoga.js';

const lines: Array<Record<string, any>> = [];
const raw: string[] = [];
function memoryLogger(level = 'info') {
  return createLogger(
    level,
    new Writable({
      write(chunk, _encoding, callback) {
        raw.push(String(chunk));
        lines.push(JSON.parse(String(chunk)));
        callback();
      },
    }),
  );
}

let backends: DemoBackends;
let gateway: Gateway;
let yoga: GatewayYoga;

beforeAll(async () => {
  backends = await startDemoBackends();
  const config = await validateConfig(backends.config);
  gateway = await createGateway(config, memoryLogger());
  yoga = createGatewayYoga(gateway, { resolveViewer: createViewerResolver({ auth: config.auth }) });
});
afterAll(async () => {
  await gateway?.close();
  await backends?.close();
});
beforeEach(() => {
  lines.length = 0;
  raw.length = 0;
});

async function post(body: Record<string, unknown>, headers: Record<string, string> = { 'x-chat-user': 'demo-user' }) {
  const response = await yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const accessLines = () => lines.filter((line) => line.msg === 'operation');

describe('access log', () => {
  it('writes one line per operation with name, type, duration and outcome code', async () => {
    const ok = await post({ query: 'query Recent($n: Int) { conversations(first: $n) { edges { node { id } } } }', variables: { n: 3 } });
    expect(ok.body.errors).toBeUndefined();
    const [line, ...more] = accessLines();
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 30, operationName: 'Recent', operationType: 'query', code: 'OK' });
    expect(line!.durationMs).toBeGreaterThan(0);
    // One list call per source.
    expect(line!.upstreamCalls).toBeGreaterThanOrEqual(3);
  });

  it('names the outcome by the first error code, for every phase', async () => {
    await post({ query: 'query Bad { node(id: "garbage") { id } }' });
    await post({ query: '{ conversations(' });
    await post({ query: '{ nosuchfield }' });
    await post({ query: 'query NoViewer { conversations { edges { node { id } } } }' }, {});
    expect(accessLines().map((line) => [line.operationName, line.operationType, line.code])).toEqual([
      ['Bad', 'query', 'BAD_USER_INPUT'],
      ['Anonymous', 'unknown', 'GRAPHQL_PARSE_FAILED'],
      ['Anonymous', 'query', 'GRAPHQL_VALIDATION_FAILED'],
      ['NoViewer', 'query', 'UNAUTHENTICATED'],
    ]);
  });

  it('carries no query text, variables, viewer or header values', async () => {
    await post(
      {
        query: 'query Leak($id: ID!) { conversation(id: $id) { id } other: node(id: "INLINE-MARKER-42") { id } }',
        variables: { id: 'VARIABLE-MARKER-17' },
      },
      { 'x-chat-user': 'viewer-marker-99', authorization: 'Bearer HEADER-MARKER-5' },
    );
    const access = accessLines();
    expect(access).toHaveLength(1);
    expect(Object.keys(access[0]!).sort()).toEqual(
      ['code', 'component', 'durationMs', 'level', 'msg', 'operationName', 'operationType', 'time', 'upstreamCalls'],
    );
    for (const marker of ['INLINE-MARKER', 'VARIABLE-MARKER', 'viewer-marker', 'HEADER-MARKER', 'conversation(']) {
      expect(raw.join('')).not.toContain(marker);
    }
  });

  it('keeps client errors below error level and without stacks at info', async () => {
    await post({ query: 'query Bad { node(id: "garbage") { id } }' });
    await post({ query: 'query Missing { conversation(id: "Q29udmVyc2F0aW9uOlsic3VwcG9ydCIsIjk5OTkiXQ") { id } }' });
    await post({ query: '{ conversations { edges { node { id } } } }' }, {});
    expect(accessLines().map((line) => line.code)).toEqual(['BAD_USER_INPUT', 'NOT_FOUND', 'UNAUTHENTICATED']);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(raw.join('')).not.toContain('"stack"');
  });
});

describe('operations outside the HTTP pipeline', () => {
  it('are reported from the enveloped execute, as a WebSocket transport runs them', async () => {
    const request = new Request('http://gateway.test/graphql', { headers: { 'x-chat-user': 'demo-user' } });
    const enveloped = yoga.getEnveloped({ request, params: { query: '' } } as never);
    const document = enveloped.parse('query OverSocket { viewer { externalId } }');
    expect(enveloped.validate(enveloped.schema, document)).toEqual([]);
    const contextValue = await enveloped.contextFactory();
    const result = (await enveloped.execute({ schema: enveloped.schema, document, contextValue })) as any;
    expect(result.data.viewer.externalId).toBe('demo-user');
    expect(accessLines().map((line) => [line.operationName, line.operationType, line.code])).toEqual([['OverSocket', 'query', 'OK']]);
  });
});

describe('jwt mode', () => {
  let jwtGateway: Gateway;
  let jwtYoga: GatewayYoga;
  beforeAll(async () => {
    const config = await validateConfig({
      ...backends.config,
      auth: { mode: 'jwt', jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } },
    });
    jwtGateway = await createGateway(config, memoryLogger());
    jwtYoga = createGatewayYoga(jwtGateway, { resolveViewer: createViewerResolver({ auth: config.auth }) });
  });
  afterAll(() => jwtGateway?.close());

  it('logs refused tokens as UNAUTHENTICATED access lines, never at error', async () => {
    const expired = await hsToken({ expiresIn: -3600 });
    for (const token of ['not-a-jwt', expired, await hsToken({}, 'another-secret-0123456789abcdef')]) {
      const response = await jwtYoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'query Mine { viewer { externalId } }' }),
      });
      expect(response.status).toBe(401);
    }
    expect(accessLines().map((line) => [line.operationName, line.code])).toEqual([
      ['Mine', 'UNAUTHENTICATED'],
      ['Mine', 'UNAUTHENTICATED'],
      ['Mine', 'UNAUTHENTICATED'],
    ]);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(raw.join('')).not.toContain(expired);
  });
});

describe('yoga logger', () => {
  it("logs the gateway's own faults at error with their stack, coded errors at debug", () => {
    const logger = createYogaLogger(memoryLogger('debug'));
    logger.error(new GatewayError('NOT_FOUND', 'not found'));
    logger.error(new TypeError('cannot read properties of undefined'));
    expect(lines.map((line) => [line.level, line.err?.type])).toEqual([
      [20, 'GatewayError'],
      [50, 'TypeError'],
    ]);
    expect(lines[1]!.err.stack).toContain('TypeError');
  });
});
