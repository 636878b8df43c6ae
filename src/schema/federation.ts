/**
 * The Apollo Federation v2 subgraph: the API schema plus `_service { sdl }` and `_entities`.
 * `Conversation`, `Message` and `Source` are entities keyed by their global `id`; the Relay
 * types other subgraphs may define too (`PageInfo`, `node`, `nodes`) are `@shareable`.
 *
 * Entities load through `loadNode` and the per-request DataLoaders, so one `_entities` call
 * with 50 representations makes one batched load per source. Each representation succeeds or
 * fails on its own, like `nodes`: malformed → null + `BAD_USER_INPUT`; absent, foreign or of
 * an unknown source → null + `NOT_FOUND`. Like `nodes`, one call takes at most 100
 * representations (more is `BAD_USER_INPUT` for the whole field, before any load).
 */
import { entitiesField } from '@apollo/subgraph/dist/types.js';
import type { GraphQLFieldResolver, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context.js';
import { requireViewer } from '../context.js';
import { parseGlobalId, type NodeRef } from '../global-id.js';
import { badInput } from '../providers/errors.js';
import { builder } from './builder.js';
import './index.js';
import { settleItem } from './errors.js';
import { loadNode, MAX_NODES } from './node.js';
import { withSyncGlobalIds } from './sync-global-ids.js';
import { ConversationRef, MessageRef, SourceRef } from './refs.js';
import type { ConversationShape, MessageShape, SourceShape } from './shapes.js';

/** The federation spec version the subgraph links. */
export const FEDERATION_LINK_URL = 'https://specs.apollo.dev/federation/v2.6';

type EntityType = NodeRef['type'];
const ENTITY_TYPES: ReadonlySet<string> = new Set<EntityType>(['Source', 'Conversation', 'Message']);

/** Longest `id` a representation may carry (global IDs are far shorter). */
const MAX_REPRESENTATION_ID = 2048;

/**
 * Loads the entity a representation's global ID points at. Async, so that a bad ID rejects
 * only its own slot of `_entities` instead of throwing out of the whole list.
 * @throws GatewayError BAD_USER_INPUT (malformed ID or one of another type), NOT_FOUND
 */
async function loadEntity<T extends SourceShape | ConversationShape | MessageShape>(
  type: T['kind'],
  representation: { id: string },
  context: GatewayContext,
  info: GraphQLResolveInfo,
): Promise<T> {
  requireViewer(context);
  return (await loadNode(context, parseGlobalId(representation.id, type), info)) as T;
}

builder.asEntity(ConversationRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (representation, context, info) => loadEntity<ConversationShape>('Conversation', representation, context, info),
});

builder.asEntity(MessageRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (representation, context, info) => loadEntity<MessageShape>('Message', representation, context, info),
});

builder.asEntity(SourceRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (representation, context, info) => loadEntity<SourceShape>('Source', representation, context, info),
});

/**
 * Why a representation cannot be resolved, or null when it is well-formed. `@apollo/subgraph`
 * throws for the whole list on an unknown `__typename`; checking first keeps it per item.
 */
function representationProblem(representation: unknown): string | null {
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
    return 'a representation must be an object';
  }
  const { __typename: typename, id } = representation as Record<string, unknown>;
  if (typeof typename !== 'string' || !ENTITY_TYPES.has(typename)) {
    return `representation __typename must be one of ${[...ENTITY_TYPES].join(', ')}`;
  }
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_REPRESENTATION_ID) {
    return 'a representation needs the global ID in "id"';
  }
  return null;
}

/**
 * `_entities` with every representation checked and resolved on its own.
 * @throws GatewayError BAD_USER_INPUT for more than `MAX_NODES` representations
 */
const resolveEntities: GraphQLFieldResolver<unknown, GatewayContext, { representations: unknown[] }> = (
  root,
  { representations },
  context,
  info,
) => {
  if (representations.length > MAX_NODES) throw badInput(`_entities takes at most ${MAX_NODES} representations`);
  return representations.map((representation) => {
    const problem = representationProblem(representation);
    if (problem) return badInput(problem);
    // Called synchronously for every item, so their DataLoader loads share one tick and batch.
    const [result] = entitiesField.resolve!(root, { representations: [representation] }, context, info) as unknown[];
    return isPromise(result) ? settleItem(result) : result;
  });
};

/** Builds the subgraph schema (types sorted) from the same builder as the API schema. */
function buildSubgraphSchema(): GraphQLSchema {
  const schema = builder.toSubGraphSchema({ linkUrl: FEDERATION_LINK_URL });
  const entities = schema.getQueryType()?.getFields()._entities;
  if (!entities) throw new Error('the subgraph schema has no _entities field');
  entities.resolve = resolveEntities as GraphQLFieldResolver<unknown, unknown>;
  return withSyncGlobalIds(schema);
}

/** The executable subgraph schema, served when `server.federation` is on. */
export const subgraphSchema = buildSubgraphSchema();

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | null)?.then === 'function';
}
