/**
 * `JSON` for free-form values such as Dify `inputs`, and `File` for the uploads the graph takes
 * (`transcribeAudio`, `sendMessage` files; GraphQL multipart request spec).
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { builder } from './builder.js';

const ECMA_404 = 'http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf';

/**
 * A JSON literal in a document as a plain value: strings and booleans as they are, numbers as
 * floats, objects (null-prototype) and lists recursively, variables looked up in `variables`.
 * Enum literals have no JSON meaning and give undefined.
 */
export function jsonLiteral(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number.parseFloat(ast.value);
    case Kind.OBJECT: {
      const value: Record<string, unknown> = Object.create(null);
      for (const field of ast.fields) value[field.name.value] = jsonLiteral(field.value, variables);
      return value;
    }
    case Kind.LIST:
      return ast.values.map((item) => jsonLiteral(item, variables));
    case Kind.NULL:
      return null;
    case Kind.VARIABLE:
      return variables ? variables[ast.name.value] : undefined;
    default:
      return undefined;
  }
}

/**
 * The `JSON` scalar: any JSON value, passed through unchanged. The same definition (name,
 * description, `@specifiedBy`, literal parsing) as graphql-scalars' `JSON`, written here because
 * that package's entry module loads and builds all of its ~80 scalars at start-up for this one.
 */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: `The \`JSON\` scalar type represents JSON values as specified by [ECMA-404](${ECMA_404}).`,
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: jsonLiteral,
  specifiedByURL: ECMA_404,
});

builder.addScalarType('JSON', JSONScalar);

builder.scalarType('File', {
  description: 'An uploaded file (GraphQL multipart request), taken by `transcribeAudio` and `sendMessage` only.',
  serialize: () => {
    throw new GraphQLError('File is an input-only scalar');
  },
  parseValue: (value) => {
    if (typeof File !== 'undefined' && value instanceof File) return value;
    if (value && typeof value === 'object' && typeof (value as Blob).arrayBuffer === 'function') return value as File;
    throw new GraphQLError('File must be a file part of a multipart request', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});
