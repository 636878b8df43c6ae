/**
 * The rule normalizing caches rely on: every field named `id` is the `ID!` of a `Node`, a global
 * ID unique across types and sources. The schema walk keeps it true for types added later; the
 * rest checks the identities behind it on the demo data — authors that share a backend id stay
 * apart, an author the backend does not identify still has one — and what `node(id)` answers.
 */
import { getNamedType, isInterfaceType, isNonNullType, isObjectType, type GraphQLNamedType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId, globalIdOf } from '../../src/global-id.js';
import { schema } from '../../src/schema/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const AGENT = { id: 'priya', roles: ['agent'] };

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway?.close());

const implementsNode = (type: GraphQLNamedType) =>
  type.name === 'Node' || ((isObjectType(type) || isInterfaceType(type)) && type.getInterfaces().some((iface) => iface.name === 'Node'));

describe('the id rule', () => {
  it('makes every field named id an ID! on a type implementing Node', () => {
    const offenders: string[] = [];
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      const field = type.getFields().id;
      if (!field) continue;
      checked += 1;
      const isIdBang = isNonNullType(field.type) && getNamedType(field.type).name === 'ID';
      if (!isIdBang || !implementsNode(type)) offenders.push(`${type.name}.id: ${String(field.type)}`);
    }
    expect(offenders).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('states the rule in the Node interface description', () => {
    expect(schema.getType('Node')!.description).toMatch(/every field named `id`.*`Node`.*`externalId`/s);
  });
});

/** The newest 100 messages of every Chatwoot conversation the agent sees, with `fields` selected. */
async function chatwootMessages(fields: string): Promise<any[]> {
  const listing = await gateway.query(`{ source(name: "support") { conversations(first: 100) { edges { node { id } } } } }`, {}, AGENT);
  expect(listing.errors).toBeUndefined();
  const messages: any[] = [];
  for (const { node } of listing.data.source.conversations.edges) {
    const { data, errors } = await gateway.query(
      `query ($id: ID!) { conversation(id: $id) { messages(last: 100) { edges { node { ${fields} } } } } }`,
      { id: node.id },
      AGENT,
    );
    expect(errors).toBeUndefined();
    messages.push(...data.conversation.messages.edges.map((edge: any) => edge.node));
  }
  return messages;
}

/** Every sender of the agent's Chatwoot messages: global id, backend id, kind, name. */
async function chatwootSenders() {
  const messages = await chatwootMessages('sender { id externalId kind name }');
  return messages.map((message) => message.sender).filter(Boolean) as Array<{ id: string; externalId: string | null; kind: string; name: string | null }>;
}

describe('Sender identities', () => {
  it('keeps Chatwoot authors that share a backend id apart, with one name per id', async () => {
    const senders = await chatwootSenders();
    const byId = new Map<string, Set<string>>();
    for (const sender of senders) {
      const seen = byId.get(sender.id) ?? new Set();
      seen.add(`${sender.kind} ${sender.name}`);
      byId.set(sender.id, seen);
    }
    // Agent 1, agent bot 1 and Captain assistant 1 all have backend id 1.
    const ones = senders.filter((sender) => sender.externalId === '1');
    const authors = new Set(ones.map((sender) => `${sender.kind} ${sender.name}`));
    expect([...authors]).toEqual(expect.arrayContaining(['AGENT Priya Raman', 'BOT Helper Bot', 'BOT Captain']));
    expect(new Set(ones.map((sender) => sender.id)).size).toBe(authors.size);
    for (const [id, names] of byId) expect([...names], id).toHaveLength(1);
  });

  it("gives Dify's assistant one stable, non-null identity and keeps the user apart from the viewer", async () => {
    const { data, errors } = await gateway.query(
      `{ viewer { id externalId } source(name: "assistant") { conversations(first: 100) { edges { node { messages(last: 20) { edges { node {
          role sender { id externalId kind name } } } } } } } } }`,
    );
    expect(errors).toBeUndefined();
    const messages = data.source.conversations.edges.flatMap((conversation: any) => conversation.node.messages.edges.map((edge: any) => edge.node));
    const assistants = new Set(messages.filter((message: any) => message.role === 'ASSISTANT').map((message: any) => message.sender.id));
    expect(assistants.size).toBe(1);
    expect([...assistants][0]).toEqual(expect.any(String));
    const users = messages.filter((message: any) => message.role === 'USER').map((message: any) => message.sender);
    expect(users.length).toBeGreaterThan(0);
    for (const user of users) {
      expect(user.kind).toBe('USER');
      expect(user.id).not.toBe(data.viewer.id);
      expect(user.id).not.toBe(data.viewer.externalId);
    }
    expect(messages.find((message: any) => message.role === 'ASSISTANT').sender).toMatchObject({ externalId: null, kind: 'BOT' });
  });
});

describe('node(id) for the new Node types', () => {
  it("resolves the viewer's own ID and no one else's", async () => {
    const own = await gateway.query(`{ viewer { id } }`);
    const found = await gateway.query(`query ($id: ID!) { node(id: $id) { id ... on Viewer { externalId } } }`, { id: own.data.viewer.id });
    expect(found.data.node).toEqual({ id: own.data.viewer.id, externalId: 'demo-user' });
    const other = await gateway.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: globalIdOf({ type: 'Viewer', viewerId: 'priya' }) });
    expect(other.data.node).toBeNull();
    expect(other.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('resolves an Attachment through its message, and NOT_FOUND for one the message lacks', async () => {
    const attachments = (await chatwootMessages('attachments { id externalId name url }')).flatMap((message) => message.attachments);
    expect(attachments.length).toBeGreaterThan(0);
    const [first] = attachments;
    const found = await gateway.query(
      `query ($id: ID!) { node(id: $id) { id ... on Attachment { externalId name url } } }`,
      { id: first.id },
      AGENT,
    );
    expect(found.errors).toBeUndefined();
    expect(found.data.node).toEqual(first);
    const ref = JSON.parse(Buffer.from(first.id, 'base64url').toString().slice('Attachment:'.length)) as string[];
    const missing = encodeGlobalId('Attachment', JSON.stringify([...ref.slice(0, 3), 'no-such-file']));
    const absent = await gateway.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: missing }, AGENT);
    expect(absent.data.node).toBeNull();
    expect(absent.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    // The contact whose conversation it is not gets the same NOT_FOUND.
    const foreign = await gateway.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: first.id }, { id: 'alice' });
    expect(foreign.data.node).toBeNull();
  });

  it('answers a Sender ID with null and NOT_SUPPORTED, and a malformed one with BAD_USER_INPUT', async () => {
    const [sender] = await chatwootSenders();
    const answer = await gateway.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: sender!.id }, AGENT);
    expect(answer.data.node).toBeNull();
    expect(answer.errors![0]!.extensions!.code).toBe('NOT_SUPPORTED');
    const bad = encodeGlobalId('Sender', JSON.stringify(['support', 'ROBOT', null, '1', null]));
    const malformed = await gateway.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: bad }, AGENT);
    expect(malformed.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});
