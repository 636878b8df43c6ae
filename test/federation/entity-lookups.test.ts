/**
 * What made-up `_entities` representations cost upstream, counted at the Dify simulator: a
 * viewer with more conversations than one list page (bulk-user has 320) asking for 1,000 ids
 * that do not exist. Ids missing from the list are resolved by reading the list once for the
 * whole request (plus one re-read of its first page), never with one probe per id; a repeat of
 * the same request is answered from the shared cache without calls.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import { createDifyFixtures, DIFY_ALICE_CONVERSATION_ID, DIFY_BULK_CONVERSATIONS } from '../../src/demo/simulators/dify/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

const dify = () => gateway.backends.simulators.assistant.requests;
beforeEach(() => {
  dify().length = 0;
});

const bulk = { id: 'bulk-user' };
const conversationId = (externalId: string) =>
  globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: externalId });

/** Ten `_entities` fields of 100 representations each: 1,000 in one request, within any per-field cap. */
function entitiesQuery(groups: number): string {
  const variables = Array.from({ length: groups }, (_, index) => `$r${index}: [_Any!]!`).join(', ');
  const fields = Array.from(
    { length: groups },
    (_, index) => `e${index}: _entities(representations: $r${index}) { ... on Conversation { id title } }`,
  ).join('\n');
  return `query (${variables}) { ${fields} }`;
}

function asVariables(ids: string[], groups: number): Record<string, unknown> {
  const size = Math.ceil(ids.length / groups);
  return Object.fromEntries(
    Array.from({ length: groups }, (_, index) => [
      `r${index}`,
      ids.slice(index * size, (index + 1) * size).map((id) => ({ __typename: 'Conversation', id })),
    ]),
  );
}

describe('_entities lookups on a Dify source', () => {
  it('answers 1,000 made-up representations with at most ~100 upstream calls, each NOT_FOUND', async () => {
    const made = Array.from({ length: 1000 }, () => conversationId(randomUUID()));
    const { data, errors } = await gateway.query(entitiesQuery(10), asVariables(made, 10), bulk);
    const results = Object.values(data as Record<string, unknown[]>).flat();
    expect(results).toHaveLength(1000);
    expect(results.every((item) => item === null)).toBe(true);
    expect(errors).toHaveLength(1000);
    expect(new Set(errors!.map((error) => error.extensions?.code))).toEqual(new Set(['NOT_FOUND']));
    expect(dify().length).toBeLessThanOrEqual(100);
    // The list of 320 is 4 pages of 100; one more read of page 1 catches conversations that
    // moved while it was read.
    expect(dify().every((request) => request.path === '/v1/conversations')).toBe(true);
    expect(dify().length).toBeLessThanOrEqual(Math.ceil(DIFY_BULK_CONVERSATIONS / 100) + 1);

    dify().length = 0;
    const again = await gateway.query(entitiesQuery(10), asVariables(made, 10), bulk);
    expect(Object.values(again.data as Record<string, unknown[]>).flat().every((item) => item === null)).toBe(true);
    expect(dify()).toHaveLength(0);
  });

  it('still finds real conversations anywhere in a long list, and refuses foreign ones', async () => {
    const own = createDifyFixtures()
      .filter((item) => item.user === 'bulk-user')
      .sort((a, b) => b.updatedAtMs - a.updatedAtMs);
    const wanted = [own[0]!, own[150]!, own.at(-1)!];
    const ids = [...wanted.map((item) => conversationId(item.id)), conversationId(DIFY_ALICE_CONVERSATION_ID)];
    const { data, errors } = await gateway.query(entitiesQuery(1), asVariables(ids, 1), bulk);
    expect(data.e0.slice(0, 3)).toEqual(wanted.map((item) => ({ id: conversationId(item.id), title: item.name })));
    expect(data.e0[3]).toBeNull();
    expect(errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([['e0.3', 'NOT_FOUND']]);
    expect(dify().length).toBeLessThanOrEqual(Math.ceil(DIFY_BULK_CONVERSATIONS / 100) + 1);
  });
});
