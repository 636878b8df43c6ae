import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { interpolateEnv } from '../../../src/config/config.js';
import { globalIdOf } from '../../../src/core/global-id.js';
import { REST_DEMO_CONVERSATION_ID } from '../../../src/demo/simulators/rest/server.js';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../../helpers/gateway.js';
import { PRESETS_DIR } from '../../helpers/presets.js';

const PAGE = `query ($id: ID!, $before: String) { node(id: $id) { ... on Conversation {
  messages(last: 20, before: $before) { edges { node { id externalId text } } pageInfo { hasPreviousPage startCursor } } } } }`;

describe('an http source in the graph (the rest-chat-history preset beside the demo sources)', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({
      configure: (config) => {
        const legacy = config.sources.find((source) => source.id === 'legacy')!;
        const text = readFileSync(join(PRESETS_DIR, 'rest-chat-history.yaml'), 'utf8');
        const preset = interpolateEnv(parse(text), { HISTORY_BASE_URL: String(legacy.baseUrl), HISTORY_API_TOKEN: String(legacy.token) });
        config.sources.push(preset as Record<string, unknown>);
        // The same API through the rest kind, readable by every viewer like the preset.
        legacy.access = 'shared';
        return config;
      },
    });
  });
  afterAll(() => gateway.close());

  async function scroll(sourceId: string): Promise<string[]> {
    const id = globalIdOf({ type: 'Conversation', sourceId, conversationId: REST_DEMO_CONVERSATION_ID });
    const ids: string[] = [];
    let before: string | null = null;
    for (let guard = 0; guard < 50; guard += 1) {
      const answer: GraphQLResponse = await gateway.query(PAGE, { id, before });
      expect(answer.errors).toBeUndefined();
      const { edges, pageInfo } = answer.data.node.messages as { edges: Array<{ node: { externalId: string } }>; pageInfo: { hasPreviousPage: boolean; startCursor: string } };
      ids.unshift(...edges.map((edge: { node: { externalId: string } }) => edge.node.externalId));
      if (!pageInfo.hasPreviousPage) return ids;
      before = pageInfo.startCursor;
    }
    throw new Error('did not reach the start');
  }

  it('lists its conversations in the merged inbox beside Dify, Chatwoot and the rest kind', async () => {
    const answer = await gateway.query('{ conversations(first: 50) { edges { node { externalId source { name kind } } } } }');
    expect(answer.errors).toBeUndefined();
    const kinds = new Set(answer.data.conversations.edges.map((edge: { node: { source: { kind: string } } }) => edge.node.source.kind));
    expect([...kinds].sort()).toEqual(['CHATWOOT', 'DIFY', 'HTTP', 'REST']);
    const history = answer.data.conversations.edges.filter((edge: { node: { source: { name: string } } }) => edge.node.source.name === 'history');
    expect(history.map((edge: { node: { externalId: string } }) => edge.node.externalId)).toContain(REST_DEMO_CONVERSATION_ID);
  });

  it('scrolls a long thread back to its start exactly like the rest kind', async () => {
    const declared = await scroll('history');
    expect(declared.length).toBeGreaterThan(100);
    expect(declared).toEqual(await scroll('legacy'));
  });

  it('refetches a message and a conversation by node id, and answers an unknown one with NOT_FOUND', async () => {
    const conversationId = globalIdOf({ type: 'Conversation', sourceId: 'history', conversationId: REST_DEMO_CONVERSATION_ID });
    const page = await gateway.query(PAGE, { id: conversationId, before: null });
    const message = page.data.node.messages.edges[3].node;
    const missing = globalIdOf({ type: 'Conversation', sourceId: 'history', conversationId: 'con_missing' });
    const answer = await gateway.query(
      `query ($m: ID!, $c: ID!, $x: ID!) { m: node(id: $m) { id ... on Message { text } } c: node(id: $c) { id ... on Conversation { title } } x: node(id: $x) { id } }`,
      { m: message.id, c: conversationId, x: missing },
    );
    expect(answer.data.m).toEqual({ id: message.id, text: message.text });
    expect(answer.data.c).toEqual({ id: conversationId, title: 'Daily call summaries' });
    expect(answer.data.x).toBeNull();
    expect(answer.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['x'], 'NOT_FOUND']]);
  });
});
