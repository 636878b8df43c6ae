/**
 * Per-source identity mapping: which viewer attribute each source keys its users by, the
 * Chatwoot agent role, and the REST access modes (owner, shared, forward).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createViewerResolver } from '../../src/auth/viewer.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import { createGateway } from '../../src/gateway/gateway.js';
import { createLogger } from '../../src/core/logger.js';
import type { StartedSimulator } from '../../src/demo/simulators/http-server.js';
import type { RestSimConversation } from '../../src/demo/simulators/rest/fixtures.js';
import { startRestSimulator } from '../../src/demo/simulators/rest/server.js';
import { createGatewayYoga } from '../../src/yoga/yoga.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { AUDIENCE, hsToken, ISSUER, SECRET } from '../auth/tokens.js';
import { as, codes, post } from './helpers.js';

const LIST = `query ($name: String!) { source(name: $name) {
  conversations(first: 50) { edges { node { id externalId title messages(last: 20) { edges { node { isPrivate } } } } } } } }`;
const OPEN = `query ($name: String!, $x: String!) { source(name: $name) { conversation(externalId: $x) { id } } }`;

/** Sets keys on one source of the demo config. */
function withSource(id: string, keys: Record<string, unknown>) {
  return (config: any) => {
    Object.assign(config.sources.find((source: any) => source.id === id), keys);
    return config;
  };
}

async function externalIds(gateway: TestGateway, source: string, headers: Record<string, string>): Promise<string[]> {
  const response = await post(gateway.yoga, LIST, { name: source }, headers);
  expect(response.body.errors).toBeUndefined();
  return response.body.data.source.conversations.edges.map((edge: any) => edge.node.externalId).sort();
}

describe('dify userFrom: email', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ configure: withSource('assistant', { userFrom: 'email' }) });
  });
  afterAll(() => gateway.close());

  it('sends the lower-cased email as the Dify user', async () => {
    const dify = gateway.backends.simulators.assistant;
    dify.requests.length = 0;
    await externalIds(gateway, 'assistant', { ...as('demo-user'), 'x-chat-email': 'Demo@Example.COM' });
    const users = new Set(dify.requests.map((request) => request.query.get('user')));
    expect(users).toEqual(new Set(['demo@example.com']));
  });

  it('shows a viewer without an email nothing, without asking Dify, and never falls back to the id', async () => {
    const dify = gateway.backends.simulators.assistant;
    const own = await startTestGateway();
    const ownIds = await externalIds(own, 'assistant', as('demo-user'));
    await own.close();
    expect(ownIds.length).toBeGreaterThan(0);
    dify.requests.length = 0;
    expect(await externalIds(gateway, 'assistant', as('demo-user'))).toEqual([]);
    const opened = await post(gateway.yoga, OPEN, { name: 'assistant', x: ownIds[0] }, as('demo-user'));
    expect(opened.body.data.source.conversation).toBeNull();
    expect(codes(opened)).toEqual(['NOT_FOUND']);
    expect(dify.requests).toHaveLength(0);
  });
});

describe('chatwoot contactMatch: email and agentRole', () => {
  let gateway: TestGateway;
  let byIdentifier: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ configure: withSource('support', { contactMatch: 'email', agentRole: 'support-staff' }) });
    byIdentifier = await startTestGateway();
  });
  afterAll(async () => {
    await gateway.close();
    await byIdentifier.close();
  });

  it("matches the contact by email, case-insensitively: the same conversations as alice's identifier", async () => {
    const expected = await externalIds(byIdentifier, 'support', as('alice'));
    expect(expected.length).toBeGreaterThan(0);
    expect(await externalIds(gateway, 'support', { ...as('someone-else'), 'x-chat-email': 'ALICE@example.com' })).toEqual(expected);
  });

  it('matches exactly: a substring of an email, or no email, is no contact', async () => {
    expect(await externalIds(gateway, 'support', { ...as('alice'), 'x-chat-email': 'alice@example' })).toEqual([]);
    expect(await externalIds(gateway, 'support', as('alice'))).toEqual([]);
  });

  it('gives account scope to the configured role only', async () => {
    const asAgentRole = await post(gateway.yoga, LIST, { name: 'support' }, as('priya', ['agent']));
    expect(asAgentRole.body.data.source.conversations.edges).toEqual([]);
    const staff = await post(gateway.yoga, LIST, { name: 'support' }, as('priya', ['support-staff']));
    const edges = staff.body.data.source.conversations.edges;
    expect(edges.length).toBeGreaterThan(20);
    const notes = edges.flatMap((edge: any) => edge.node.messages.edges).filter((edge: any) => edge.node.isPrivate);
    expect(notes.length).toBeGreaterThan(0);
  });
});

describe('rest access modes', () => {
  it('owner (default): only conversations with a user message from the viewer', async () => {
    const gateway = await startTestGateway();
    try {
      expect(await externalIds(gateway, 'legacy', as('alice'))).toEqual(['con_4hx7q2p']);
      expect(await externalIds(gateway, 'legacy', as('demo-user'))).toEqual(['con_7mw3ze0', 'con_9s2kd81', 'con_b81kd5t']);
      expect(await externalIds(gateway, 'legacy', as('mallory'))).toEqual([]);
    } finally {
      await gateway.close();
    }
  });

  it('owner with ownerFrom: email compares sender_id with the lower-cased email', async () => {
    const gateway = await startTestGateway({ configure: withSource('legacy', { ownerFrom: 'email' }) });
    try {
      expect(await externalIds(gateway, 'legacy', { ...as('demo-user'), 'x-chat-email': 'ALICE' })).toEqual(['con_4hx7q2p']);
      expect(await externalIds(gateway, 'legacy', as('alice'))).toEqual([]);
    } finally {
      await gateway.close();
    }
  });

  it('shared is an explicit opt-in: every viewer reads every conversation', async () => {
    const gateway = await startTestGateway({ configure: withSource('legacy', { access: 'shared' }) });
    try {
      expect(await externalIds(gateway, 'legacy', as('mallory'))).toHaveLength(4);
    } finally {
      await gateway.close();
    }
  });

  describe('owner: the ownership scan and its cap', () => {
    let simulator: StartedSimulator;
    // The owner wrote once, long ago: 150 assistant messages followed.
    const conversations: RestSimConversation[] = [
      {
        id: 'old-owner',
        title: 'Quiet owner',
        status: 'open',
        messages: Array.from({ length: 151 }, (_, index) => ({
          id: `m${String(index).padStart(3, '0')}`,
          sender_type: index === 0 ? ('user' as const) : ('ai' as const),
          sender_id: index === 0 ? 'alice' : 'bot',
          text: `message ${index}`,
          metadata: {},
          created_at: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
        })),
      },
    ];
    beforeAll(async () => {
      simulator = await startRestSimulator({ conversations });
    });
    afterAll(() => simulator.close());

    async function open(ownerScanLimit: number, viewer: string) {
      const config = await validateConfig({
        server: { host: '127.0.0.1' },
        auth: { mode: 'header' },
        sources: [{ ...simulator.sourceConfig, id: 'legacy', ownerScanLimit }],
      });
      const gateway = await createGateway(config, createLogger('silent'));
      const yoga = createGatewayYoga(gateway, { resolveViewer: createViewerResolver({ auth: config.auth }) });
      simulator.requests.length = 0;
      const response = await post(yoga, OPEN, { name: 'legacy', x: 'old-owner' }, as(viewer));
      await gateway.close();
      return { found: response.body.data?.source?.conversation !== null, calls: simulator.requests.length };
    }

    it('finds an owner whose message is 150 messages back, reading the history once', async () => {
      const result = await open(1000, 'alice');
      expect(result.found).toBe(true);
      // Two pages of 100 for the scan, one probe for the conversation record.
      expect(result.calls).toBeLessThanOrEqual(3);
    });

    it('fails closed beyond ownerScanLimit, and for anyone else after reading the whole history', async () => {
      expect((await open(100, 'alice')).found).toBe(false);
      const stranger = await open(1000, 'mallory');
      expect(stranger.found).toBe(false);
      expect(stranger.calls).toBe(2);
    });
  });

  describe('forward: the upstream decides with the viewer token', () => {
    let simulator: StartedSimulator;
    let gateway: TestGateway;
    let token: string;
    beforeAll(async () => {
      token = await hsToken({ sub: 'demo-user' });
      simulator = await startRestSimulator({ token });
      gateway = await startTestGateway({
        configure: (config) => {
          (config as any).auth = { mode: 'jwt', jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } };
          config.sources.push({ ...simulator.sourceConfig, id: 'fwd', access: 'forward', token: undefined });
          return config;
        },
      });
    });
    afterAll(async () => {
      await gateway.close();
      await simulator.close();
    });

    it("sends the viewer's token instead of a configured one", async () => {
      simulator.requests.length = 0;
      const ids = await externalIds(gateway, 'fwd', { authorization: `Bearer ${token}` });
      expect(ids).toHaveLength(4);
      expect(new Set(simulator.requests.map((request) => request.headers.authorization))).toEqual(new Set([`Bearer ${token}`]));
    });

    it("answers FORBIDDEN when the upstream refuses the viewer's token, NOT_FOUND for a single conversation", async () => {
      const other = { authorization: `Bearer ${await hsToken({ sub: 'alice' })}` };
      const list = await post(gateway.yoga, LIST, { name: 'fwd' }, other);
      expect(list.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', sourceId: 'fwd' });
      const opened = await post(gateway.yoga, OPEN, { name: 'fwd', x: 'con_4hx7q2p' }, other);
      expect(opened.body.data.source.conversation).toBeNull();
    });
  });

  it('refuses a source without a token unless it forwards the viewer token', async () => {
    const config = await validateConfig({
      server: { host: '127.0.0.1', cursorSecret: 'a-cursor-secret-for-this-test' },
      auth: { mode: 'header' },
      sources: [{ kind: 'rest', id: 'legacy', baseUrl: 'http://127.0.0.1:9/v1' }],
    });
    await expect(createGateway(config, createLogger('silent'))).rejects.toThrow(/token is required unless access is forward/);
    const forwarding = await validateConfig({
      auth: { mode: 'jwt', jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } },
      sources: [{ kind: 'rest', id: 'legacy', baseUrl: 'http://127.0.0.1:9/v1', access: 'forward' }],
    });
    await (await createGateway(forwarding, createLogger('silent'))).close();
  });
});
