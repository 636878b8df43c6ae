/**
 * Checks a send's `inputs` against the app's input form before anything is sent, with the rules
 * Dify applies itself (api/core/app/apps/base_app_generator.py `_validate_inputs`) plus one of
 * the gateway's own: a variable the form does not have is refused (Dify drops it silently, so a
 * misspelt key would be lost without a word).
 *
 * Dify reads `inputs` only when a send starts a conversation (its generators take
 * `conversation.inputs` for an existing one), so "required" is checked only then; the values a
 * send gives are checked either way.
 */
import type { AppInputFieldRecord } from '../../core/app-records.js';
import { GatewayError } from '../../core/errors.js';

/**
 * @param inputs the send's `inputs` object
 * @param startsConversation whether the send starts a conversation (required fields apply)
 * @throws GatewayError BAD_USER_INPUT naming the variable: unknown, missing while required, not
 *   a string (text, paragraph, select), longer than `maxLength` characters, not among a select's
 *   options, not a number, not a file (object) or list of files, too many files
 */
export function validateInputs(
  form: readonly AppInputFieldRecord[],
  inputs: Record<string, unknown>,
  startsConversation: boolean,
  sourceId: string,
): void {
  const fail = (variable: string, problem: string) =>
    new GatewayError('BAD_USER_INPUT', `inputs.${variable} ${problem}`, { sourceId });
  const fields = new Map(form.map((field) => [field.variable, field]));
  for (const variable of Object.keys(inputs)) {
    if (!fields.has(variable)) {
      const known = [...fields.keys()];
      throw fail(variable, `is not a variable of this app's input form${known.length ? ` (it has: ${known.join(', ')})` : ' (it has none)'}`);
    }
  }
  for (const field of form) {
    const value = inputs[field.variable];
    if (value === undefined || value === null || value === '') {
      if (field.required && startsConversation) throw fail(field.variable, `is required ("${field.label}")`);
      continue;
    }
    const problem = problemWith(field, value);
    if (problem) throw fail(field.variable, problem);
  }
}

/** What is wrong with a present value, or null. */
function problemWith(field: AppInputFieldRecord, value: unknown): string | null {
  switch (field.kind) {
    case 'TEXT':
    case 'PARAGRAPH':
    case 'SELECT': {
      if (typeof value !== 'string') return 'must be a string';
      if (field.kind === 'SELECT') {
        const options = field.options ?? [];
        return options.includes(value) ? null : `must be one of: ${options.join(', ')}`;
      }
      // Python's len(): code points, not UTF-16 units.
      if (field.maxLength !== null && [...value].length > field.maxLength) return `must be at most ${field.maxLength} characters`;
      return null;
    }
    case 'NUMBER':
      if (typeof value === 'number') return Number.isFinite(value) ? null : 'must be a number';
      // Dify parses a string with `float()` when it has a dot, else `int()`.
      if (typeof value === 'string' && /^\s*[+-]?(\d+|\d*\.\d+|\d+\.\d*)\s*$/.test(value)) return null;
      return 'must be a number';
    case 'FILE':
      return isObject(value) ? null : 'must be a file object';
    case 'FILE_LIST':
      if (!Array.isArray(value) || !value.every(isObject)) return 'must be a list of file objects';
      if (field.maxLength !== null && value.length > field.maxLength) return `must be at most ${field.maxLength} files`;
      return null;
    case 'CHECKBOX':
      return typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string' ? null : 'must be a boolean';
    case 'OTHER':
      // A kind this gateway does not know: Dify checks it.
      return null;
  }
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
