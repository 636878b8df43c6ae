/**
 * The printed forms of the schema, as checked in: `schema.graphql` (the client-facing API schema,
 * what codegen reads) and `subgraph.graphql` (the Federation v2 subgraph SDL with `@link`, `@key`
 * and `@shareable`, what composition reads; the same text `_service { sdl }` answers).
 */
import { printSubgraphSchema } from '@apollo/subgraph';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { subgraphSchema } from './federation.js';
import { schema } from './index.js';

/** SDL of the API schema with types and fields sorted, ending in a newline. */
export function printSchemaFile(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** Federation subgraph SDL (`printSubgraphSchema`, types sorted), ending in a newline. */
export function printSubgraphSchemaFile(): string {
  return `${printSubgraphSchema(subgraphSchema)}\n`;
}
