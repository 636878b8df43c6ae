/**
 * Paging walks used by several tests: every message of a conversation read forward or backward
 * through the graph, page by page.
 */
import { expect } from 'vitest';
import type { GraphQLResponse, TestGateway } from './gateway.js';

export interface WalkedMessage {
  id: string;
  createdAt: string;
  role: string;
}

const MESSAGE_PAGE = `
  edges { cursor node { id createdAt role } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

/** The global ID of the source's conversation with the most messages (read through the graph). */
export async function longestConversation(gateway: TestGateway, sourceName: string, viewer?: { id: string; roles?: string[] }): Promise<string> {
  const { data, errors }: GraphQLResponse = await gateway.query(
    `query ($name: String!) { source(name: $name) { conversations(first: 100) {
        edges { node { id messages(last: 100) { edges { cursor } } } } } } }`,
    { name: sourceName },
    viewer,
  );
  expect(errors).toBeUndefined();
  const edges = data.source.conversations.edges as Array<{ node: { id: string; messages: { edges: unknown[] } } }>;
  expect(edges.length).toBeGreaterThan(0);
  const longest = edges.reduce((best, edge) => (edge.node.messages.edges.length > best.node.messages.edges.length ? edge : best));
  return longest.node.id;
}

/** Every message, oldest first, via `first`/`after` pages of `size`. */
export async function readAllForward(gateway: TestGateway, conversationId: string, size: number, viewer?: { id: string; roles?: string[] }): Promise<WalkedMessage[]> {
  const all: WalkedMessage[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 1000; guard += 1) {
    const { data, errors }: GraphQLResponse = await gateway.query(
      `query ($id: ID!, $first: Int!, $after: String) { conversation(id: $id) { messages(first: $first, after: $after) { ${MESSAGE_PAGE} } } }`,
      { id: conversationId, first: size, after },
      viewer,
    );
    expect(errors).toBeUndefined();
    const page: any = data.conversation.messages;
    expect(page.edges.length).toBeLessThanOrEqual(size);
    all.push(...page.edges.map((edge: { node: WalkedMessage }) => edge.node));
    if (!page.pageInfo.hasNextPage) return all;
    expect(page.edges.length).toBe(size);
    after = page.pageInfo.endCursor;
  }
  throw new Error('forward walk did not end');
}

/** Every message, oldest first, via `last`/`before` pages of `size` from the newest. */
export async function readAllBackward(gateway: TestGateway, conversationId: string, size: number, viewer?: { id: string; roles?: string[] }): Promise<WalkedMessage[]> {
  const pages: WalkedMessage[][] = [];
  let before: string | null = null;
  for (let guard = 0; guard < 1000; guard += 1) {
    const { data, errors }: GraphQLResponse = await gateway.query(
      `query ($id: ID!, $last: Int!, $before: String) { conversation(id: $id) { messages(last: $last, before: $before) { ${MESSAGE_PAGE} } } }`,
      { id: conversationId, last: size, before },
      viewer,
    );
    expect(errors).toBeUndefined();
    const page: any = data.conversation.messages;
    pages.unshift(page.edges.map((edge: { node: WalkedMessage }) => edge.node));
    if (!page.pageInfo.hasPreviousPage) return pages.flat();
    expect(page.edges.length).toBe(size);
    before = page.pageInfo.startCursor;
  }
  throw new Error('backward walk did not end');
}
