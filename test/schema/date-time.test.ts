/**
 * The DateTime scalar: ISO 8601 UTC out, whatever times come one after another (it keeps the
 * last one's text), and an invalid date is refused every time.
 */
import type { GraphQLScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';

const dateTime = schema.getType('DateTime') as GraphQLScalarType;

describe('DateTime', () => {
  it('serializes each time to its own ISO 8601 text, repeated or not', () => {
    const times = [1773496800000, 1773496800000, 1773496801000, 1773496800000, 0];
    expect(times.map((time) => dateTime.serialize(new Date(time)))).toEqual(times.map((time) => new Date(time).toISOString()));
    expect(dateTime.serialize('2026-03-15T13:59:11Z')).toBe('2026-03-15T13:59:11.000Z');
  });

  it('refuses an invalid date, also right after a valid one', () => {
    expect(dateTime.serialize(new Date(5))).toBe('1970-01-01T00:00:00.005Z');
    expect(() => dateTime.serialize(new Date(Number.NaN))).toThrow('DateTime cannot represent an invalid date');
    expect(() => dateTime.serialize('not a date')).toThrow('DateTime cannot represent an invalid date');
  });

  it('parses ISO 8601 input and refuses anything else with BAD_USER_INPUT', () => {
    expect((dateTime.parseValue('2026-03-15T13:59:11.000Z') as Date).getTime()).toBe(Date.UTC(2026, 2, 15, 13, 59, 11));
    expect(() => dateTime.parseValue(42)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }));
  });
});
