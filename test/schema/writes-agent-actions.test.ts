/**
 * Agent actions (assign, label, prioritise, mark read) against the Chatwoot simulator: what each
 * refuses and with which code, before any upstream write; one audit line per write; the agent-side
 * fields are null for contacts and on kinds without them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import { AGENT, conversationId, DEMO, startWritesGateway, type WritesGateway } from './writes-setup.js';

let gw: WritesGateway;
beforeAll(async () => {
  gw = await startWritesGateway();
});
afterAll(() => gw.close());

/** The demo contact's long thread (assigned to Priya, labels warranty and wifi) and one of alice's. */
const DEMO_THREAD = conversationId('support', '19');
const ALICE_THREAD = conversationId('support', '5');
const agentSender = (sourceId: string, externalId: string) =>
  globalIdOf({ type: 'Sender', sourceId, kind: 'AGENT', idScope: 'user', externalId, name: null });

const ASSIGN = `mutation ($input: AssignConversationInput!) { assignConversation(input: $input) { conversation { id assignee { name } } } }`;
const ADD = `mutation ($input: AddConversationLabelsInput!) { addConversationLabels(input: $input) { conversation { labels } } }`;
const REMOVE = `mutation ($input: RemoveConversationLabelsInput!) { removeConversationLabels(input: $input) { conversation { labels } } }`;
const PRIORITY = `mutation ($input: SetConversationPriorityInput!) { setConversationPriority(input: $input) { conversation { priority } } }`;
const READ = `mutation ($input: MarkConversationReadInput!) { markConversationRead(input: $input) { conversation { unreadCount } } }`;
const ALL: Array<[string, Record<string, unknown>]> = [
  [ASSIGN, { assignTo: 'NOBODY' }],
  [ADD, { labels: ['vip'] }],
  [REMOVE, { labels: ['wifi'] }],
  [PRIORITY, { priority: 'HIGH' }],
  [READ, {}],
];
const WRITE_PATHS = /\/(assignments|labels|toggle_priority|update_last_seen)$/;
const writes = () => gw.backends.simulators.support.calls('POST', WRITE_PATHS);

describe('who may act', () => {
  it('refuses a contact on their own conversation (FORBIDDEN) and hides a foreign one (NOT_FOUND), without a write', async () => {
    const before = writes();
    for (const [query, input] of ALL) {
      const own = await gw.run(query, { input: { conversationId: DEMO_THREAD, ...input } }, DEMO);
      expect(own.errors?.[0]?.extensions, query).toMatchObject({ code: 'FORBIDDEN', sourceId: 'support' });
      const foreign = await gw.run(query, { input: { conversationId: ALICE_THREAD, ...input } }, DEMO);
      const absent = await gw.run(query, { input: { conversationId: conversationId('support', '99999'), ...input } }, DEMO);
      expect(foreign.errors?.[0]?.extensions?.code, query).toBe('NOT_FOUND');
      expect(absent.errors[0].extensions).toEqual(foreign.errors[0].extensions);
    }
    expect(writes()).toBe(before);
  });

  it('answers NOT_SUPPORTED on Dify and REST sources with no upstream call', async () => {
    const dify = gw.backends.simulators.assistant.requests.length;
    const rest = gw.backends.simulators.legacy.requests.length;
    for (const target of [conversationId('assistant', '0b6f4c8e-1d2a-4e3b-9c5d-7e8f9a0b1c2d'), conversationId('legacy', 'conv_001')]) {
      for (const [query, input] of ALL) {
        const answer = await gw.run(query, { input: { conversationId: target, ...input } }, AGENT);
        expect(answer.errors?.[0]?.extensions?.code, query).toBe('NOT_SUPPORTED');
      }
    }
    expect(gw.backends.simulators.assistant.requests.length).toBe(dify);
    expect(gw.backends.simulators.legacy.requests.length).toBe(rest);
  });

  it('assigns to ME only for a viewer whose email is an agent’s', async () => {
    const before = writes();
    const noEmail = await gw.run(ASSIGN, { input: { conversationId: DEMO_THREAD, assignTo: 'ME' } }, AGENT);
    expect(noEmail.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', sourceId: 'support' });
    expect(writes()).toBe(before);
  });
});

describe('Source.agents', () => {
  it('lists the agents, as the same Sender nodes their messages and assignments show, to agents only', async () => {
    const query = `query ($name: String!) { source(name: $name) { agents { id externalId name kind } } }`;
    const agent = await gw.run(query, { name: 'support' }, AGENT);
    expect(agent.errors).toBeUndefined();
    expect(agent.data.source.agents).toEqual([
      { id: agentSender('support', '1'), externalId: '1', name: 'Priya Raman', kind: 'AGENT' },
      { id: agentSender('support', '2'), externalId: '2', name: 'Marco Bianchi', kind: 'AGENT' },
    ]);
    const contact = await gw.run(query, { name: 'support' }, DEMO);
    expect(contact.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', sourceId: 'support' });
    const dify = await gw.run(query, { name: 'assistant' }, AGENT);
    expect(dify.errors[0].extensions).toMatchObject({ code: 'NOT_SUPPORTED', sourceId: 'assistant' });
  });
});

describe('input checks', () => {
  it('refuses agent ids that name no agent of the source, before any write', async () => {
    const before = writes();
    const cases: Array<Record<string, unknown>> = [
      { assignTo: 'AGENT' },
      { assignTo: 'NOBODY', agentId: agentSender('support', '2') },
      { assignTo: 'AGENT', agentId: agentSender('assistant', '2') },
      { assignTo: 'AGENT', agentId: globalIdOf({ type: 'Sender', sourceId: 'support', kind: 'CONTACT', idScope: 'contact', externalId: '2', name: null }) },
      { assignTo: 'AGENT', agentId: DEMO_THREAD },
      // Chatwoot would unassign for an id that is no user: the gateway refuses it instead.
      { assignTo: 'AGENT', agentId: agentSender('support', '999') },
    ];
    for (const input of cases) {
      const answer = await gw.run(ASSIGN, { input: { conversationId: DEMO_THREAD, ...input } }, AGENT);
      expect(answer.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
    }
    expect(writes()).toBe(before);
    const read = await gw.run(`query ($id: ID!) { conversation(id: $id) { assignee { name } } }`, { id: DEMO_THREAD }, AGENT);
    expect(read.data.conversation.assignee.name).toBe('Priya Raman');
  });

  it('refuses empty, blank, comma-carrying and too many labels', async () => {
    for (const labels of [[], ['  '], ['a,b'], ['x'.repeat(256)], Array.from({ length: 51 }, (_, i) => `l${i}`)]) {
      const answer = await gw.run(ADD, { input: { conversationId: DEMO_THREAD, labels } }, AGENT);
      expect(answer.errors?.[0]?.extensions?.code, JSON.stringify(labels).slice(0, 40)).toBe('BAD_USER_INPUT');
    }
  });

  it('posts no label list when nothing changes', async () => {
    const before = gw.backends.simulators.support.calls('POST', /\/labels$/);
    const answer = await gw.run(ADD, { input: { conversationId: DEMO_THREAD, labels: ['wifi'] } }, AGENT);
    expect(answer.data.addConversationLabels.conversation.labels).toEqual(['warranty', 'wifi']);
    expect(gw.backends.simulators.support.calls('POST', /\/labels$/)).toBe(before);
  });
});

describe('upstream calls', () => {
  it('makes the calls each action needs and no more (payload read included)', async () => {
    const sim = gw.backends.simulators.support;
    const PRIYA = { id: 'priya', roles: ['agent'], email: 'priya@acme-support.example' };
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      [ASSIGN, { assignTo: 'AGENT', agentId: agentSender('support', '2') }, ['GET /agents', 'POST /assignments', 'GET /19']],
      [ADD, { labels: ['vip'] }, ['GET /labels', 'POST /labels', 'GET /19']],
      [REMOVE, { labels: ['vip'] }, ['GET /labels', 'POST /labels', 'GET /19']],
      [PRIORITY, { priority: 'MEDIUM' }, ['POST /toggle_priority', 'GET /19']],
      [READ, {}, ['POST /update_last_seen', 'GET /19']],
      [ASSIGN, { assignTo: 'ME' }, ['GET /agents', 'POST /assignments', 'GET /19']],
    ];
    for (const [query, input, expected] of cases) {
      sim.requests.length = 0;
      const answer = await gw.run(query, { input: { conversationId: DEMO_THREAD, ...input } }, PRIYA);
      expect(answer.errors, query).toBeUndefined();
      expect(sim.requests.map((request) => `${request.method} /${request.path.split('/').at(-1)}`), query).toEqual(expected);
    }
    await gw.run(PRIORITY, { input: { conversationId: DEMO_THREAD, priority: null } }, PRIYA);
  });
});

describe('what each write leaves behind', () => {
  it('logs one audit line per write, with its outcome', async () => {
    await gw.run(PRIORITY, { input: { conversationId: DEMO_THREAD, priority: 'LOW' } }, AGENT);
    await gw.run(PRIORITY, { input: { conversationId: DEMO_THREAD, priority: 'LOW' } }, DEMO);
    const lines = gw.logs.filter((line) => line.audit === 'write' && line.operation === 'setConversationPriority');
    expect(lines.slice(-2).map((line) => [line.viewerId, line.target, line.outcome])).toEqual([
      ['priya', '19', 'OK'],
      ['demo-user', '19', 'FORBIDDEN'],
    ]);
    await gw.run(PRIORITY, { input: { conversationId: DEMO_THREAD, priority: null } }, AGENT);
  });

  it('shows the agent-side state to agents only, and null on kinds without it', async () => {
    const fields = `unreadCount lastSeenAt assignee { id } labels priority`;
    const agent = await gw.run(`query ($id: ID!) { conversation(id: $id) { ${fields} } }`, { id: DEMO_THREAD }, AGENT);
    expect(agent.data.conversation).toMatchObject({ labels: ['warranty', 'wifi'], assignee: { id: agentSender('support', '1') } });
    expect(typeof agent.data.conversation.unreadCount).toBe('number');
    const contact = await gw.run(`query ($id: ID!) { conversation(id: $id) { ${fields} } }`, { id: DEMO_THREAD }, DEMO);
    expect(contact.errors).toBeUndefined();
    expect(contact.data.conversation).toEqual({ unreadCount: null, lastSeenAt: null, assignee: null, labels: null, priority: null });
    // An agent who also has Dify and REST conversations of their own.
    const both = { id: 'demo-user', roles: ['agent'] };
    const merged = await gw.run(`{ conversations(first: 60) { edges { node { source { kind } ${fields} } } } }`, {}, both);
    const nodes = merged.data.conversations.edges.map((edge: any) => edge.node);
    expect(nodes.filter((node: any) => node.source.kind === 'CHATWOOT').every((node: any) => Array.isArray(node.labels))).toBe(true);
    const others = nodes.filter((node: any) => node.source.kind !== 'CHATWOOT');
    expect(others.length).toBeGreaterThan(0);
    for (const node of others) expect([node.unreadCount, node.lastSeenAt, node.assignee, node.labels, node.priority]).toEqual([null, null, null, null, null]);
  });
});
