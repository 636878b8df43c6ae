import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';

/**
 * The last time serialized and its text: the two halves of a Dify exchange, and neighbours in a
 * page, often share one, and `toISOString` is one of the costlier steps of serializing a message.
 */
const last = { time: Number.NaN, text: '' };

/** ISO 8601 UTC strings on the wire (`2026-03-15T13:59:11.000Z`); `Date` inside. */
builder.scalarType('DateTime', {
  description: 'A point in time as an ISO 8601 UTC string, e.g. `2026-03-15T13:59:11.000Z`.',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(value as string);
    const time = date.getTime();
    if (time === last.time) return last.text;
    if (Number.isNaN(time)) throw new GraphQLError('DateTime cannot represent an invalid date');
    last.time = time;
    last.text = date.toISOString();
    return last.text;
  },
  parseValue: parseDateTime,
  // A literal is one string, never a variable inside: one parameter, so graphql-jit takes it as
  // such (graphql-js's default takes the variables too, and graphql-jit warns on stderr about it).
  parseLiteral: (node) => parseDateTime(node.kind === Kind.STRING ? node.value : undefined),
});

/**
 * An ISO 8601 string as a `Date`.
 * @throws GraphQLError BAD_USER_INPUT for anything else
 */
function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an ISO 8601 string', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
}
