/**
 * Checks across the keys of an `http` source that no single key's schema can make: every
 * template names known variables available where it is used, each paging strategy has the keys
 * it needs, and a `per-viewer` source really carries the viewer upstream. One issue per problem,
 * each naming its key.
 */
import type { z } from 'zod';
import type { DirectionConfig, HttpConfig, PagingConfig, RequestConfig } from './config.js';
import { parseTemplate, templateProblems } from './templates.js';

type Ctx = z.RefinementCtx;
type Path = Array<string | number>;

/** Which variable families an endpoint's templates may use. */
interface Allowed {
  conversation: boolean;
  message: 'none' | 'id' | 'write';
  page: boolean;
}

const PAGE_VARIABLE_OF: Record<string, PagingConfig['strategy'][]> = {
  'page.limit': ['cursor', 'next-url', 'offset', 'page-number', 'id-window', 'time-window'],
  'page.cursor': ['cursor'],
  'page.offset': ['offset'],
  'page.number': ['page-number'],
  'page.anchor': ['id-window', 'time-window'],
};

function restriction(allowed: Allowed, strategy: PagingConfig['strategy'] | undefined) {
  return (name: string): string | null => {
    if (name === 'conversation.id' && !allowed.conversation) return `{${name}} is not available here`;
    if (name.startsWith('message.')) {
      if (allowed.message === 'none' || (allowed.message === 'id' && name !== 'message.id')) return `{${name}} is not available here`;
      if (allowed.message === 'write' && name === 'message.id') return `{${name}} is not available here`;
    }
    if (name.startsWith('page.')) {
      if (!allowed.page || !strategy) return `{${name}} is only available in a paged list endpoint`;
      if (!PAGE_VARIABLE_OF[name]?.includes(strategy)) return `{${name}} is not available with paging strategy "${strategy}"`;
    }
    return null;
  };
}

function checkTemplates(
  ctx: Ctx,
  settings: ReadonlySet<string>,
  entries: Record<string, string>,
  path: Path,
  allowed: (name: string) => string | null,
): void {
  for (const [key, template] of Object.entries(entries)) {
    for (const message of templateProblems(template, settings, allowed)) ctx.addIssue({ code: 'custom', path: [...path, key], message });
  }
}

function checkBody(ctx: Ctx, settings: ReadonlySet<string>, body: unknown, path: Path, allowed: (name: string) => string | null): void {
  if (typeof body === 'string') {
    for (const message of templateProblems(body, settings, allowed)) ctx.addIssue({ code: 'custom', path, message });
  } else if (Array.isArray(body)) {
    body.forEach((item, index) => checkBody(ctx, settings, item, [...path, index], allowed));
  } else if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) checkBody(ctx, settings, value, [...path, key], allowed);
  }
}

function checkRequest(ctx: Ctx, settings: ReadonlySet<string>, request: RequestConfig, path: Path, allowed: (name: string) => string | null): void {
  for (const message of templateProblems(request.path, settings, allowed)) ctx.addIssue({ code: 'custom', path: [...path, 'path'], message });
  checkTemplates(ctx, settings, request.query, [...path, 'query'], allowed);
  checkTemplates(ctx, settings, request.headers, [...path, 'headers'], allowed);
  if (request.body !== undefined) checkBody(ctx, settings, request.body, [...path, 'body'], allowed);
}

function requestVariables(request: RequestConfig): string[] {
  return [request.path, ...Object.values(request.query), ...Object.values(request.headers)].flatMap((text) => parseTemplate(text).variables);
}

function checkPaging(ctx: Ctx, settings: ReadonlySet<string>, paging: PagingConfig, path: Path, allowed: Allowed, listing: boolean, request: RequestConfig): void {
  const { strategy } = paging;
  const directions = (['backward', 'forward'] as const).filter((name) => paging[name] !== undefined);
  if (strategy === 'none') {
    for (const name of directions) ctx.addIssue({ code: 'custom', path: [...path, name], message: 'not used with paging strategy "none"' });
    return;
  }
  if (directions.length === 0) {
    ctx.addIssue({ code: 'custom', path, message: `paging strategy "${strategy}" needs ${listing ? 'forward' : 'backward and/or forward'}` });
  }
  if (!listing && strategy === 'time-window' && directions.length === 1) {
    ctx.addIssue({ code: 'custom', path, message: 'paging strategy "time-window" needs both backward and forward' });
  }
  if (listing && paging.backward) {
    ctx.addIssue({ code: 'custom', path: [...path, 'backward'], message: 'a conversation listing pages forward only (most recently updated first)' });
  }
  for (const name of directions) {
    const direction = paging[name] as DirectionConfig;
    const at = [...path, name];
    checkTemplates(ctx, settings, direction.query, [...at, 'query'], restriction(allowed, strategy));
    checkTemplates(ctx, settings, direction.headers, [...at, 'headers'], restriction(allowed, strategy));
    if (strategy === 'cursor' && !direction.cursor) ctx.addIssue({ code: 'custom', path: [...at, 'cursor'], message: 'required with paging strategy "cursor"' });
    if (strategy !== 'cursor' && direction.cursor) ctx.addIssue({ code: 'custom', path: [...at, 'cursor'], message: 'only used with paging strategy "cursor"' });
    if (strategy === 'next-url' && !direction.nextUrl) ctx.addIssue({ code: 'custom', path: [...at, 'nextUrl'], message: 'required with paging strategy "next-url"' });
    if (strategy !== 'next-url' && direction.nextUrl) ctx.addIssue({ code: 'custom', path: [...at, 'nextUrl'], message: 'only used with paging strategy "next-url"' });
    const variables = [...requestVariables(request), ...[...Object.values(direction.query), ...Object.values(direction.headers)].flatMap((text) => parseTemplate(text).variables)];
    const needs = { cursor: 'page.cursor', offset: 'page.offset', 'page-number': 'page.number', 'id-window': 'page.anchor', 'time-window': 'page.anchor' }[
      strategy as string
    ];
    if (needs && !variables.includes(needs)) {
      ctx.addIssue({ code: 'custom', path: [...at, 'query'], message: `paging strategy "${strategy}" needs a parameter with {${needs}}` });
    }
  }
}

function usesViewer(config: HttpConfig): boolean {
  const texts: string[] = [];
  const collect = (request: RequestConfig | undefined) => {
    if (!request) return;
    texts.push(request.path, ...Object.values(request.query), ...Object.values(request.headers));
  };
  collect(config.messages.request);
  for (const direction of [config.messages.paging.backward, config.messages.paging.forward]) {
    if (direction) texts.push(...Object.values(direction.query), ...Object.values(direction.headers));
  }
  texts.push(...Object.values(config.headers));
  return texts.some((text) => parseTemplate(text).variables.some((name) => name.startsWith('viewer.')));
}

/** `ProviderKind.refineConfig` of the `http` kind. */
export function refineHttpConfig(config: HttpConfig, ctx: Ctx): void {
  const settings = new Set(Object.keys(config.settings));
  const onlySettings = restriction({ conversation: false, message: 'none', page: false }, undefined);
  checkTemplates(ctx, settings, config.headers, ['headers'], (name) => (name.startsWith('settings.') ? null : `{${name}} is not available in source headers (settings only)`) ?? onlySettings(name));

  const messages: Allowed = { conversation: true, message: 'none', page: true };
  checkRequest(ctx, settings, config.messages.request, ['messages', 'request'], restriction(messages, config.messages.paging.strategy));
  checkPaging(ctx, settings, config.messages.paging, ['messages', 'paging'], messages, false, config.messages.request);

  if (config.conversations) {
    const listing: Allowed = { conversation: false, message: 'none', page: true };
    checkRequest(ctx, settings, config.conversations.request, ['conversations', 'request'], restriction(listing, config.conversations.paging.strategy));
    checkPaging(ctx, settings, config.conversations.paging, ['conversations', 'paging'], listing, true, config.conversations.request);
    if (config.conversations.paging.strategy === 'time-window' && !config.conversations.fields.updatedAt) {
      ctx.addIssue({ code: 'custom', path: ['conversations', 'fields', 'updatedAt'], message: 'required with paging strategy "time-window" (the listing is paged on it)' });
    }
  }
  if (config.conversation) {
    checkRequest(ctx, settings, config.conversation.request, ['conversation', 'request'], restriction({ conversation: true, message: 'none', page: false }, undefined));
    if (!config.conversation.fields && !config.conversations) {
      ctx.addIssue({ code: 'custom', path: ['conversation', 'fields'], message: 'required when there is no conversations endpoint to take them from' });
    }
  }
  if (config.message) {
    checkRequest(ctx, settings, config.message.request, ['message', 'request'], restriction({ conversation: true, message: 'id', page: false }, undefined));
  }
  if (config.send) {
    checkRequest(ctx, settings, config.send.request, ['send', 'request'], restriction({ conversation: true, message: 'write', page: false }, undefined));
  }
  if (config.visibility === 'per-viewer' && config.auth.type !== 'forward' && !usesViewer(config)) {
    ctx.addIssue({
      code: 'custom',
      path: ['visibility'],
      message:
        'a per-viewer source must carry the viewer upstream: use a {viewer.*} variable in the messages request, ' +
        'or auth type "forward"; or set visibility: shared if every viewer may read every conversation',
    });
  }
}
