/**
 * Dify annotations through GraphQL against the simulator over real HTTP: the admin lists
 * (paged, filtered by keyword, counted), creates, updates and deletes, each visible in the next
 * read and in `node(id:)`; every other viewer is FORBIDDEN before any upstream call; other kinds
 * are NOT_SUPPORTED; writes are sent once, audited, and a create replays its idempotency key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import { ADMIN, DEMO, startWritesGateway, type WritesGateway } from './writes-setup.js';

let gw: WritesGateway;
beforeAll(async () => {
  gw = await startWritesGateway();
});
afterAll(() => gw.close());

const LIST = `query ($first: Int, $after: String, $keyword: String) { source(name: "assistant") {
  annotations(first: $first, after: $after, keyword: $keyword) {
    totalCount edges { cursor node { id externalId question answer hitCount createdAt } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;
const CREATE = `mutation ($input: CreateAnnotationInput!) { createAnnotation(input: $input) {
  clientMutationId annotation { id externalId question answer hitCount createdAt } annotationEdge { cursor node { id } } } }`;
const UPDATE = `mutation ($input: UpdateAnnotationInput!) { updateAnnotation(input: $input) { annotation { id question answer } } }`;
const DELETE = `mutation ($input: DeleteAnnotationInput!) { deleteAnnotation(input: $input) { deletedAnnotationId } }`;
const NODE = `query ($id: ID!) { node(id: $id) { id ... on Annotation { question answer } } }`;

const simulator = () => gw.backends.simulators.assistant;
const annotationCalls = () => simulator().calls('GET', '/v1/apps/annotations') + simulator().calls('POST', '/v1/apps/annotations');

async function list(variables: Record<string, unknown> = {}, viewer = ADMIN) {
  const answer = await gw.run(LIST, variables, viewer);
  expect(answer.errors).toBeUndefined();
  return answer.data.source.annotations as {
    totalCount: number;
    edges: Array<{ cursor: string; node: { id: string; externalId: string; question: string; answer: string; hitCount: number; createdAt: string } }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  };
}

async function create(question: string, answer: string, extra: Record<string, unknown> = {}) {
  const result = await gw.run(CREATE, { input: { sourceId: 'assistant', question, answer, ...extra } }, ADMIN);
  expect(result.errors).toBeUndefined();
  return result.data.createAnnotation;
}

describe('Source.annotations', () => {
  it('pages every annotation, newest first, with offset cursors and the total', async () => {
    const all = await list({ first: 100 });
    expect(all.totalCount).toBe(all.edges.length);
    expect(all.edges.length).toBeGreaterThanOrEqual(6);
    const times = all.edges.map((edge) => Date.parse(edge.node.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const connection = await list({ first: 4, after });
      seen.push(...connection.edges.map((edge) => edge.node.id));
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.edges.map((edge) => edge.node.id));
  });

  it('filters by keyword in the question or the answer, any case, and binds cursors to the keyword', async () => {
    const filtered = await list({ keyword: 'PASSWORD' });
    expect(filtered.edges.map((edge) => edge.node.question)).toEqual(['How do I reset my password?']);
    expect(filtered.totalCount).toBe(1);
    const byAnswer = await list({ keyword: 'frankfurt' });
    expect(byAnswer.edges.map((edge) => edge.node.question)).toEqual(['Where is my data stored?']);

    const page = await list({ first: 1 });
    const mixed = await gw.run(LIST, { first: 1, after: page.pageInfo.endCursor, keyword: 'refund' }, ADMIN);
    expect(mixed.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses every viewer without the admin role with FORBIDDEN, before any upstream call', async () => {
    const before = simulator().requests.length;
    const refused = await gw.run(LIST, {}, DEMO);
    expect(refused.data.source.annotations).toBeNull();
    expect(refused.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', sourceId: 'assistant' });
    const agent = await gw.run(LIST, {}, { id: 'priya', roles: ['agent'] });
    expect(agent.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(simulator().requests.length).toBe(before);
  });

  it('answers NOT_SUPPORTED on a Chatwoot source while the Dify one still answers', async () => {
    const answer = await gw.run(
      `{ support: source(name: "support") { annotations { totalCount } } assistant: source(name: "assistant") { annotations(first: 1) { totalCount } } }`,
      {},
      ADMIN,
    );
    expect(answer.data.support.annotations).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]).toMatchObject({ path: ['support', 'annotations'], extensions: { code: 'NOT_SUPPORTED', sourceId: 'support' } });
    expect(answer.data.assistant.annotations.totalCount).toBeGreaterThan(0);
  });

  it('rejects first over 100 and an overlong keyword with BAD_USER_INPUT', async () => {
    expect((await gw.run(LIST, { first: 101 }, ADMIN)).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await gw.run(LIST, { keyword: 'x'.repeat(257) }, ADMIN)).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('createAnnotation, updateAnnotation, deleteAnnotation', () => {
  it('creates an annotation, first in the next read, its edge cursor valid in the connection', async () => {
    const before = await list({ first: 100 });
    const created = await create('Do you have a status page?', 'Yes: status.brightdesk.example shows every incident.', { clientMutationId: 'a-1' });
    expect(created.clientMutationId).toBe('a-1');
    expect(created.annotation).toMatchObject({ question: 'Do you have a status page?', hitCount: 0 });
    expect(created.annotation.id).toBe(globalIdOf({ type: 'Annotation', sourceId: 'assistant', annotationId: created.annotation.externalId }));
    expect(created.annotationEdge.node.id).toBe(created.annotation.id);

    const after = await list({ first: 100 });
    expect(after.totalCount).toBe(before.totalCount + 1);
    expect(after.edges[0]!.node).toMatchObject({ id: created.annotation.id, answer: 'Yes: status.brightdesk.example shows every incident.' });
    const next = await list({ first: 1, after: created.annotationEdge.cursor });
    expect(next.edges[0]!.node.id).toBe(after.edges[1]!.node.id);

    const node = await gw.run(NODE, { id: created.annotation.id }, ADMIN);
    expect(node.data.node).toMatchObject({ id: created.annotation.id, question: 'Do you have a status page?' });
    const foreign = await gw.run(NODE, { id: created.annotation.id }, DEMO);
    expect(foreign.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('updates an annotation, visible in the next read and by node(id:)', async () => {
    const created = await create('Is there a mobile app?', 'Not yet.');
    const updated = await gw.run(UPDATE, { input: { annotationId: created.annotation.id, question: 'Is there a mobile app?', answer: 'Yes, for iOS and Android.' } }, ADMIN);
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateAnnotation.annotation).toEqual({ id: created.annotation.id, question: 'Is there a mobile app?', answer: 'Yes, for iOS and Android.' });
    const read = await list({ keyword: 'mobile app' });
    expect(read.edges.map((edge) => edge.node.answer)).toEqual(['Yes, for iOS and Android.']);
    const node = await gw.run(NODE, { id: created.annotation.id }, ADMIN);
    expect(node.data.node.answer).toBe('Yes, for iOS and Android.');
  });

  it('deletes an annotation: gone from the next read, NOT_FOUND when deleted again or updated', async () => {
    const created = await create('Temporary question?', 'Temporary answer.');
    const deleted = await gw.run(DELETE, { input: { annotationId: created.annotation.id } }, ADMIN);
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data.deleteAnnotation.deletedAnnotationId).toBe(created.annotation.id);
    expect((await list({ keyword: 'Temporary' })).edges).toEqual([]);
    const again = await gw.run(DELETE, { input: { annotationId: created.annotation.id } }, ADMIN);
    expect(again.data.deleteAnnotation).toBeNull();
    expect(again.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', sourceId: 'assistant' });
    expect(again.errors[0].message).toMatch(/annotation/);
    const update = await gw.run(UPDATE, { input: { annotationId: created.annotation.id, question: 'q', answer: 'a' } }, ADMIN);
    expect(update.errors[0].extensions.code).toBe('NOT_FOUND');
    const node = await gw.run(NODE, { id: created.annotation.id }, ADMIN);
    expect(node.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('refuses non-admins with FORBIDDEN before any upstream call, and other kinds with NOT_SUPPORTED', async () => {
    const target = (await list({ first: 1 })).edges[0]!.node;
    const before = simulator().requests.length;
    const attempts = [
      await gw.run(CREATE, { input: { sourceId: 'assistant', question: 'q?', answer: 'a' } }, DEMO),
      await gw.run(UPDATE, { input: { annotationId: target.id, question: 'q?', answer: 'a' } }, DEMO),
      await gw.run(DELETE, { input: { annotationId: target.id } }, DEMO),
    ];
    for (const attempt of attempts) {
      expect(attempt.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', sourceId: 'assistant' });
    }
    expect(simulator().requests.length).toBe(before);
    expect((await list({ first: 1 })).edges[0]!.node).toEqual(target);
    const chatwoot = await gw.run(CREATE, { input: { sourceId: 'support', question: 'q?', answer: 'a' } }, ADMIN);
    expect(chatwoot.errors[0].extensions).toMatchObject({ code: 'NOT_SUPPORTED', sourceId: 'support' });
  });

  it('rejects blank and overlong text and a global ID of another type with BAD_USER_INPUT, before any upstream call', async () => {
    const before = simulator().requests.length;
    const blank = await gw.run(CREATE, { input: { sourceId: 'assistant', question: '  ', answer: 'a' } }, ADMIN);
    expect(blank.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const long = await gw.run(CREATE, { input: { sourceId: 'assistant', question: 'q'.repeat(4_001), answer: 'a' } }, ADMIN);
    expect(long.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const wrongType = await gw.run(DELETE, { input: { annotationId: globalIdOf({ type: 'Source', sourceId: 'assistant' }) } }, ADMIN);
    expect(wrongType.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(simulator().requests.length).toBe(before);
  });

  it('never retries a create that met a 503 (the simulator counts one call)', async () => {
    const before = simulator().calls('POST', '/v1/apps/annotations');
    simulator().injectFailure({ status: 503, body: { code: 'unavailable', message: 'busy', status: 503 } }, 1, { method: 'POST', path: '/v1/apps/annotations' });
    const answer = await gw.run(CREATE, { input: { sourceId: 'assistant', question: 'Busy?', answer: 'Maybe.' } }, ADMIN);
    expect(answer.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(simulator().calls('POST', '/v1/apps/annotations')).toBe(before + 1);
  });

  it('replays a repeated idempotency key without an upstream call; the key with other text is BAD_USER_INPUT', async () => {
    const input = { question: 'Can I pay by invoice?', answer: 'Yes, on annual plans.', idempotencyKey: 'annotation-key-1' };
    const first = await create(input.question, input.answer, { idempotencyKey: input.idempotencyKey });
    const calls = annotationCalls();
    const replay = await create(input.question, input.answer, { idempotencyKey: input.idempotencyKey });
    expect(replay.annotation).toEqual(first.annotation);
    expect(annotationCalls()).toBe(calls);
    expect((await list({ keyword: 'pay by invoice' })).totalCount).toBe(1);
    const reused = await gw.run(CREATE, { input: { sourceId: 'assistant', ...input, answer: 'No.' } }, ADMIN);
    expect(reused.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    // A viewer who has lost the admin role gets no stored result.
    const lost = await gw.run(CREATE, { input: { sourceId: 'assistant', ...input } }, { id: ADMIN.id, roles: [] });
    expect(lost.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('audits every annotation write with its outcome, never its text', async () => {
    const created = await create('Audit me?', 'A secret answer 55731.');
    await gw.run(DELETE, { input: { annotationId: created.annotation.id } }, ADMIN);
    await gw.run(DELETE, { input: { annotationId: created.annotation.id } }, DEMO);
    const lines = gw.logs.filter((line) => line.audit === 'write' && String(line.operation).endsWith('Annotation'));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 'createAnnotation', sourceId: 'assistant', viewerId: 'ops', target: null, outcome: 'OK' }),
        expect.objectContaining({ operation: 'deleteAnnotation', viewerId: 'ops', target: created.annotation.externalId, outcome: 'OK' }),
        expect.objectContaining({ operation: 'deleteAnnotation', viewerId: 'demo-user', outcome: 'FORBIDDEN' }),
        expect.objectContaining({ operation: 'createAnnotation', outcome: 'OK', replayed: true }),
      ]),
    );
    expect(gw.logText()).not.toContain('A secret answer 55731.');
  });
});

describe('Source.annotations over more than one upstream page', () => {
  it('reads a window that spans two Dify pages with two calls, and pages 160 annotations without gaps or repeats', async () => {
    const base = Date.UTC(2025, 0, 1);
    for (let index = 0; index < 150; index += 1) {
      simulator().annotations.push({
        id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
        question: `Bulk question ${index}?`,
        answer: `Bulk answer ${index}.`,
        hitCount: 0,
        createdAtMs: base + index * 60_000,
      });
    }
    const head = await list({ first: 100 });
    const tail = await list({ first: 100, after: head.pageInfo.endCursor });
    const all = [...head.edges, ...tail.edges].map((edge) => edge.node.id);
    expect(all.length).toBe(head.totalCount);
    expect(new Set(all).size).toBe(all.length);
    expect(tail.pageInfo.hasNextPage).toBe(false);

    const before = simulator().calls('GET', '/v1/apps/annotations');
    const window = await list({ first: 60, after: head.edges[58]!.cursor });
    expect(simulator().calls('GET', '/v1/apps/annotations') - before).toBe(2);
    expect(window.edges.map((edge) => edge.node.id)).toEqual(all.slice(59, 119));
    expect(window.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });
});
