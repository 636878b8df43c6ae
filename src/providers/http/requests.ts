/**
 * HTTP calls of an `http` source: templates rendered (values substituted, percent-encoded in
 * paths, never evaluated), the source's auth added, the answer's body checked against the
 * source's error rules (a 2xx body can be an error too), and `next-url` links followed only
 * on the source's own origin and base path (the gateway's credentials never leave for another
 * host).
 */
import type { Logger } from 'pino';
import { GatewayError, notFound } from '../../core/errors.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import { z } from 'zod';
import type { AdapterServices } from '../contract.js';
import type { Viewer } from '../../core/records.js';
import { viewerAttribute } from '../identity.js';
import type { AuthConfig, HttpConfig, RequestConfig } from './config.js';
import { compileErrorRules, type ErrorRules } from './errors.js';
import { MissingVariable, parseTemplate, render, soleVariable, type Template, type TemplateValues } from './templates.js';

/** A request config with its templates parsed once. */
export interface CompiledRequest {
  method: RequestConfig['method'];
  path: Template;
  query: Array<[string, Template]>;
  headers: Array<[string, Template]>;
  body: unknown;
  /** Metrics label: the path with each variable as `:name`. */
  endpoint: string;
}

/** Query and headers added for one page of a walk. */
export interface RequestExtras {
  query?: Array<[string, Template]>;
  headers?: Array<[string, Template]>;
}

/** A successful answer: the parsed body and the response headers. */
export interface Answer {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** The calls of one source. */
export interface Requester {
  /** Template values every request of `viewer` has: `viewer.*` and `settings.*`. */
  viewerValues(viewer: Viewer): Record<string, string | number | boolean | undefined>;
  /**
   * A read (GET, or the configured method) of `request` with `values`.
   * @throws GatewayError as the error rules map it; NOT_FOUND when a viewer variable has no
   *   value (e.g. no email) or, with `auth: forward`, the viewer has no token
   */
  read(viewer: Viewer, request: CompiledRequest, values: TemplateValues, extras: RequestExtras, scope: RequestScope | undefined): Promise<Answer>;
  /**
   * A read of a next-page URL the upstream gave, with the endpoint's and walk's headers.
   * @throws GatewayError UPSTREAM_ERROR when it points outside `baseUrl`
   */
  readUrl(viewer: Viewer, url: string, request: CompiledRequest, values: TemplateValues, extras: RequestExtras, scope: RequestScope | undefined): Promise<Answer>;
  /** A write, never retried. @returns the parsed body (undefined when empty) */
  write(viewer: Viewer, request: CompiledRequest, values: TemplateValues, scope: RequestScope | undefined): Promise<unknown>;
  close(): Promise<void>;
}

/** Parses the templates of a request config. */
export function compileRequest(config: RequestConfig): CompiledRequest {
  const path = parseTemplate(config.path);
  return {
    method: config.method,
    path,
    query: Object.entries(config.query).map(([name, text]) => [name, parseTemplate(text)]),
    headers: Object.entries(config.headers).map(([name, text]) => [name, parseTemplate(text)]),
    body: config.body,
    endpoint: path.parts.map((part, index) => (index % 2 ? `:${part}` : part)).join(''),
  };
}

/** Parses a record of templates. */
export function compileTemplates(record: Record<string, string>): Array<[string, Template]> {
  return Object.entries(record).map(([name, text]) => [name, parseTemplate(text)]);
}

function staticAuthHeaders(auth: AuthConfig): Record<string, string> {
  switch (auth.type) {
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'header':
      return { [auth.name.toLowerCase()]: auth.value };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    default:
      return {};
  }
}

function headerValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new GatewayError('BAD_USER_INPUT', 'a header value may not contain a line break');
  return value;
}

/** Renders a JSON body: string leaves are templates; a leaf that is one variable keeps its value's type. */
function renderBody(body: unknown, values: TemplateValues): unknown {
  if (typeof body === 'string') {
    const template = parseTemplate(body);
    const sole = soleVariable(template);
    if (sole !== null && values[sole] !== undefined) return values[sole];
    return render(template, values);
  }
  if (Array.isArray(body)) return body.map((item) => renderBody(item, values));
  if (body && typeof body === 'object') {
    return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, renderBody(value, values)]));
  }
  return body;
}

/**
 * Creates the requester of one source on its injected HTTP factory (pool, time-outs, retries,
 * breaker); `logger` hears about errors signalled in 2xx bodies (the client logs error statuses).
 */
export function createRequester(config: HttpConfig & { id: string; baseUrl: string }, http: AdapterServices['http'], logger?: Logger): Requester {
  const sourceId = config.id;
  const forward = config.auth.type === 'forward';
  const rules: ErrorRules = compileErrorRules(sourceId, config.errors, forward);
  const sourceHeaders = compileTemplates(config.headers);
  const settings: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(config.settings)) settings[`settings.${key}`] = value;
  const fixedHeaders: Record<string, string> = { ...staticAuthHeaders(config.auth) };
  for (const [name, template] of sourceHeaders) fixedHeaders[name.toLowerCase()] = render(template, settings) ?? '';
  const upstream = http({ headers: fixedHeaders, mapError: rules.mapError });
  const base = new URL(config.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const authQuery = config.auth.type === 'query' ? { [config.auth.name]: config.auth.value } : {};

  function viewerValues(viewer: Viewer) {
    return {
      ...settings,
      'viewer.id': viewer.id,
      'viewer.email': viewerAttribute(viewer, 'email') ?? undefined,
      'viewer.identity': viewerAttribute(viewer, config.identity) ?? undefined,
    };
  }

  function viewerHeaders(viewer: Viewer): Record<string, string> {
    if (config.auth.type !== 'forward') return {};
    if (!viewer.token) throw notFound('conversation', sourceId);
    return { [config.auth.header.toLowerCase()]: headerValue(config.auth.scheme ? `${config.auth.scheme} ${viewer.token}` : viewer.token) };
  }

  /** Renders, turning a missing viewer variable into "nothing here for this viewer". */
  function rendered<T>(build: () => T): T {
    try {
      return build();
    } catch (error) {
      if (error instanceof MissingVariable) {
        if (error.variable.startsWith('viewer.')) throw notFound('conversation', sourceId);
        throw new GatewayError('UPSTREAM_ERROR', `source "${sourceId}": ${error.message}`, { sourceId });
      }
      throw error;
    }
  }

  function prepare(viewer: Viewer, request: CompiledRequest, values: TemplateValues, extras: RequestExtras) {
    return rendered(() => {
      const query: Record<string, string> = { ...authQuery };
      for (const [name, template] of [...request.query, ...(extras.query ?? [])]) {
        const value = render(template, values);
        if (value !== undefined) query[name] = value;
      }
      const headers: Record<string, string> = viewerHeaders(viewer);
      for (const [name, template] of [...request.headers, ...(extras.headers ?? [])]) {
        const value = render(template, values);
        if (value !== undefined) headers[name.toLowerCase()] = headerValue(value);
      }
      return { path: render(request.path, values, encodeURIComponent) ?? '', query, headers };
    });
  }

  async function checked(body: unknown, headers: Answer['headers']): Promise<Answer> {
    const signalled = rules.fromBody(body, 200, headers);
    if (signalled) {
      // As the client does for error statuses: operators see the upstream's own code, clients the gateway's.
      if (signalled.code !== 'NOT_FOUND' && signalled.code !== 'BAD_USER_INPUT') {
        logger?.warn({ code: signalled.code, upstreamCode: signalled.upstreamCode }, 'upstream answered 2xx with an error body');
      }
      throw signalled;
    }
    return { body, headers };
  }

  async function get(path: string, query: Record<string, string>, headers: Record<string, string>, endpoint: string, scope: RequestScope | undefined) {
    let answerHeaders: Answer['headers'] = {};
    const body = await upstream.getJson(
      { path, query, headers, endpoint, onHeaders: (received) => (answerHeaders = received) },
      z.unknown(),
      scope,
    );
    return checked(body, answerHeaders);
  }

  return {
    viewerValues,
    async read(viewer, request, values, extras, scope) {
      const { path, query, headers } = prepare(viewer, request, values, extras);
      if (request.method === 'GET') return get(path, query, headers, request.endpoint, scope);
      const body = await upstream.send({ method: request.method, path, query, headers, endpoint: request.endpoint, json: renderBody(request.body, values) }, z.unknown(), scope);
      return checked(body, {});
    },
    async readUrl(viewer, url, request, values, extras, scope) {
      let next: URL;
      try {
        next = new URL(url, base);
      } catch {
        throw new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" gave a next-page link that is not a URL`, { sourceId });
      }
      if (next.origin !== base.origin || !(next.pathname === prefix || next.pathname.startsWith(`${prefix}/`))) {
        throw new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" gave a next-page link outside its baseUrl`, { sourceId });
      }
      const query: Record<string, string> = { ...authQuery };
      for (const [name, value] of next.searchParams) query[name] = value;
      // The link replaces path and query, not the headers: an endpoint's headers (e.g. the viewer
      // the upstream acts for) must go with every page, or later pages answer someone else.
      const { headers } = prepare(viewer, request, values, extras);
      return get(next.pathname.slice(prefix.length), query, headers, request.endpoint, scope);
    },
    async write(viewer, request, values, scope) {
      const { path, query, headers } = prepare(viewer, request, values, {});
      const json = rendered(() => renderBody(request.body, values));
      const body = await upstream.send({ method: request.method, path, query, headers, endpoint: request.endpoint, json }, z.unknown(), scope);
      if (body !== undefined) await checked(body, {});
      return body;
    },
    close: () => upstream.close(),
  };
}
