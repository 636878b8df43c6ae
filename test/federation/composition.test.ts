/**
 * Our subgraph composed with a second one (tickets, extending `Conversation`) into a supergraph,
 * served by Hive Gateway's runtime in-process; both subgraphs answer over real HTTP on loopback.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../scripts/compose-supergraph.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startTicketsSubgraph, TICKETS_SDL, type TicketsSubgraph } from './tickets-subgraph.js';

let history: TestGateway;
let historyServer: Server;
let historyUrl: string;
let tickets: TicketsSubgraph;
let supergraph: string;
let runtime: GatewayRuntime;
let page: Array<{ id: string; title: string | null; source: { name: string } }>;

beforeAll(async () => {
  history = await startTestGateway();
  historyServer = createServer(history.yoga);
  await new Promise<void>((resolve) => historyServer.listen(0, '127.0.0.1', resolve));
  historyUrl = `http://127.0.0.1:${(historyServer.address() as AddressInfo).port}/graphql`;

  const { data } = await history.query(`{ conversations(first: 6) { edges { node { id title source { name } } } } }`);
  page = data.conversations.edges.map((edge: { node: (typeof page)[number] }) => edge.node);
  // Tickets for the 1st, 3rd and 4th conversations of the merged list.
  tickets = await startTicketsSubgraph([page[0]!.id, page[2]!.id, page[3]!.id]);

  // What a schema registry does: read our SDL from the running subgraph.
  const service = await fetch(historyUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const sdl = ((await service.json()) as { data: { _service: { sdl: string } } }).data._service.sdl;
  supergraph = composeSupergraph([
    { name: 'history', url: historyUrl, sdl },
    { name: 'tickets', url: tickets.url, sdl: TICKETS_SDL },
  ]);
  runtime = createGatewayRuntime({
    supergraph,
    logging: false,
    // The viewer travels from the client to the history subgraph; nothing else does.
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) =>
        subgraphName === 'history' ? { 'x-chat-user': request.headers.get('x-chat-user') } : {},
    },
  });
});

afterAll(async () => {
  await runtime?.dispose();
  await tickets?.close();
  await new Promise<void>((resolve) => {
    historyServer?.closeAllConnections();
    historyServer?.close(() => resolve());
  });
  await history?.close();
});

async function viaGateway(query: string, viewer: string | null = 'demo-user') {
  const response = await runtime.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(viewer ? { 'x-chat-user': viewer } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> };
}

/** Another Relay subgraph: its own Node types, PageInfo and node/nodes. */
const RELAY_SUBGRAPH_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])
  interface Node { id: ID! }
  type PageInfo @shareable { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
  type Article implements Node @key(fields: "id") { id: ID! title: String! }
  type ArticleEdge { cursor: String! node: Article! }
  type ArticleConnection { edges: [ArticleEdge!]! pageInfo: PageInfo! }
  type Query {
    articles(first: Int, after: String): ArticleConnection!
    node(id: ID!): Node @shareable
    nodes(ids: [ID!]!): [Node]! @shareable
  }
`;

describe('composition', () => {
  it('composes with another Relay subgraph thanks to @shareable PageInfo, node and nodes', () => {
    const ours = readFileSync(new URL('../../subgraph.graphql', import.meta.url), 'utf8');
    const relay = { name: 'articles', url: 'http://127.0.0.1:9/graphql', sdl: RELAY_SUBGRAPH_SDL };
    expect(composeSupergraph([{ name: 'history', url: historyUrl, sdl: ours }, relay])).toMatch(/type Article implements Node/);
    // Without the directives the same pair does not compose.
    const unshared = ours.replace(/\s+@shareable/g, '');
    expect(() => composeSupergraph([{ name: 'history', url: historyUrl, sdl: unshared }, relay])).toThrow(
      /Non-shareable field "PageInfo\.hasNextPage"[\s\S]*"Query\.node"[\s\S]*"Query\.nodes"/,
    );
  });

  it('composes our subgraph with one that extends Conversation', () => {
    expect(supergraph).toMatch(/join__graph\(name: "history", url: "http:\/\/127\.0\.0\.1:\d+\/graphql"\)/);
    expect(supergraph).toMatch(/type Conversation implements Node @join__type\(graph: HISTORY, key: "id"\) @join__type\(graph: TICKETS, key: "id"\)/);
    expect(supergraph).toMatch(/type PageInfo @join__type\(graph: HISTORY\)/);
  });
});

describe('Hive Gateway on the supergraph', () => {
  it('serves a connection page from our subgraph with the field from the other one', async () => {
    const { data, errors } = await viaGateway(/* GraphQL */ `{
      conversations(first: 6) {
        edges { cursor node { id title source { name } ticket { number priority } } }
        pageInfo { hasNextPage endCursor }
      }
    }`);
    expect(errors).toBeUndefined();
    const nodes = data.conversations.edges.map((edge: { node: unknown }) => edge.node);
    expect(nodes.map(({ ticket, ...rest }: any) => rest)).toEqual(page);
    expect(nodes.map((node: any) => node.ticket?.number ?? null)).toEqual([1000, null, 1001, 1002, null, null]);
    expect(data.conversations.pageInfo.hasNextPage).toBe(true);
    // The gateway fetched every ticket in one batched _entities call.
    expect(tickets.entityCalls.at(-1)).toHaveLength(6);
  });

  it('resolves our entities for the other subgraph through _entities', async () => {
    const selection = `id title source { name } messages(last: 2) { edges { node { role text } } }`;
    const { data, errors } = await viaGateway(`{ openTickets { number conversation { ${selection} } } }`);
    expect(errors).toBeUndefined();
    expect(data.openTickets.map((ticket: any) => ticket.number)).toEqual([1000, 1001, 1002]);
    // The same answer as asking our subgraph directly.
    const ids = [page[0]!.id, page[2]!.id, page[3]!.id];
    const direct = await history.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Conversation { ${selection} } } }`, { ids });
    expect(direct.errors).toBeUndefined();
    expect(data.openTickets.map((ticket: any) => ticket.conversation)).toEqual(direct.data.nodes);
    for (const ticket of data.openTickets) expect(ticket.conversation.messages.edges).toHaveLength(2);
  });

  it('keeps the viewer rule: no viewer, no history data', async () => {
    const { data, errors } = await viaGateway(`{ conversations(first: 1) { edges { node { id } } } }`, null);
    expect(data?.conversations ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
