/**
 * Cursors are HMAC-signed and bound to the connection and viewer they came from (src/core/cursor.ts):
 * forged, tampered, widened, moved or replayed cursors are BAD_USER_INPUT and return no data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { as, codes, post } from './helpers.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

const MESSAGES = `query ($id: ID!, $before: String) {
  conversation(id: $id) { messages(last: 2, before: $before) { edges { cursor node { id text } } pageInfo { startCursor } } } }`;
const LIST = `query ($after: String, $sources: [ID!]) {
  conversations(first: 2, after: $after, sourceIds: $sources) { edges { cursor node { id } } pageInfo { endCursor } } }`;

/** Two of demo-user's conversations in `source` and a message cursor of the first. */
async function setup(source = 'legacy') {
  const list = await post(
    gateway.yoga,
    `query ($name: String!) { source(name: $name) { conversations(first: 2) { edges { node { id } } } } }`,
    { name: source },
    as('demo-user'),
  );
  const [first, second] = list.body.data.source.conversations.edges.map((edge: any) => edge.node.id as string);
  const page = await post(gateway.yoga, MESSAGES, { id: first }, as('demo-user'));
  return { first: first!, second: second!, cursor: page.body.data.conversation.messages.pageInfo.startCursor as string };
}

/** Asserts the attempt was refused as BAD_USER_INPUT without any message data. */
function expectRefused(response: Awaited<ReturnType<typeof post>>, path: string) {
  expect(codes(response)).toEqual(['BAD_USER_INPUT']);
  expect(response.body.errors[0].message).toBe('invalid cursor: use a cursor returned by this connection');
  expect(response.body.data?.[path]?.messages ?? null).toBeNull();
  expect(response.text).not.toMatch(/"text":"[^"]/);
}

describe('message cursors', () => {
  it('work for the viewer and connection they came from', async () => {
    const { first, cursor } = await setup();
    const older = await post(gateway.yoga, MESSAGES, { id: first, before: cursor }, as('demo-user'));
    expect(older.body.errors).toBeUndefined();
    expect(older.body.data.conversation.messages.edges).toHaveLength(2);
  });

  it.each([
    ['random text', () => 'not-a-cursor'],
    ['a made-up payload with a made-up signature', () => `${Buffer.from('"2026-01-01T00:00:00Z|x"').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`],
    ['an oversized cursor', () => `${'a'.repeat(5000)}.b`],
  ])('refuses %s', async (_name, make) => {
    const { first } = await setup();
    expectRefused(await post(gateway.yoga, MESSAGES, { id: first, before: make() }, as('demo-user')), 'conversation');
  });

  it('refuses a cursor whose payload was changed after signing', async () => {
    const { first, cursor } = await setup();
    const [body, mac] = cursor.split('.');
    const key = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as string;
    const tampered = `${Buffer.from(JSON.stringify(`${key}x`)).toString('base64url')}.${mac}`;
    expectRefused(await post(gateway.yoga, MESSAGES, { id: first, before: tampered }, as('demo-user')), 'conversation');
  });

  it('refuses a cursor moved to another conversation', async () => {
    const { second, cursor } = await setup();
    expectRefused(await post(gateway.yoga, MESSAGES, { id: second, before: cursor }, as('demo-user')), 'conversation');
  });

  it('refuses a cursor replayed by another viewer, even on a conversation both may read', async () => {
    // With `access: shared` two viewers read the same REST conversation: cursors still differ.
    const shared = await startTestGateway({
      configure: (config) => {
        config.sources.find((source: any) => source.id === 'legacy')!.access = 'shared';
        return config;
      },
    });
    try {
      const list = await post(shared.yoga, `{ source(name: "legacy") { conversations(first: 1) { edges { node { id } } } } }`, {}, as('demo-user'));
      const id = list.body.data.source.conversations.edges[0].node.id;
      const page = await post(shared.yoga, MESSAGES, { id }, as('demo-user'));
      const cursor = page.body.data.conversation.messages.pageInfo.startCursor;
      const replay = await post(shared.yoga, MESSAGES, { id, before: cursor }, as('alice'));
      expectRefused(replay, 'conversation');
    } finally {
      await shared.close();
    }
  });
});

describe('conversation list cursors', () => {
  it('refuse widening: a one-source cursor on the all-source list', async () => {
    const narrow = await post(gateway.yoga, LIST, { sources: ['assistant'] }, as('demo-user'));
    const cursor = narrow.body.data.conversations.pageInfo.endCursor;
    const widened = await post(gateway.yoga, LIST, { after: cursor }, as('demo-user'));
    expect(codes(widened)).toEqual(['BAD_USER_INPUT']);
    expect(widened.body.data?.conversations ?? null).toBeNull();
  });

  it('refuse a Source.conversations cursor on Query.conversations of another source set', async () => {
    const page = await post(
      gateway.yoga,
      `{ source(name: "support") { conversations(first: 1) { pageInfo { endCursor } } } }`,
      {},
      as('demo-user'),
    );
    const cursor = page.body.data.source.conversations.pageInfo.endCursor;
    const moved = await post(gateway.yoga, LIST, { after: cursor, sources: ['assistant'] }, as('demo-user'));
    expect(codes(moved)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuse a list cursor used on messages, and a message cursor used on the list', async () => {
    const { first, cursor: messageCursor } = await setup();
    const list = await post(gateway.yoga, LIST, {}, as('demo-user'));
    const listCursor = list.body.data.conversations.pageInfo.endCursor;
    expectRefused(await post(gateway.yoga, MESSAGES, { id: first, before: listCursor }, as('demo-user')), 'conversation');
    expect(codes(await post(gateway.yoga, LIST, { after: messageCursor }, as('demo-user')))).toEqual(['BAD_USER_INPUT']);
  });

  it("refuse another viewer's list cursor", async () => {
    const list = await post(gateway.yoga, LIST, {}, as('demo-user'));
    const cursor = list.body.data.conversations.pageInfo.endCursor;
    const replay = await post(gateway.yoga, LIST, { after: cursor }, as('alice'));
    expect(codes(replay)).toEqual(['BAD_USER_INPUT']);
    expect(replay.body.data?.conversations ?? null).toBeNull();
  });
});
