/**
 * `validateInputs`: Dify's `_validate_inputs` rules plus the refusal of unknown variables, each
 * error naming the variable.
 */
import { describe, expect, it } from 'vitest';
import type { AppInputFieldRecord } from '../../../src/core/app-records.js';
import { validateInputs } from '../../../src/providers/dify/input-validation.js';

const field = (kind: AppInputFieldRecord['kind'], variable: string, extra: Partial<AppInputFieldRecord> = {}): AppInputFieldRecord => ({
  kind,
  upstreamKind: kind.toLowerCase(),
  variable,
  label: variable,
  required: false,
  maxLength: null,
  options: null,
  defaultValue: null,
  allowedFileTypes: null,
  allowedFileExtensions: null,
  allowedUploadMethods: null,
  ...extra,
});

const FORM = [
  field('TEXT', 'name', { maxLength: 5, required: true }),
  field('SELECT', 'plan', { options: ['a', 'b'] }),
  field('NUMBER', 'seats'),
  field('FILE_LIST', 'docs', { maxLength: 2 }),
  field('FILE', 'photo'),
  field('OTHER', 'weather'),
];
const check = (inputs: Record<string, unknown>, starts = true) => () => validateInputs(FORM, inputs, starts, 'assistant');

describe('validateInputs', () => {
  it('accepts values that fit, numbers as numbers or numeric strings', () => {
    expect(check({ name: 'Ann', plan: 'a', seats: '3', docs: [{}, {}], photo: {}, weather: 42 })).not.toThrow();
    for (const seats of [3, 2.5, '2.5', '.5', ' 7 ', '-1']) expect(check({ name: 'Ann', seats })).not.toThrow();
    // Five code points, ten UTF-16 units.
    expect(check({ name: '🏔🏔🏔🏔🏔' })).not.toThrow();
  });

  it('refuses with BAD_USER_INPUT naming the variable', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: 'Ann', nmae: 'x' }, /^inputs\.nmae is not a variable/],
      [{}, /^inputs\.name is required/],
      [{ name: '' }, /^inputs\.name is required/],
      [{ name: 'Annabel' }, /^inputs\.name must be at most 5 characters$/],
      [{ name: 5 }, /^inputs\.name must be a string$/],
      [{ name: 'Ann', plan: 'c' }, /^inputs\.plan must be one of: a, b$/],
      [{ name: 'Ann', seats: 'many' }, /^inputs\.seats must be a number$/],
      [{ name: 'Ann', seats: '1e3x' }, /^inputs\.seats must be a number$/],
      [{ name: 'Ann', docs: [{}, {}, {}] }, /^inputs\.docs must be at most 2 files$/],
      [{ name: 'Ann', docs: ['a'] }, /^inputs\.docs must be a list of file objects$/],
      [{ name: 'Ann', photo: 'x' }, /^inputs\.photo must be a file object$/],
    ];
    for (const [inputs, message] of cases) {
      expect(check(inputs), JSON.stringify(inputs)).toThrow(message);
      try {
        check(inputs)();
      } catch (error) {
        expect((error as { code: string }).code).toBe('BAD_USER_INPUT');
      }
    }
  });

  it('checks required variables only when the send starts a conversation', () => {
    expect(check({}, false)).not.toThrow();
    expect(check({ name: 'Annabel' }, false)).toThrow(/at most 5/);
  });
});
