import { GraphQLError } from 'graphql';
import { builder } from './builder.js';

/** ISO 8601 UTC strings on the wire (`2026-03-15T13:59:11.000Z`); `Date` inside. */
builder.scalarType('DateTime', {
  description: 'A point in time as an ISO 8601 UTC string, e.g. `2026-03-15T13:59:11.000Z`.',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new GraphQLError('DateTime must be an ISO 8601 string', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return date;
  },
});
