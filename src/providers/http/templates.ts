/**
 * Request templates of the `http` kind: text with `{name}` placeholders, e.g.
 * `/threads/{conversation.id}/messages`. A placeholder is replaced by a value, never evaluated;
 * in a path the value is percent-encoded (`encodeURIComponent`), in a query it is encoded by the
 * HTTP client, in a header it is sent as is (CR/LF refused). Any other `{…}` text is literal.
 *
 * Variables: `viewer.id`, `viewer.email`, `viewer.identity` (the attribute `identity` names),
 * `conversation.id`, `message.id`, `message.text`, `message.private`, `page.limit`, `page.cursor`,
 * `page.offset`, `page.number`, `page.anchor`, `settings.<key>`. Secrets come from `${ENV}`,
 * resolved when the config is loaded.
 */

/** A template parsed once: literal text and variable names, alternating. */
export interface Template {
  /** The text as written in the config. */
  readonly source: string;
  /** `[text, variable, text, variable, …, text]`. */
  readonly parts: readonly string[];
  /** The variable names it uses. */
  readonly variables: readonly string[];
}

/** Values of the variables for one request. Absent (undefined) variables are handled per template use. */
export type TemplateValues = Readonly<Record<string, string | number | boolean | undefined>>;

const PLACEHOLDER = /\{([a-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)+)\}/g;

/** Names every template may use; `settings.*` is checked against the source's `settings`. */
export const KNOWN_VARIABLES = new Set([
  'viewer.id',
  'viewer.email',
  'viewer.identity',
  'conversation.id',
  'message.id',
  'message.text',
  'message.private',
  'page.limit',
  'page.cursor',
  'page.offset',
  'page.number',
  'page.anchor',
]);

/** Parses a template; never fails (unknown names are reported by `templateProblems`). */
export function parseTemplate(source: string): Template {
  const parts: string[] = [];
  const variables: string[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    parts.push(source.slice(last, match.index), match[1]!);
    variables.push(match[1]!);
    last = match.index + match[0].length;
  }
  parts.push(source.slice(last));
  return { source, parts, variables };
}

/**
 * Problems of a template's variables, one message each (names only, never values).
 * @param settings the source's `settings` keys
 * @param allowed further restriction for this use (e.g. no `conversation.id` in a listing)
 */
export function templateProblems(source: string, settings: ReadonlySet<string>, allowed?: (name: string) => string | null): string[] {
  const problems: string[] = [];
  for (const name of parseTemplate(source).variables) {
    if (name.startsWith('settings.')) {
      if (!settings.has(name.slice('settings.'.length))) problems.push(`unknown variable {${name}}: no such key under settings`);
      continue;
    }
    if (!KNOWN_VARIABLES.has(name)) {
      problems.push(`unknown variable {${name}} (known: ${[...KNOWN_VARIABLES].join(', ')}, settings.<key>)`);
      continue;
    }
    const refused = allowed?.(name);
    if (refused) problems.push(refused);
  }
  return problems;
}

/** A variable a template needs has no value for this request (e.g. a viewer without an email). */
export class MissingVariable extends Error {
  constructor(readonly variable: string) {
    super(`template variable {${variable}} has no value here`);
    this.name = 'MissingVariable';
  }
}

/**
 * Renders a template.
 * @param encode applied to each substituted value (e.g. `encodeURIComponent` in a path)
 * @returns the text, or undefined when the template is one `page.*` placeholder without a value
 *   (so a query parameter such as `after: "{page.cursor}"` is left out on the first page)
 * @throws MissingVariable when any other variable has no value: a request is never sent with a
 *   viewer's identity silently left out
 */
export function render(template: Template, values: TemplateValues, encode: (value: string) => string = (value) => value): string | undefined {
  const { parts } = template;
  if (parts.length === 3 && parts[0] === '' && parts[2] === '' && values[parts[1]!] === undefined && parts[1]!.startsWith('page.')) {
    return undefined;
  }
  let text = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const value = values[parts[i]!];
    if (value === undefined) throw new MissingVariable(parts[i]!);
    text += encode(String(value)) + parts[i + 1]!;
  }
  return text;
}

/** The one variable a template consists of, or null (used to keep a JSON body value's type). */
export function soleVariable(template: Template): string | null {
  const { parts } = template;
  return parts.length === 3 && parts[0] === '' && parts[2] === '' ? parts[1]! : null;
}
