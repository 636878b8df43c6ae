/**
 * The printed form of the schema, as checked in at `schema.graphql`.
 */
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './index.js';

/** SDL of the schema with types and fields sorted, ending in a newline. */
export function printSchemaFile(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
