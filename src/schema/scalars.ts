/**
 * `JSON` (graphql-scalars) for free-form values such as Dify `inputs`, and `File` for the one
 * upload the graph takes (`transcribeAudio`, GraphQL multipart request spec).
 */
import { GraphQLError } from 'graphql';
import { JSONResolver } from 'graphql-scalars';
import { builder } from './builder.js';

builder.addScalarType('JSON', JSONResolver);

builder.scalarType('File', {
  description: 'An uploaded file (GraphQL multipart request); only `transcribeAudio` takes one.',
  serialize: () => {
    throw new GraphQLError('File is an input-only scalar');
  },
  parseValue: (value) => {
    if (typeof File !== 'undefined' && value instanceof File) return value;
    if (value && typeof value === 'object' && typeof (value as Blob).arrayBuffer === 'function') return value as File;
    throw new GraphQLError('File must be a file part of a multipart request', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});
