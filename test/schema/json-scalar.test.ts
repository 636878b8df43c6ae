import { parseValue } from 'graphql';
import { describe, expect, it } from 'vitest';
import { JSONScalar, jsonLiteral } from '../../src/schema/scalars.js';

describe('JSON scalar', () => {
  it('passes values through unchanged both ways', () => {
    const value = { a: [1, 'two', null, { b: true }] };
    expect(JSONScalar.serialize(value)).toBe(value);
    expect(JSONScalar.parseValue(value)).toBe(value);
  });

  it('reads literals as plain JSON values, variables included', () => {
    const literal = parseValue('{ text: "hi", n: 3, f: 1.5, ok: false, none: null, list: [1, $v], nested: { x: $missing } }');
    expect(jsonLiteral(literal, { v: { from: 'variable' } })).toEqual({
      text: 'hi',
      n: 3,
      f: 1.5,
      ok: false,
      none: null,
      list: [1, { from: 'variable' }],
      nested: { x: undefined },
    });
    expect(Object.getPrototypeOf(jsonLiteral(parseValue('{ a: 1 }')))).toBeNull();
    expect(jsonLiteral(parseValue('SOME_ENUM'))).toBeUndefined();
  });

  it('is specified by ECMA-404', () => {
    expect(JSONScalar.specifiedByURL).toBe('http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf');
  });
});
