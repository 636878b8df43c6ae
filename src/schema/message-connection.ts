/**
 * `MessageConnection`: one conversation's messages, oldest first, in pages read through the
 * source's adapter. Cursors are bound to the conversation and the viewer.
 */
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import type { MessagePageKey } from '../loaders/index.js';
import { badInput } from '../core/errors.js';
import { builder } from './builder.js';
import { parseConnectionArgs, type ConnectionArgs, type PageRequest } from './connection-args.js';
import { lazyPage } from './lazy-edges.js';
import { MessageObject } from './refs.js';
import { messageShape, type MessageShape } from './shapes.js';

export const MessageConnection = builder.connectionObject(
  {
    type: MessageObject,
    name: 'MessageConnection',
    description: 'Messages of one conversation, oldest first.',
  },
  { name: 'MessageEdge' },
);

const scopeOf = (sourceId: string, conversationId: string) => `messages\u0000${sourceId}\u0000${conversationId}`;

/**
 * The message-page load that `resolveMessageConnection` makes for `args`, so that a caller that
 * loads it first (to learn whether the conversation is the viewer's) shares the one upstream read.
 * @throws GatewayError BAD_USER_INPUT (arguments, cursor)
 */
export function messagePageKeyFor(
  context: GatewayContext,
  sourceId: string,
  conversationId: string,
  args: ConnectionArgs,
): MessagePageKey {
  return messagePageKeyOf(context, sourceId, conversationId, parseConnectionArgs(args));
}

function messagePageKeyOf(
  context: GatewayContext,
  sourceId: string,
  conversationId: string,
  request: PageRequest,
): MessagePageKey {
  const viewer = requireViewer(context);
  let key: string | null = null;
  if (request.cursor !== null) {
    const payload = context.gateway.cursors.decode(scopeOf(sourceId, conversationId), viewer.id, request.cursor);
    if (typeof payload !== 'string' || payload.length === 0) throw badInput('invalid cursor');
    key = payload;
  }
  // A zero-size page still asks for one item, to answer hasNextPage/hasPreviousPage truthfully.
  return { conversationId, page: { direction: request.direction, cursor: key, limit: Math.max(1, request.limit) } };
}

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
  const pageKey = messagePageKeyOf(context, sourceId, conversationId, request);
  const key = pageKey.page.cursor;
  const slice = await context.loaders.forSource(sourceId).messagePage.load(pageKey);
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
