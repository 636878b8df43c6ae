/**
 * Opening one conversation by id (`Query.conversation`, `Source.conversation`, `node`, `nodes`,
 * `_entities`, `Message.conversation`) with only the upstream calls the selection needs.
 *
 * Backends have no cheap "does this conversation exist" call (Dify has no get-one call at all:
 * its record comes from scanning the viewer's list), but every message read already answers it:
 * a missing or foreign conversation is `NOT_FOUND` there (the adapter contract). So when the
 * selection needs nothing but the id and `messages`, the messages page is read first — the very
 * load `Conversation.messages` makes next, shared through the request's DataLoader — and decides
 * whether the conversation is there; the list is read only for fields that need the record
 * (title, status, dates…). Either way a foreign or absent id is null + NOT_FOUND at the
 * conversation's own path, exactly as before.
 */
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from './context.js';
import type { MessagePageKey, SourceLoaders } from '../loaders/index.js';
import { isGatewayError, notFound } from '../core/errors.js';
import type { ConversationRecord } from '../core/records.js';
import { messagePageKeyFor } from './message-connection.js';
import { argumentsOf, selectedFields } from './selection.js';
import { conversationReference, conversationShape, type ConversationShape } from './shapes.js';

/** `Conversation` fields answered without the conversation's record. */
const FIELDS_WITHOUT_RECORD: ReadonlySet<string> = new Set(['__typename', 'id', 'externalId', 'source', 'messages']);

/** True when the selection on the returned conversation needs its record (title, status, dates…). */
export function selectionNeedsRecord(info: GraphQLResolveInfo): boolean {
  for (const name of selectedFields(info, 'Conversation').keys()) if (!FIELDS_WITHOUT_RECORD.has(name)) return true;
  return false;
}

/**
 * Opens `externalId` in `sourceId` for the field being resolved.
 * @returns the full shape, or a reference (`partial`) when no selected field needs the record
 * @throws GatewayError NOT_FOUND when it is absent or not the viewer's; upstream codes when the
 *   deciding read fails
 */
export async function openConversation(
  context: GatewayContext,
  info: GraphQLResolveInfo,
  sourceId: string,
  externalId: string,
): Promise<ConversationShape> {
  const source = context.gateway.sources.get(sourceId);
  if (!source) throw notFound('conversation');
  const loaders = context.loaders.forSource(sourceId);
  const canonical = source.adapter.canonicalConversationId?.(externalId);
  if (canonical === null) throw notFound('conversation', sourceId);
  if (canonical !== undefined && !selectionNeedsRecord(info)) {
    const messages = selectedFields(info, 'Conversation').get('messages') ?? [];
    if (await provenByMessages(context, info, loaders, sourceId, canonical, messages)) {
      return conversationReference(sourceId, canonical);
    }
  }
  return conversationShape(sourceId, await loadRecord(loaders, sourceId, externalId));
}

/**
 * The record behind a shape: its own, or (for a reference) loaded through the request's loader.
 * @throws GatewayError NOT_FOUND when the conversation is gone or not the viewer's
 */
export async function recordOf(context: GatewayContext, shape: ConversationShape): Promise<ConversationRecord> {
  if (!shape.partial) return shape.record;
  return loadRecord(context.loaders.forSource(shape.sourceId), shape.sourceId, shape.record.externalId);
}

async function loadRecord(loaders: SourceLoaders, sourceId: string, externalId: string): Promise<ConversationRecord> {
  const record = await loaders.conversation.load(externalId);
  if (!record) throw notFound('conversation', sourceId);
  return record;
}

/**
 * Loads the first well-formed `messages` page of the selection.
 * @returns true when it was read (the conversation is the viewer's); false when nothing was
 *   proven (no usable `messages` field, or a failure that does not say "absent")
 * @throws GatewayError NOT_FOUND when the read says the conversation is absent or foreign
 */
async function provenByMessages(
  context: GatewayContext,
  info: GraphQLResolveInfo,
  loaders: SourceLoaders,
  sourceId: string,
  conversationId: string,
  nodes: readonly FieldNode[],
): Promise<boolean> {
  for (const node of nodes) {
    const args = argumentsOf(info, 'Conversation', node);
    if (!args) continue;
    let key: MessagePageKey;
    try {
      key = messagePageKeyFor(context, sourceId, conversationId, args);
    } catch {
      // Bad arguments or cursor: the messages field reports them at its own path.
      continue;
    }
    try {
      await loaders.messagePage.load(key);
      return true;
    } catch (error) {
      if (isGatewayError(error) && error.code === 'NOT_FOUND') throw notFound('conversation', sourceId);
      // Anything else (a stale cursor, an upstream failure) proves nothing: the record decides.
      return false;
    }
  }
  return false;
}
