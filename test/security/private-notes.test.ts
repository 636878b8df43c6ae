/**
 * Chatwoot private notes reach agents only: a contact viewer never sees one through message
 * lists (either direction), a merged-list preview, a title, `node`, `nodes` or `_entities` —
 * even with the note's global ID in hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf, parseGlobalId } from '../../src/core/global-id.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { as, post } from './helpers.js';

let gateway: TestGateway;
const AGENT = as('priya', ['agent']);
const CONTACT = as('demo-user');

interface Note {
  id: string;
  text: string;
  conversationId: string;
}

const PAGE = `query ($id: ID!, $after: String) { conversation(id: $id) { title
  messages(first: 100, after: $after) { edges { node { id text isPrivate } } pageInfo { hasNextPage endCursor } } } }`;

/** Every message of a conversation as `headers` sees it, oldest first. */
async function allMessages(id: string, headers: Record<string, string>) {
  const messages: Array<{ id: string; text: string | null; isPrivate: boolean }> = [];
  let after: string | null = null;
  let title: string | null = null;
  for (;;) {
    const response = await post(gateway.yoga, PAGE, { id, after }, headers);
    expect(response.body.errors).toBeUndefined();
    const connection = response.body.data.conversation.messages;
    title = response.body.data.conversation.title;
    messages.push(...connection.edges.map((edge: any) => edge.node));
    if (!connection.pageInfo.hasNextPage) return { title, messages };
    after = connection.pageInfo.endCursor;
  }
}

let conversationIds: string[];
let notes: Note[];

beforeAll(async () => {
  gateway = await startTestGateway();
  const list = await post(gateway.yoga, `{ source(name: "support") { conversations(first: 20) { edges { node { id } } } } }`, {}, CONTACT);
  conversationIds = list.body.data.source.conversations.edges.map((edge: any) => edge.node.id);
  notes = [];
  for (const id of conversationIds) {
    const { messages } = await allMessages(id, AGENT);
    for (const message of messages) if (message.isPrivate) notes.push({ id: message.id, text: message.text ?? '', conversationId: id });
  }
});
afterAll(() => gateway.close());

describe('private notes', () => {
  it('exist in the contact’s conversations (agents see them, marked)', () => {
    expect(notes.length).toBeGreaterThan(2);
  });

  it('never appear in the contact’s message lists, read forward', async () => {
    for (const id of conversationIds) {
      const { title, messages } = await allMessages(id, CONTACT);
      expect(messages.some((message) => message.isPrivate)).toBe(false);
      const ids = new Set(messages.map((message) => message.id));
      for (const note of notes.filter((item) => item.conversationId === id)) {
        expect(ids.has(note.id)).toBe(false);
        expect(title ?? '').not.toContain(note.text.slice(0, 30));
      }
    }
  });

  it('never appear read backward or in a merged-list preview', async () => {
    const response = await post(
      gateway.yoga,
      `{ conversations(first: 20, sourceIds: ["support"]) { edges { node { title messages(last: 20) { edges { node { id text isPrivate } } } } } } }`,
      {},
      CONTACT,
    );
    const text = response.text;
    expect(response.body.errors).toBeUndefined();
    expect(text).not.toContain('"isPrivate":true');
    for (const note of notes) {
      expect(text).not.toContain(note.id);
      expect(text).not.toContain(note.text.slice(0, 30));
    }
  });

  it('by global ID through node, nodes and _entities: null + NOT_FOUND, like a missing message', async () => {
    const note = notes[0]!;
    const ref = parseGlobalId(note.id);
    if (ref.type !== 'Message') throw new Error('expected a message id');
    const missing = globalIdOf({ ...ref, key: '987654321' });
    const response = await post(
      gateway.yoga,
      `query ($a: ID!, $b: ID!, $ids: [ID!]!, $r: [_Any!]!) {
        a: node(id: $a) { id ... on Message { text } } b: node(id: $b) { id }
        nodes(ids: $ids) { id ... on Message { text } }
        _entities(representations: $r) { ... on Message { id text } } }`,
      {
        a: note.id,
        b: missing,
        ids: notes.map((item) => item.id),
        r: notes.map((item) => ({ __typename: 'Message', id: item.id })),
      },
      CONTACT,
    );
    const { data, errors } = response.body;
    expect(data.a).toBeNull();
    expect(data.nodes.every((node: unknown) => node === null)).toBe(true);
    expect(data._entities.every((node: unknown) => node === null)).toBe(true);
    const at = (key: string) => errors.find((error: any) => error.path[0] === key);
    expect(at('a').extensions.code).toBe('NOT_FOUND');
    expect([at('a').message, at('a').extensions]).toEqual([at('b').message, at('b').extensions]);
    expect(errors.filter((error: any) => error.path[0] === 'nodes')).toHaveLength(notes.length);
    for (const item of notes) expect(response.text).not.toContain(item.text.slice(0, 30));
  });

  it('are shown to the agent through node, marked isPrivate', async () => {
    const response = await post(gateway.yoga, `query ($id: ID!) { node(id: $id) { ... on Message { isPrivate text } } }`, { id: notes[0]!.id }, AGENT);
    expect(response.body.data.node).toEqual({ isPrivate: true, text: notes[0]!.text });
  });
});
