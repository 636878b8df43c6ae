/**
 * The Pothos schema builder: plugins and their options, nothing else. Types live one per file
 * beside this one; src/schema/index.ts imports them all and builds the schema.
 */
import SchemaBuilder from '@pothos/core';
import DirectivePlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import type { GatewayContext } from './context.js';
import { decodeGlobalId, encodeGlobalId } from '../core/global-id.js';

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    File: { Input: File; Output: never };
  };
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  // Fields are non-null unless they say otherwise: every field that needs an upstream call
  // opts in to `nullable: true`, so one failure nulls one path.
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  // Federation adds `@key`/`@shareable` to the subgraph schema (src/schema/federation.ts); it
  // needs the directives plugin, and comes after the relay plugin whose types it annotates.
  plugins: [DirectivePlugin, RelayPlugin, FederationPlugin],
  relay: {
    cursorType: 'String',
    // Relay mutations echo an optional `clientMutationId` from input to payload.
    clientMutationId: 'optional',
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, String(id)),
    decodeGlobalID: (globalId) => decodeGlobalId(globalId),
    // `node`/`nodes` are written in node.ts so that each id fails or succeeds on its own.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    nodeTypeOptions: {
      description: [
        'An object with a global ID. The rule of this graph: every field named `id`, in every type, is',
        'the `ID!` of a type implementing `Node`, unique across all types and sources, so normalizing',
        'caches can key on it (Relay on `id` alone, urql and Apollo on `__typename:id`). A backend\'s',
        'own id lives in a field with another name (`externalId`).',
      ].join(' '),
    },
    // Other subgraphs of a federated graph may define their own Relay PageInfo.
    pageInfoTypeOptions: { shareable: true },
  },
});

builder.queryType({});
builder.mutationType({ description: 'Writes: each takes one `input` object and answers a payload object; none is retried.' });
