/**
 * Turns config validation issues into lines an operator can act on: every problem at once,
 * sources named by their `id` beside the index, "did you mean" for a misspelt key, and never a
 * value (any value may be a secret).
 */
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { getAt } from './env.js';

/** Shape of zod's internal definition, as far as walking a schema needs it. */
interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  options?: Array<{ _zod: { def: Def } }>;
  discriminator?: string;
  values?: unknown[];
}

/**
 * The keys an object in the schema accepts at `path`, or [] when the path does not lead to an
 * object. Discriminated unions are resolved with the value found in `raw` (a source's `kind`).
 */
export function knownKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, raw: unknown): string[] {
  let def: Def | undefined = (schema as unknown as { _zod: { def: Def } })._zod.def;
  let depth = 0;
  while (def) {
    switch (def.type) {
      case 'default':
      case 'prefault':
      case 'optional':
      case 'nullable':
      case 'readonly':
      case 'catch':
        def = def.innerType?._zod.def;
        continue;
      case 'pipe':
        def = def.in?._zod.def.type === 'transform' ? undefined : def.in?._zod.def;
        continue;
      case 'union': {
        const value = getAt(raw, path.slice(0, depth)) as Record<string, unknown> | undefined;
        const options = (def.options ?? []).map((option) => option._zod.def);
        const chosen = def.discriminator
          ? options.find((option) => option.shape?.[def!.discriminator!]?._zod.def.values?.includes(value?.[def!.discriminator!]))
          : undefined;
        def = chosen ?? options.find((option) => option.type === 'object');
        continue;
      }
      default:
        break;
    }
    if (depth === path.length) return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
    const key = path[depth++];
    if (def.type === 'object') def = def.shape?.[String(key)]?._zod.def;
    else if (def.type === 'array') def = def.element?._zod.def;
    else return [];
  }
  return [];
}

/** The closest known key to a misspelt one, when it is close enough to be what was meant. */
export function suggestKey(key: string, known: string[]): string | undefined {
  if (known.length === 0) return undefined;
  const sameCase = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (sameCase) return sameCase;
  const best = closest(key, known);
  return distance(key.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Formats a config path as zod gives it: `sources.1.baseUrl`. */
export function formatConfigPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/**
 * One problem line: `sources.1.baseUrl: <problem> (source "support")` — the path as zod gives
 * it, and, under `sources`, the source's `id` when it has a usable one.
 */
export function configLine(path: ReadonlyArray<PropertyKey>, problem: string, raw: unknown): string {
  let note = '';
  if (path[0] === 'sources' && typeof path[1] === 'number') {
    const id = getAt(raw, ['sources', path[1], 'id']);
    if (typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id)) note = ` (source "${id}")`;
  }
  return `${formatConfigPath(path)}: ${problem}${note}`;
}

/**
 * One line per problem of a failed parse.
 * @param placeholders whole-value placeholders by path, so a type error can name the variable
 */
export function describeIssues(
  issues: z.core.$ZodIssue[],
  schema: z.ZodType,
  raw: unknown,
  placeholders: Map<string, string>,
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, path, raw);
      for (const key of issue.keys) {
        const suggestion = suggestKey(key, known);
        lines.push(configLine([...path, key], `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`, raw));
      }
      continue;
    }
    const variable = placeholders.get(path.join('.'));
    if (variable !== undefined && issue.code === 'too_small' && issue.origin === 'string') {
      lines.push(configLine(path, fromVariable(variable, getAt(raw, path), Number(issue.minimum)), raw));
      continue;
    }
    // zod's own wording for a wrong type is rewritten; a schema's custom message is kept.
    if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
      if (getAt(raw, path) === undefined) lines.push(configLine(path, `required (${issue.expected})`, raw));
      else if (variable) lines.push(configLine(path, `expected ${issue.expected}, but \${${variable}} is not one`, raw));
      else lines.push(configLine(path, `expected ${issue.expected}`, raw));
      continue;
    }
    lines.push(configLine(path, issue.message, raw));
  }
  return lines;
}

/**
 * A string too short when its whole value came from one variable: names the variable (never
 * the value), and calls an empty one empty — what compose passes for `${VAR:-}` when unset.
 */
function fromVariable(variable: string, value: unknown, minimum: number): string {
  const needs = minimum > 1 ? ` (needs at least ${minimum} characters)` : '';
  return `environment variable ${variable} is ${value === '' ? 'empty' : 'too short'}${needs}`;
}
