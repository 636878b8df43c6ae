/**
 * Conversation filters and tab counts on Chatwoot (README "Filtering conversations"). An
 * agent's list is the account's `GET …/conversations`, which takes `status`, `assignee_type`,
 * `q` and `labels[]` (swagger.json; app/finders/conversation_finder.rb): each filter goes there
 * as that parameter. A contact's list (`GET …/contacts/{id}/conversations`) takes none, so only
 * the gateway's own checks (status, `updatedAfter`) apply to it and the other filters are
 * NOT_SUPPORTED. Neither list takes an order other than newest activity first, nor `pinned`.
 *
 * Chatwoot's `me` is the owner of the access token the source uses, not the viewer: `ME` (and
 * the `mine` count) is honoured only for the viewer whose email is the token owner's
 * (`GET /api/v1/profile`, cached); for any other agent `ME` is NOT_SUPPORTED and `mine` null,
 * never another person's assignments labelled as theirs.
 */
import type { SharedCache } from '../../core/cache.js';
import { GatewayError } from '../../core/errors.js';
import { filterNotSupported, refuseUnhonoured } from '../../core/conversation-filter.js';
import type { ConversationCounts, ConversationFilter, ConversationOrder, Viewer } from '../../core/records.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import { viewerAttribute } from '../identity.js';
import type { ChatwootClient, ChatwootListFilters } from './client.js';
import type { ResolvedScope } from './scope.js';

/** How long the token owner's email is kept, ms: it changes only when the token does. */
const PROFILE_TTL_MS = 5 * 60_000;

/** What the filter code needs of a Chatwoot source. */
export interface FilterContext {
  client: ChatwootClient;
  sourceId: string;
  /** The source's cross-request cache (the token owner's email); absent in tests that build a context alone. */
  cache?: SharedCache;
}

/** Chatwoot's status values for the graph's statuses. */
const UPSTREAM_STATUS = { OPEN: 'open', PENDING: 'pending', SNOOZED: 'snoozed', RESOLVED: 'resolved' } as const;

const ASSIGNEE_TYPE = { ME: 'me', UNASSIGNED: 'unassigned', ASSIGNED: 'assigned' } as const;

/**
 * The upstream parameters of an agent's (account) list for `filter`. One status goes upstream
 * as `status`; several go as `status=all` and the gateway keeps the listed ones (exact).
 * @throws GatewayError NOT_SUPPORTED for `pinned`, an order other than UPDATED_AT_DESC, and
 *   `ME` for a viewer who is not the token owner
 */
export async function accountListFilters(
  context: FilterContext,
  viewer: Viewer,
  filter: ConversationFilter | undefined,
  order: ConversationOrder | undefined,
  requestScope?: RequestScope,
): Promise<ChatwootListFilters> {
  refuseUnhonoured(
    context.sourceId,
    filter,
    order,
    { fields: ['assignee', 'labels', 'search'], orders: ['UPDATED_AT_DESC'] },
    'Chatwoot has no such conversation filter',
  );
  const statuses = filter?.statuses ?? [];
  const params: ChatwootListFilters = { status: statuses.length === 1 ? UPSTREAM_STATUS[statuses[0]!] : 'all' };
  if (filter?.assignee) {
    if (filter.assignee === 'ME' && !(await isTokenOwner(context, viewer, requestScope))) {
      throw filterNotSupported(
        context.sourceId,
        'assignee',
        "Chatwoot's ME is the owner of the source's access token, and this viewer's email is not that agent's",
      );
    }
    params.assignee_type = ASSIGNEE_TYPE[filter.assignee];
  }
  if (filter?.search) params.q = filter.search;
  if (filter?.labels) params.labels = filter.labels;
  return params;
}

/**
 * A contact's list takes no filters upstream: only the gateway's own checks apply.
 * @throws GatewayError NOT_SUPPORTED for any other filter, or another order
 */
export function refuseContactFilters(sourceId: string, filter: ConversationFilter | undefined, order: ConversationOrder | undefined): void {
  refuseUnhonoured(sourceId, filter, order, { fields: [], orders: ['UPDATED_AT_DESC'] }, "a contact's conversation list takes no filters");
}

/**
 * `Source.conversationCounts`: `GET …/conversations/meta` for an agent, one call per listed
 * status (the statuses are disjoint, so the counts add up exactly; none or all four: one
 * `status=all` call). `mine` is the token owner's count, shown only to the token owner.
 * @throws GatewayError FORBIDDEN for contacts; NOT_SUPPORTED for `assignee`, `pinned`,
 *   `updatedAfter` (counts are per assignee tab, over the whole list), and for `statuses` with
 *   `search` (Chatwoot ignores the status while searching)
 */
export async function countConversations(
  context: FilterContext,
  scope: ResolvedScope,
  viewer: Viewer,
  filter: ConversationFilter,
  requestScope?: RequestScope,
): Promise<ConversationCounts> {
  const { sourceId, client } = context;
  if (scope.kind !== 'account') throw new GatewayError('FORBIDDEN', `only agents may count conversations in source "${sourceId}"`, { sourceId });
  for (const field of ['assignee', 'pinned', 'updatedAfter'] as const) {
    if (filter[field] !== undefined) throw filterNotSupported(sourceId, field, "Chatwoot's counts take no such filter");
  }
  const statuses = filter.statuses && filter.statuses.length < 4 ? filter.statuses.map((status) => UPSTREAM_STATUS[status]) : ['all'];
  if (filter.search && statuses[0] !== 'all') {
    throw filterNotSupported(sourceId, 'statuses', 'Chatwoot ignores the status of a search (conversation_finder.rb)');
  }
  const [answers, owner] = await Promise.all([
    Promise.all(statuses.map((status) => client.conversationCounts({ status, q: filter.search, labels: filter.labels }, requestScope))),
    isTokenOwner(context, viewer, requestScope),
  ]);
  const sum = (pick: (meta: (typeof answers)[number]['meta']) => number) => answers.reduce((total, answer) => total + pick(answer.meta), 0);
  return {
    all: sum((meta) => meta.all_count),
    assigned: sum((meta) => meta.assigned_count),
    unassigned: sum((meta) => meta.unassigned_count),
    mine: owner ? sum((meta) => meta.mine_count) : null,
  };
}

/** Whether the viewer's email (trimmed, lower case) is the access token owner's. */
async function isTokenOwner(context: FilterContext, viewer: Viewer, requestScope?: RequestScope): Promise<boolean> {
  const email = viewerAttribute(viewer, 'email');
  if (email === null) return false;
  return (await ownerEmail(context, requestScope)) === email;
}

/** Profile reads in flight per client: a list and its counts asked together share one call. */
const profileReads = new WeakMap<ChatwootClient, Promise<string | null>>();

/** The token owner's email, lower case (null when the profile has none), from the cache or `GET /api/v1/profile`. */
async function ownerEmail(context: FilterContext, requestScope?: RequestScope): Promise<string | null> {
  const key = 'token-owner-email';
  const cached = await context.cache?.get<{ email: string | null }>(key);
  if (cached) return cached.email;
  let read = profileReads.get(context.client);
  if (!read) {
    read = context.client
      .profile(requestScope)
      .then(async (profile) => {
        const email = profile.email?.trim().toLowerCase() || null;
        await context.cache?.set(key, { email }, PROFILE_TTL_MS);
        return email;
      })
      .finally(() => profileReads.delete(context.client));
    profileReads.set(context.client, read);
  }
  return read;
}
