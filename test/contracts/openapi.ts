/**
 * Checks HTTP answers against the response schemas of a published OpenAPI 3.0 document with
 * ajv: finds the operation by method and path template, the response by status (or `default`),
 * and validates the body against that response's schema over the document's components.
 * Responses documented by examples only (Dify's error answers) are checked against the shape
 * of those examples. What the published document gets wrong is not skipped here: callers pass
 * a table of named exceptions, and `unusedExceptions` tells which of them never applied.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under ESM its function sits on `default`.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, any>;

/** One place where a published document is known to be wrong, with the reason. */
export interface ContractException {
  /** e.g. `GET /api/v1/accounts/{account_id}/conversations/{conversation_id}/messages 200`; a RegExp matches several. */
  response: string | RegExp;
  /**
   * Which validation errors this excuses: `keyword` (ajv keyword such as `enum`, `type`) at an
   * instance path matching `path`. Absent for a whole-response exception (`status` below).
   */
  error?: { path: RegExp; keyword: string };
  /**
   * For answers whose status the document does not list (or lists with a wrong schema): the
   * schema the answer follows instead (from the service's source code, DESIGN §6).
   */
  actualSchema?: Json;
  /** For a body that is not JSON (audio, plain text): the content type it really has. */
  actualContentType?: RegExp;
  reason: string;
}

/** What one check found. */
export interface ContractResult {
  operation: string;
  errors: string[];
}

/** A loaded document plus its exceptions. */
export interface ContractSpec {
  name: string;
  /** Checks one answer; `path` is the request path after the document's server prefix. */
  check(method: string, path: string, status: number, contentType: string | null, body: unknown): ContractResult;
  /** The response template (`METHOD /template STATUS`) for a request, or undefined. */
  operationOf(method: string, path: string, status: number): string | undefined;
  /** Validates `value` against `#/components/schemas/<schema>`, minus excused errors of `operation`. */
  checkComponent(schema: string, value: unknown, operation: string): ContractResult;
  /** Exceptions that never excused anything (a stale table entry is itself a failure). */
  unusedExceptions(): ContractException[];
}

/** Loads `file` (JSON) and prepares validators. */
export function loadContract(name: string, file: string | URL, exceptions: ContractException[]): ContractSpec {
  const document = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  // Formats OpenAPI documents use that JSON Schema does not define. `url` is any absolute URL a
  // WHATWG parser accepts (ajv-formats' own `url` refuses loopback hosts such as 127.0.0.1).
  ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
  ajv.addFormat('url', (value: string) => URL.canParse(value) && /^https?:/.test(value));
  ajv.addSchema(document, name);
  const compiled = new Map<string, ValidateFunction>();
  const used = new Set<ContractException>();
  const templates = Object.keys(document.paths as Json)
    .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`), params: (template.match(/\{/g) ?? []).length }))
    .sort((a, b) => a.params - b.params);

  const templateOf = (path: string) => templates.find((item) => item.pattern.test(path))?.template;
  const pointer = (...parts: string[]) => parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
  const validator = (ref: string) => {
    let fn = compiled.get(ref);
    if (!fn) {
      fn = ajv.compile({ $ref: ref });
      compiled.set(ref, fn);
    }
    return fn;
  };
  const matching = (operation: string) =>
    exceptions.filter((item) => (typeof item.response === 'string' ? item.response === operation : item.response.test(operation)));

  function operationOf(method: string, path: string, status: number): string | undefined {
    const template = templateOf(path);
    return template ? `${method.toUpperCase()} ${template} ${status}` : undefined;
  }

  function check(method: string, path: string, status: number, contentType: string | null, body: unknown): ContractResult {
    const template = templateOf(path);
    const lower = method.toLowerCase();
    const operation = `${method.toUpperCase()} ${template ?? path} ${status}`;
    const op = template ? (document.paths[template] as Json)[lower] : undefined;
    if (!op) return { operation, errors: [`${name}: no operation ${method} ${path}`] };
    const candidates = matching(operation);
    const replacement = candidates.find((item) => item.actualSchema || item.actualContentType);
    if (replacement) {
      used.add(replacement);
      if (replacement.actualContentType && !replacement.actualContentType.test(contentType ?? '')) {
        return { operation, errors: [`content type ${contentType} is not ${replacement.actualContentType}`] };
      }
      if (!replacement.actualSchema) return { operation, errors: [] };
      const validate = ajv.compile(replacement.actualSchema);
      return { operation, errors: validate(body) ? [] : format(validate.errors) };
    }
    const response = (op.responses as Json)[String(status)] ?? (op.responses as Json).default;
    if (!response) return { operation, errors: [`status ${status} is not documented`] };
    const resolved = response.$ref ? resolve(document, response.$ref) : response;
    const content = resolved.content as Json | undefined;
    if (!content) return { operation, errors: body === undefined || body === '' ? [] : ['documented without a body, got one'] };
    const media = Object.keys(content).find((type) => (contentType ?? '').startsWith(type)) ?? (typeof body === 'object' ? 'application/json' : undefined);
    if (!media || !content[media]) return { operation, errors: [`content type ${contentType} is not documented (${Object.keys(content).join(', ')})`] };
    let errors: ErrorObject[] | null | undefined;
    if (content[media].schema) {
      const ref = `${name}#/${pointer('paths', template!, lower, 'responses', response === (op.responses as Json).default ? 'default' : String(status))}${response.$ref ? '' : `/${pointer('content', media, 'schema')}`}`;
      const validate = response.$ref ? validator(`${name}${response.$ref}/content/${pointer(media)}/schema`) : validator(ref);
      errors = validate(body) ? [] : validate.errors;
    } else {
      const validate = ajv.compile(shapeOfExamples(content[media].examples as Json | undefined));
      errors = validate(body) ? [] : validate.errors;
    }
    return { operation, errors: excuse(operation, errors) };
  }

  function excuse(operation: string, errors: ErrorObject[] | null | undefined): string[] {
    const candidates = matching(operation);
    return format(
      (errors ?? []).filter((error) => {
        const found = candidates.find((item) => item.error && item.error.keyword === error.keyword && item.error.path.test(error.instancePath));
        if (found) used.add(found);
        return !found;
      }),
    );
  }

  function checkComponent(schema: string, value: unknown, operation: string): ContractResult {
    const validate = validator(`${name}#/components/schemas/${schema}`);
    return { operation, errors: validate(value) ? [] : excuse(operation, validate.errors) };
  }

  return { name, check, checkComponent, operationOf, unusedExceptions: () => exceptions.filter((item) => !used.has(item)) };
}

/** A schema requiring the keys (and JSON types) the documented examples show. */
function shapeOfExamples(examples: Json | undefined): Json {
  const first = examples ? (Object.values(examples)[0] as Json | undefined)?.value : undefined;
  if (!first || typeof first !== 'object') return {};
  const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value);
  return {
    type: 'object',
    required: Object.keys(first),
    properties: Object.fromEntries(Object.entries(first).map(([key, value]) => [key, { type: typeOf(value) }])),
  };
}

function resolve(document: Json, ref: string): Json {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Json, part) => node[part.replaceAll('~1', '/').replaceAll('~0', '~')], document);
}

function format(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.keyword}: ${error.message} (${error.schemaPath})`);
}
