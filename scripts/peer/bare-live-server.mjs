/**
 * The reference of `npm run bench:live`: a bare graphql-yoga 5 server with graphql-ws 6 on `ws`
 * and yoga's in-memory pub/sub, set up as their documentation shows and with nothing tuned — the
 * floor of this stack for live updates. Plain JavaScript on bare Node.
 *
 * It serves the same subscription shape as the gateway (`messageAdded(conversationId: ID!)`
 * with `id externalId text createdAt`) over SSE (POST /graphql, `accept: text/event-stream`) and
 * graphql-ws (`/graphql`), and takes the same signed Chatwoot webhooks on POST
 * `/webhooks/support` (HMAC-SHA256 of `<timestamp>.<body>` with `CHATWOOT_WEBHOOK_SECRET`,
 * header `x-chatwoot-signature: sha256=<hex>`), publishing each `message_created` to the
 * subscribers of its conversation, keyed by the conversation's Chatwoot display id
 * (`conversation.display_id`, else `conversation.id`; so a subscriber passes e.g. `"1"`). No auth, no ownership check, no upstream.
 *
 * Listens on a free loopback port and prints `listening http://127.0.0.1:<port>/graphql`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

const secret = process.env.CHATWOOT_WEBHOOK_SECRET;
if (!secret) throw new Error('CHATWOOT_WEBHOOK_SECRET is required');

// Thousands of subscribers listen on one topic: no listener-leak warning for that.
const eventTarget = new EventTarget();
setMaxListeners(0, eventTarget);
const pubSub = createPubSub({ eventTarget });
const schema = createSchema({
  typeDefs: /* GraphQL */ `
    type Message {
      id: ID!
      externalId: String!
      text: String
      createdAt: String
    }
    type Query {
      ok: Boolean!
    }
    type Subscription {
      messageAdded(conversationId: ID!): Message!
    }
  `,
  resolvers: {
    Query: { ok: () => true },
    Subscription: {
      messageAdded: {
        subscribe: (_root, { conversationId }) => pubSub.subscribe('messageAdded', String(conversationId)),
        resolve: (message) => message,
      },
    },
  },
});

const yoga = createYoga({ schema, graphiql: false, landingPage: false, logging: 'error' });

/** Reads a whole request body as a string. */
function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Whether the Chatwoot signature headers match `body`. */
function signed(request, body) {
  const timestamp = String(request.headers['x-chatwoot-timestamp'] ?? '');
  const given = Buffer.from(String(request.headers['x-chatwoot-signature'] ?? ''));
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = createServer(async (request, response) => {
  if (request.method !== 'POST' || request.url !== '/webhooks/support') return yoga(request, response);
  const body = await readBody(request);
  if (!signed(request, body)) return response.writeHead(401).end();
  let event;
  try {
    event = JSON.parse(body);
  } catch {
    return response.writeHead(400).end();
  }
  if (event.event === 'message_created' && event.conversation) {
    pubSub.publish('messageAdded', String(event.conversation.display_id ?? event.conversation.id), {
      id: `chatwoot:${event.id}`,
      externalId: String(event.id),
      text: event.content,
      createdAt: event.created_at,
    });
  }
  response.writeHead(200).end();
});

// graphql-ws over yoga's envelop, as yoga's documentation shows.
const wsServer = new WebSocketServer({ server, path: '/graphql' });
useServer(
  {
    execute: (args) => args.rootValue.execute(args),
    subscribe: (args) => args.rootValue.subscribe(args),
    onSubscribe: async (context, _id, params) => {
      const { schema: enveloped, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
        ...context,
        req: context.extra.request,
        socket: context.extra.socket,
        params,
      });
      const args = {
        schema: enveloped,
        operationName: params.operationName,
        document: parse(params.query),
        variableValues: params.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      const errors = validate(args.schema, args.document);
      return errors.length > 0 ? errors : args;
    },
  },
  wsServer,
);

server.listen(0, '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`listening http://127.0.0.1:${port}/graphql\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  process.exit(0);
});
