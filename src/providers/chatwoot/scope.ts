/**
 * Who a viewer is in Chatwoot (DESIGN §3). Agents (config `agentRole`) see the whole account;
 * everyone else is the contact whose `identifier` equals their id (or, with `contactMatch:
 * email`, whose email equals theirs), matched exactly, and sees only that contact's
 * conversations, without private notes. The contact is looked up once per viewer object (one
 * request); a viewer without the matched attribute is no contact and sees nothing.
 *
 * The identifier → contact id answer is the same for every viewer and changes rarely, while
 * Chatwoot rate-limits contact search, so it is cached across requests and rate-limited (see
 * contact-lookup.ts).
 */
import type { Logger } from 'pino';
import { createViewerMemo } from '../adapter-kit.js';
import { GatewayError } from '../../core/errors.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import { viewerAttribute } from '../identity.js';
import type { Viewer } from '../../core/records.js';
import { createMemoryCache, type SharedCache } from '../../core/cache.js';
import type { ChatwootClient } from './client.js';
import { createContactLookup } from './contact-lookup.js';

/** How a viewer is seen by a Chatwoot source; `value` null when the viewer lacks the attribute matched. */
export type ChatwootScope = { kind: 'account' } | { kind: 'contact'; value: string | null };

/** Identity mapping of one source (config `contactMatch`, `agentRole`). */
export interface ScopeOptions {
  /** The contact field matched, always exactly: `identifier` (= viewer id) or `email` (= viewer email). */
  contactMatch: 'identifier' | 'email';
  /** The role that sees the whole account, private notes included. */
  agentRole: string;
}

/** Today's mapping: identifier = viewer id, role `agent` sees the account. */
export const DEFAULT_SCOPE_OPTIONS: ScopeOptions = { contactMatch: 'identifier', agentRole: 'agent' };

/** A scope with the contact looked up: `contactId` null when no contact has that identifier. */
export type ResolvedScope = { kind: 'account' } | { kind: 'contact'; contactId: number | null };

/** Where contact lookups keep their answers and how fast they may search. */
export interface LookupOptions {
  /** The source's cross-request cache. */
  cache?: SharedCache;
  /** Contact search calls per minute, at most (config `contactSearchesPerMinute`). */
  searchesPerMinute?: number;
}

/** The Chatwoot identity of a viewer: the contact `identifier` or email it stands for, or null. */
export function upstreamUser(viewer: Viewer, options: ScopeOptions = DEFAULT_SCOPE_OPTIONS): string | null {
  return viewerAttribute(viewer, options.contactMatch === 'email' ? 'email' : 'id');
}

/** The viewer → scope decision: the agent role → the whole account, anyone else → their contact. */
export function viewerScope(viewer: Viewer, options: ScopeOptions = DEFAULT_SCOPE_OPTIONS): ChatwootScope {
  if (viewer.roles.includes(options.agentRole)) return { kind: 'account' };
  return { kind: 'contact', value: upstreamUser(viewer, options) };
}

/** Private notes are for agents only. */
export function seesPrivateNotes(scope: ResolvedScope): boolean {
  return scope.kind === 'account';
}

/**
 * Resolves viewers to scopes for one source, caching per viewer object (`createViewerMemo`, so
 * nothing outlives the request). A failed lookup is not cached: the next call tries again.
 */
export function createScopeResolver(
  client: ChatwootClient,
  sourceId: string,
  logger: Logger,
  options: ScopeOptions = DEFAULT_SCOPE_OPTIONS,
  lookup: LookupOptions = {},
) {
  const memo = createViewerMemo<'scope', ResolvedScope>();
  // Emails compare case-insensitively (the viewer's is already lower-cased); identifiers exactly.
  const matches =
    options.contactMatch === 'email'
      ? (contact: { email?: string | null }, value: string) => contact.email?.trim().toLowerCase() === value
      : (contact: { identifier?: string | null }, value: string) => contact.identifier === value;
  const findContactId = createContactLookup({
    client,
    sourceId,
    logger,
    // Without a shared cache (tests building a resolver alone) answers live in this process.
    cache: lookup.cache ?? createMemoryCache({ max: 10_000 }),
    contactMatch: options.contactMatch,
    matches,
    searchesPerMinute: lookup.searchesPerMinute,
  });

  /**
   * The viewer's resolved scope; a contact search runs under `requestScope`.
   * @throws GatewayError when the contact search fails.
   */
  return function resolve(viewer: Viewer, requestScope?: RequestScope): Promise<ResolvedScope> {
    return memo(viewer, 'scope', () => {
      const scope = viewerScope(viewer, options);
      if (scope.kind === 'account') return Promise.resolve(scope);
      if (scope.value === null) return Promise.resolve({ kind: 'contact' as const, contactId: null });
      return findContactId(scope.value, requestScope).then((contactId) => ({ kind: 'contact' as const, contactId }));
    });
  };
}

/** `resolve(viewer, requestScope?)`: the viewer's scope, looked up once per viewer object. */
export type ScopeResolver = ReturnType<typeof createScopeResolver>;

/** The `meta` of a messages page: who the conversation belongs to. */
export interface MessagesMeta {
  contact?: { id?: number | null } | null;
  contact_id?: number | null;
}

/**
 * Checks that a conversation is visible in `scope`: any conversation for the account, only the
 * viewer's own for a contact. The owner comes from the messages page's `meta` when it names the
 * contact; otherwise (older Chatwoot) from the conversation itself, one extra call (under
 * `requestScope`).
 * @throws GatewayError NOT_FOUND when it is not the viewer's, exactly as for a missing one
 */
export async function assertConversationVisible(
  client: ChatwootClient,
  sourceId: string,
  scope: ResolvedScope,
  displayId: number,
  meta: MessagesMeta | null | undefined,
  requestScope?: RequestScope,
): Promise<void> {
  if (scope.kind === 'account') return;
  if (scope.contactId === null) throw conversationNotFound(sourceId);
  const owner = meta?.contact?.id ?? meta?.contact_id ?? (await client.getConversation(displayId, requestScope)).meta?.sender?.id;
  if (owner !== scope.contactId) throw conversationNotFound(sourceId);
}

/** The one answer for a conversation that is absent or not the viewer's. */
export function conversationNotFound(sourceId: string): GatewayError {
  return new GatewayError('NOT_FOUND', 'conversation not found', { sourceId });
}
