/**
 * `MessageConnection`: one conversation's messages, oldest first, in pages read through the
 * source's adapter. Cursors are bound to the conversation and the viewer.
 */
import type { GatewayContext } from '../context.js';
import { requireViewer } from '../context.js';
import { badInput } from '../providers/errors.js';
import { builder } from './builder.js';
import { parseConnectionArgs, type ConnectionArgs } from './connection-args.js';
import { lazyPage } from './lazy-edges.js';
import { MessageRef } from './refs.js';
import { messageShape, type MessageShape } from './shapes.js';

export const MessageConnection = builder.connectionObject(
  {
    type: MessageRef,
    name: 'MessageConnection',
    description: 'Messages of one conversation, oldest first.',
  },
  { name: 'MessageEdge' },
);

const scopeOf = (sourceId: string, conversationId: string) => `messages\u0000${sourceId}\u0000${conversationId}`;

/**
 * Resolves a page of a conversation's messages.
 * `last: 20` is the newest twenty; `before` scrolls into older history; `first/after` reads
 * from the start.
 * @throws GatewayError BAD_USER_INPUT (arguments, cursor), NOT_FOUND, upstream codes
 */
export async function resolveMessageConnection(
  context: GatewayContext,
  sourceId: string,
  conversationId: string,
  args: ConnectionArgs,
) {
  const viewer = requireViewer(context);
  const request = parseConnectionArgs(args);
  const scope = scopeOf(sourceId, conversationId);
  const { cursors } = context.gateway;
  let key: string | null = null;
  if (request.cursor !== null) {
    const payload = cursors.decode(scope, viewer.id, request.cursor);
    if (typeof payload !== 'string' || payload.length === 0) throw badInput('invalid cursor');
    key = payload;
  }
  const loaders = context.loaders.forSource(sourceId);
  // A zero-size page still asks for one item, to answer hasNextPage/hasPreviousPage truthfully.
  const slice = await loaders.messagePage.load({
    conversationId,
    page: { direction: request.direction, cursor: key, limit: Math.max(1, request.limit) },
  });
  const messages = request.limit === 0 ? [] : slice.messages;
  const more = request.limit === 0 ? slice.messages.length > 0 : slice.hasMore;
  return lazyPage(
    messages,
    (record) => messageShape(sourceId, record) as MessageShape,
    (record) => cursors.encode(scope, viewer.id, record.key),
    {
      hasNextPage: request.direction === 'forward' ? more : key !== null,
      hasPreviousPage: request.direction === 'backward' ? more : key !== null,
    },
  );
}
