/**
 * A small second subgraph for composition tests: a ticketing service that extends our
 * `Conversation` entity (keyed by its global `id`) with a `ticket` field and lists open tickets
 * that point back at conversations. graphql-yoga + `@apollo/subgraph` on a loopback port.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

export const TICKETS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Conversation @key(fields: "id") {
    id: ID!
    "The support ticket opened for this conversation, if any."
    ticket: Ticket
  }

  type Ticket {
    number: Int!
    priority: String!
    conversation: Conversation!
  }

  type Query {
    openTickets: [Ticket!]!
  }
`;

interface Ticket {
  number: number;
  priority: string;
  conversationId: string;
}

export interface TicketsSubgraph {
  url: string;
  /** The `representations` of every `_entities` call received, in order. */
  entityCalls: unknown[][];
  close(): Promise<void>;
}

/** Starts the tickets subgraph with one ticket per given conversation global ID. */
export async function startTicketsSubgraph(conversationIds: readonly string[]): Promise<TicketsSubgraph> {
  const tickets = new Map<string, Ticket>(
    conversationIds.map((conversationId, index) => [
      conversationId,
      { number: 1000 + index, priority: index % 2 === 0 ? 'high' : 'low', conversationId },
    ]),
  );
  const entityCalls: unknown[][] = [];
  const schema = buildSubgraphSchema({
    typeDefs: parse(TICKETS_SDL),
    resolvers: {
      Query: { openTickets: () => [...tickets.values()] },
      Conversation: {
        __resolveReference: (reference: { id: string }) => reference,
        ticket: (conversation: { id: string }) => tickets.get(conversation.id) ?? null,
      },
      Ticket: { conversation: (ticket: Ticket) => ({ __typename: 'Conversation', id: ticket.conversationId }) },
    } as never,
  });
  const yoga = createYoga({
    schema,
    logging: false,
    plugins: [
      {
        onParams({ params }) {
          const representations = (params.variables as { representations?: unknown[] } | undefined)?.representations;
          if (params.query?.includes('_entities') && representations) entityCalls.push(representations);
        },
      },
    ],
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    entityCalls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
