/**
 * Conversation filters, order and tab counts through GraphQL over HTTP, on the demo simulators
 * plus a second Dify app whose list honours `pinned` (a source with `honoursPinnedFilter`).
 * Expectations are derived from the simulators' own data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AGENT_HEADERS, startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { EXAMPLE_AGENT_INBOX } from '../../src/yoga/yoga.js';
import { DIFY_DEEP_CONVERSATION_ID, DIFY_DEMO_USER } from '../../src/demo/simulators/dify/fixtures.js';
import { startDifySimulator, type DifySimulator } from '../../src/demo/simulators/dify/server.js';
import { startListeningGateway, type ListeningGateway } from '../helpers/proxied-gateway.js';

interface Viewer {
  id: string;
  roles?: string[];
  email?: string;
}

interface Answer {
  data?: any;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

/**
 * The demo account's administrator, owner of the token the `support` source uses, as an agent
 * whose viewer id also has Dify and REST history (so merged lists hold every source).
 */
const OWNER: Viewer = { id: DIFY_DEMO_USER, roles: ['agent'], email: 'Priya@acme-support.example' };
/** Another agent: Chatwoot's `me` is not them. */
const OTHER_AGENT: Viewer = { id: 'marco', roles: ['agent'], email: 'marco@acme-support.example' };
const CONTACT: Viewer = { id: DIFY_DEMO_USER };

let backends: DemoBackends;
/** A stock Dify (its Service API ignores `pinned`); demo mode's `assistant` honours it. */
let stockDify: DifySimulator;
let gateway: ListeningGateway;

beforeAll(async () => {
  [backends, stockDify] = await Promise.all([
    startDemoBackends({ chatwootReplyDelayMs: null }),
    startDifySimulator({ streamDelayMs: 1 }),
  ]);
  const raw = structuredClone(backends.config) as Record<string, any>;
  raw.sources.push({ id: 'stock', ...stockDify.sourceConfig });
  gateway = await startListeningGateway(raw);
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([backends?.close(), stockDify?.close()]);
});

async function post(query: string, variables: Record<string, unknown> = {}, viewer: Viewer = CONTACT): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-chat-user': viewer.id };
  if (viewer.roles) headers['x-chat-roles'] = viewer.roles.join(',');
  if (viewer.email) headers['x-chat-email'] = viewer.email;
  const response = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as Answer;
}

const NODES = 'edges { cursor node { externalId status createdAt updatedAt source { name } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
const sim = () => backends.simulators.support.data;

describe('Source.conversations filters on Chatwoot (agent)', () => {
  it('"mine, open": the token owner\'s open conversations, with the tab counts', async () => {
    const { data, errors } = await post(
      `{ source(name: "support") {
          conversations(first: 100, filter: { statuses: [OPEN], assignee: ME }) { ${NODES} }
          conversationCounts(filter: { statuses: [OPEN] }) { all assigned unassigned mine }
        } }`,
      {},
      OWNER,
    );
    expect(errors).toBeUndefined();
    const open = sim().conversations.filter((c) => c.status === 'open');
    const mine = open.filter((c) => c.assigneeId === 1).sort((a, b) => b.lastActivityAt - a.lastActivityAt);
    expect(mine.length).toBeGreaterThan(0);
    expect(data.source.conversations.edges.map((edge: any) => edge.node.externalId)).toEqual(mine.map((c) => String(c.id)));
    expect(data.source.conversationCounts).toEqual({
      all: open.length,
      assigned: open.filter((c) => c.assigneeId !== null).length,
      unassigned: open.filter((c) => c.assigneeId === null).length,
      mine: mine.length,
    });
  });

  it("GraphiQL's agent inbox example answers with the demo agent's headers, in one list and one meta call", async () => {
    backends.simulators.support.requests.length = 0;
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...DEMO_AGENT_HEADERS },
      body: JSON.stringify({ query: EXAMPLE_AGENT_INBOX }),
    });
    const { data, errors } = (await response.json()) as Answer;
    expect(errors).toBeUndefined();
    const mine = sim().conversations.filter((c) => c.status === 'open' && c.assigneeId === 1);
    expect(data.source.conversationCounts.mine).toBe(mine.length);
    expect(data.source.conversations.edges).toHaveLength(Math.min(10, mine.length));
    // The token owner was read by the first test and is cached.
    const paths = backends.simulators.support.requests.map((request) => request.path.replace(/^\/api\/v1\/accounts\/1/, '')).sort();
    expect(paths).toEqual(['/conversations', '/conversations/meta']);
  });

  it('ME for an agent who is not the token owner is NOT_SUPPORTED, and their `mine` count null', async () => {
    const { data, errors } = await post(
      `{ source(name: "support") {
          conversations(first: 5, filter: { assignee: ME }) { edges { node { externalId } } }
          conversationCounts { all mine }
        } }`,
      {},
      OTHER_AGENT,
    );
    expect(data.source.conversations).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions).toMatchObject({ code: 'NOT_SUPPORTED', sourceId: 'support', filter: 'assignee' });
    expect(data.source.conversationCounts).toEqual({ all: sim().conversations.length, mine: null });
  });

  it('several statuses, labels and a search each narrow the list exactly', async () => {
    const { data, errors } = await post(
      `{ source(name: "support") {
          statuses: conversations(first: 100, filter: { statuses: [PENDING, SNOOZED] }) { ${NODES} }
          labelled: conversations(first: 100, filter: { labels: ["wifi", "no-such-label"] }) { ${NODES} }
          searched: conversations(first: 100, filter: { search: "invoice", statuses: [RESOLVED] }) { ${NODES} }
          counted: conversationCounts(filter: { statuses: [PENDING, SNOOZED] }) { all }
        } }`,
      {},
      OWNER,
    );
    expect(errors).toBeUndefined();
    const ids = (connection: any) => connection.edges.map((edge: any) => Number(edge.node.externalId)).sort((a: number, b: number) => a - b);
    const pendingOrSnoozed = sim().conversations.filter((c) => c.status === 'pending' || c.status === 'snoozed').map((c) => c.id);
    expect(ids(data.source.statuses)).toEqual(pendingOrSnoozed.sort((a, b) => a - b));
    expect(data.source.counted.all).toBe(pendingOrSnoozed.length);
    expect(ids(data.source.labelled)).toEqual(sim().conversations.filter((c) => c.labels.includes('wifi')).map((c) => c.id));
    // Chatwoot ignores `status` while searching; the gateway still keeps only resolved ones.
    const mentions = new Set(
      sim().messages.filter((m) => (m.messageType === 0 || m.messageType === 1) && /invoice/i.test(m.content)).map((m) => m.conversationId),
    );
    const resolvedMentions = sim().conversations.filter((c) => mentions.has(c.id) && c.status === 'resolved').map((c) => c.id);
    expect(resolvedMentions.length).toBeGreaterThan(0);
    expect(resolvedMentions.length).toBeLessThan(mentions.size);
    expect(ids(data.source.searched)).toEqual(resolvedMentions.sort((a, b) => a - b));
  });

  it('a contact gets NOT_SUPPORTED for filters their list cannot take, FORBIDDEN for counts; statuses still apply', async () => {
    const { data, errors } = await post(
      `{ source(name: "support") {
          labelled: conversations(filter: { labels: ["wifi"] }) { edges { node { externalId } } }
          open: conversations(first: 50, filter: { statuses: [OPEN] }) { edges { node { status } } }
          conversationCounts { all }
        } }`,
    );
    expect(data.source.labelled).toBeNull();
    expect(data.source.conversationCounts).toBeNull();
    expect(errors?.map((error) => [error.path?.join('.'), error.extensions?.code, error.extensions?.filter]).sort()).toEqual([
      ['source.conversationCounts', 'FORBIDDEN', undefined],
      ['source.labelled', 'NOT_SUPPORTED', 'labels'],
    ]);
    expect(data.source.open.edges.length).toBeGreaterThan(0);
    expect(data.source.open.edges.every((edge: any) => edge.node.status === 'OPEN')).toBe(true);
  });
});

describe('Dify: pinned and order', () => {
  it('pinned is NOT_SUPPORTED on a stock Dify (its Service API ignores it), honoured with honoursPinnedFilter', async () => {
    const { data, errors } = await post(
      `{ stock: source(name: "stock") { conversations(filter: { pinned: true }) { edges { node { externalId } } } }
         pinned: source(name: "assistant") { conversations(first: 100, filter: { pinned: true }) { edges { node { externalId } } } }
         unpinned: source(name: "assistant") { conversations(first: 100, filter: { pinned: false }) { edges { node { externalId } } } } }`,
    );
    expect(data.stock.conversations).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0]).toMatchObject({ path: ['stock', 'conversations'], extensions: { code: 'NOT_SUPPORTED', sourceId: 'stock', filter: 'pinned' } });
    expect(data.pinned.conversations.edges.map((edge: any) => edge.node.externalId)).toEqual([DIFY_DEEP_CONVERSATION_ID]);
    const own = backends.simulators.assistant.data.filter((c) => c.user === DIFY_DEMO_USER);
    const unpinned = data.unpinned.conversations.edges.map((edge: any) => edge.node.externalId);
    expect(unpinned).toHaveLength(own.length - 1);
    expect(unpinned).not.toContain(DIFY_DEEP_CONVERSATION_ID);
    // The stock source never sent the filter upstream.
    expect(stockDify.requests.some((request) => request.query.has('pinned'))).toBe(false);
  });

  it('orders by sort_by: oldest created first, in pages', async () => {
    const own = backends.simulators.assistant.data.filter((c) => c.user === DIFY_DEMO_USER).sort((a, b) => a.createdAtMs - b.createdAtMs);
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard += 1) {
      const { data, errors }: Answer = await post(
        `query ($after: String) { source(name: "assistant") {
            conversations(first: 4, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) { ${NODES} } } }`,
        { after },
      );
      expect(errors).toBeUndefined();
      const page = data.source.conversations;
      seen.push(...page.edges.map((edge: any) => edge.node.externalId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(own.map((c) => c.id));
  });
});

describe('Query.conversations (merged) with filters', () => {
  it('a source that cannot honour a filter adds NOT_SUPPORTED at the path; the others still answer', async () => {
    const { data, errors } = await post(
      `{ conversations(first: 100, filter: { statuses: [OPEN], assignee: UNASSIGNED }) { ${NODES} } }`,
      {},
      OWNER,
    );
    const failed = errors!.map((error) => [error.path?.join('.'), error.extensions?.code, error.extensions?.sourceId, error.extensions?.filter]);
    expect(failed.sort()).toEqual([
      ['conversations', 'NOT_SUPPORTED', 'assistant', 'assignee'],
      ['conversations', 'NOT_SUPPORTED', 'legacy', 'assignee'],
      ['conversations', 'NOT_SUPPORTED', 'stock', 'assignee'],
    ]);
    const expected = sim().conversations.filter((c) => c.status === 'open' && c.assigneeId === null);
    expect(expected.length).toBeGreaterThan(0);
    const nodes = data.conversations.edges.map((edge: any) => edge.node);
    expect(nodes.every((node: any) => node.source.name === 'support' && node.status === 'OPEN')).toBe(true);
    expect(nodes.map((node: any) => Number(node.externalId)).sort()).toEqual(expected.map((c) => c.id).sort());
  });

  it('one cursor pages a filtered list both ways; a cursor of another filter is BAD_USER_INPUT', async () => {
    const query = `query ($first: Int, $after: String, $last: Int, $before: String, $filter: ConversationFilter) {
      conversations(first: $first, after: $after, last: $last, before: $before, filter: $filter) { ${NODES} } }`;
    const filter = { statuses: ['OPEN', 'PENDING'] };
    const whole = await post(query, { first: 100, filter }, OWNER);
    expect(whole.errors).toBeUndefined();
    const all = whole.data.conversations.edges.map((edge: any) => `${edge.node.source.name}:${edge.node.externalId}`);
    expect(new Set(whole.data.conversations.edges.map((edge: any) => edge.node.source.name))).toEqual(new Set(['assistant', 'support', 'legacy', 'stock']));
    expect(whole.data.conversations.edges.every((edge: any) => ['OPEN', 'PENDING'].includes(edge.node.status))).toBe(true);

    const forward: string[] = [];
    let after: string | null = null;
    let lastPage: any;
    for (let guard = 0; guard < 50; guard += 1) {
      const { data, errors }: Answer = await post(query, { first: 7, after, filter }, OWNER);
      expect(errors).toBeUndefined();
      lastPage = data.conversations;
      forward.push(...lastPage.edges.map((edge: any) => `${edge.node.source.name}:${edge.node.externalId}`));
      if (!lastPage.pageInfo.hasNextPage) break;
      after = lastPage.pageInfo.endCursor;
    }
    expect(forward).toEqual(all);

    const backward: string[][] = [];
    let before: string | null = null;
    for (let guard = 0; guard < 50; guard += 1) {
      const { data, errors }: Answer = await post(query, { last: 9, before, filter }, OWNER);
      expect(errors).toBeUndefined();
      backward.unshift(data.conversations.edges.map((edge: any) => `${edge.node.source.name}:${edge.node.externalId}`));
      if (!data.conversations.pageInfo.hasPreviousPage) break;
      before = data.conversations.pageInfo.startCursor;
    }
    expect(backward.flat()).toEqual(all);

    const cursor = whole.data.conversations.edges[2].cursor;
    const unfiltered = await post(query, { first: 5, after: cursor }, OWNER);
    expect(unfiltered.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const otherFilter = await post(query, { first: 5, after: cursor, filter: { statuses: ['OPEN'] } }, OWNER);
    expect(otherFilter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('updatedAfter ends every source at that instant; with another order it is NOT_SUPPORTED', async () => {
    const query = `query ($filter: ConversationFilter, $orderBy: ConversationOrder) {
      conversations(first: 100, filter: $filter, orderBy: $orderBy) { ${NODES} } }`;
    const all = (await post(query, {}, OWNER)).data.conversations.edges.map((edge: any) => edge.node);
    const cut = all[Math.floor(all.length / 2)].updatedAt as string;
    const { data, errors } = await post(query, { filter: { updatedAfter: cut } }, OWNER);
    expect(errors).toBeUndefined();
    const expected = all.filter((node: any) => Date.parse(node.updatedAt) > Date.parse(cut));
    expect(expected.length).toBeGreaterThan(0);
    expect(data.conversations.edges.map((edge: any) => edge.node)).toEqual(expected);

    const refused = await post(query, { filter: { updatedAfter: cut }, orderBy: { field: CREATED_AT_FIELD, direction: 'DESC' } }, OWNER);
    expect(refused.data.conversations).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_SUPPORTED', filter: 'updatedAfter' });
  });

  it('orders the merged list by creation where every source can; the others say NOT_SUPPORTED', async () => {
    const { data, errors } = await post(
      `{ conversations(first: 100, orderBy: { field: CREATED_AT, direction: DESC }) { ${NODES} } }`,
      {},
      OWNER,
    );
    expect(errors!.map((error) => [error.extensions?.sourceId, error.extensions?.filter]).sort()).toEqual([
      ['legacy', 'orderBy'],
      ['support', 'orderBy'],
    ]);
    const created = data.conversations.edges.map((edge: any) => Date.parse(edge.node.createdAt));
    expect(created.length).toBeGreaterThan(0);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });

  it('rejects an empty status list and a blank search', async () => {
    const empty = await post(`{ conversations(filter: { statuses: [] }) { edges { cursor } } }`);
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const blank = await post(`{ conversations(filter: { search: "  " }) { edges { cursor } } }`);
    expect(blank.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

const CREATED_AT_FIELD = 'CREATED_AT';
