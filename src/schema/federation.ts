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
import { printSubgraphSchema } from '@apollo/subgraph';
import { EntityType, entitiesField, serviceField } from '@apollo/subgraph/dist/types.js';
import { hasResolvableKey } from '@pothos/plugin-federation';
import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLUnionType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  lexicographicSortSchema,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
} from 'graphql';
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import { parseGlobalId, type NodeRef } from '../core/global-id.js';
import { badInput } from '../core/errors.js';
import { builder } from './builder.js';
import { schema as apiSchema } from './index.js';
import { settleItem } from './errors.js';
import { loadNode, MAX_NODES } from './node.js';
import { withSyncGlobalIds } from './sync-global-ids.js';
import { ConversationObject, MessageObject, SourceObject } from './refs.js';
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

builder.asEntity(ConversationObject, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (representation, context, info) => loadEntity<ConversationShape>('Conversation', representation, context, info),
});

builder.asEntity(MessageObject, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (representation, context, info) => loadEntity<MessageShape>('Message', representation, context, info),
});

builder.asEntity(SourceObject, {
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

/** The directives Pothos' federation plugin can put on types and fields. */
const FEDERATION_DIRECTIVES: ReadonlySet<string> = new Set([
  'authenticated',
  'cost',
  'external',
  'inaccessible',
  'interfaceObject',
  'key',
  'listSize',
  'override',
  'policy',
  'provides',
  'requires',
  'requiresScopes',
  'shareable',
  'tag',
]);

/** Names of the directives in a Pothos `extensions.directives` (a list, or an object by name). */
function directiveNames(extensions: { directives?: unknown } | null | undefined): string[] {
  const directives = extensions?.directives;
  if (!directives) return [];
  if (Array.isArray(directives)) return directives.map((directive: { name: string }) => directive.name);
  return Object.keys(directives);
}

/**
 * The federation directives `@link` imports, sorted (`@key`, `@shareable`, …): `@key` for the
 * entities registered above, and every federation directive the API schema's types, fields,
 * arguments and values carry (the federation plugin adds them on every build, so the API
 * schema has them all but the entities' `@key`).
 */
function importedDirectives(schema: GraphQLSchema): string[] {
  const used = new Set<string>(['key']);
  const note = (extensions: { directives?: unknown } | null | undefined) => {
    for (const name of directiveNames(extensions)) if (FEDERATION_DIRECTIVES.has(name)) used.add(name);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    note(type.extensions);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        note(field.extensions);
        for (const arg of field.args) note(arg.extensions);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) note(field.extensions);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) note(value.extensions);
    }
  }
  return [...used].map((name) => `@${name}`).sort();
}

/**
 * Pothos' `builder.toSubGraphSchema`, less its two costs at start-up: it builds the schema an
 * extra time to find the directives to import (read here from the API schema instead), and it
 * prints the subgraph SDL for `_service { sdl }` at once, which validates the whole subgraph
 * with Apollo's federation library (~150 ms). The SDL is printed on the first `_service`
 * query instead, and kept. Otherwise the same steps: build with `@link`, add `_entities` (when
 * there are entities) and `_service` to `Query`, sort the types.
 */
function toSubgraphSchema(linkUrl: string): GraphQLSchema {
  const built = builder.toSchema({
    extensions: { directives: [{ name: 'link', args: { url: linkUrl, import: importedDirectives(apiSchema) } }] },
  });
  const queryType = built.getQueryType();
  if (!queryType) throw new Error('the schema has no Query type');
  const types = built.getTypeMap();
  const entityTypes = Object.values(types).filter((type): type is GraphQLObjectType => isObjectType(type) && hasResolvableKey(type));
  let sdl: string | undefined;
  const query: GraphQLObjectType = new GraphQLObjectType({
    name: queryType.name,
    description: queryType.description,
    astNode: queryType.astNode,
    extensions: queryType.extensions,
    fields: () => {
      const entityUnion = new GraphQLUnionType({
        ...EntityType.toConfig(),
        types: entityTypes.map((type) => (type === queryType ? query : type)),
      });
      return {
        ...(entityTypes.length > 0 ? { _entities: { ...entitiesField, type: new GraphQLNonNull(new GraphQLList(entityUnion)) } } : {}),
        _service: { ...serviceField, resolve: () => ({ sdl: (sdl ??= printSubgraphSchema(sorted)) }) },
        ...queryType.toConfig().fields,
      };
    },
  });
  const sorted = lexicographicSortSchema(
    new GraphQLSchema({
      query,
      mutation: built.getMutationType(),
      subscription: built.getSubscriptionType(),
      extensions: built.extensions,
      directives: built.getDirectives(),
      extensionASTNodes: built.extensionASTNodes,
      types: [...Object.values(types).filter((type) => type.name !== queryType.name), query],
    }),
  );
  return sorted;
}

/** Builds the subgraph schema (types sorted) from the same builder as the API schema. */
function buildSubgraphSchema(): GraphQLSchema {
  const schema = toSubgraphSchema(FEDERATION_LINK_URL);
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
