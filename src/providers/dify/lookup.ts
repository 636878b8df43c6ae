/**
 * Dify conversations by id, at a cost that does not grow with the number of ids asked. Dify has
 * no get-one-conversation call, so a record comes from the viewer's list (`GET /conversations`,
 * most recently updated first):
 * - one walk of that list per request (`RequestMemo`), shared by every batch of the request, read
 *   page by page (100 each) only as far as some wanted id is still missing, at most
 *   `LOOKUP_SCAN_PAGES` pages;
 * - a walk that reached the end of the list proves the rest absent, without a call per id. A
 *   list longer than one page is not one snapshot (a conversation updated meanwhile moves to the
 *   front, possibly past the walk), so its first page is read once more: when that page still
 *   holds a conversation unchanged since the walk saw it, everything that moved is in it;
 * - only ids a walk cannot settle (beyond `LOOKUP_SCAN_PAGES` pages, or a list churning faster
 *   than a page per walk) are probed with `GET /messages?limit=1`, at most
 *   `MAX_PROBES_PER_REQUEST` per request; further ones fail with BAD_USER_INPUT instead of
 *   costing a call each.
 * Where a conversation lives is kept in the cross-request cache for `WHERE_TTL_MS`: "absent for
 * this user" (a Dify conversation never changes owner and ids are never reused, so this only
 * stays true) and "exists beyond the scanned pages" (probed directly next time). Keys hold the
 * conversation id and the Dify `user`, nothing else.
 */
import type { SharedCache } from '../../core/cache.js';
import { toSlot, type Slot } from '../adapter-kit.js';
import { GatewayError } from '../../core/errors.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import type { RequestMemo } from '../../upstream/request-memo.js';
import type { ConversationRecord } from '../../core/records.js';
import { DIFY_MAX_LIMIT, type DifyClient } from './client.js';
import { mapConversation, mapProbedConversation, normalizeDifyId } from './mapping.js';

/** Pages of 100 one request reads of a viewer's list, at most, to find conversations by id. */
export const LOOKUP_SCAN_PAGES = 10;
/** Ids the list cannot settle that one request may probe one by one. */
export const MAX_PROBES_PER_REQUEST = 20;
/** How long the cross-request cache keeps where a conversation lives, ms. */
export const WHERE_TTL_MS = 10 * 60_000;

/** What the cache remembers of one (conversation, user). */
type Where = 'absent' | 'beyond-scan';

/** One request's walk of one user's list. */
class ListWalk {
  /** Records seen, by lower-case id. */
  readonly records = new Map<string, ConversationRecord>();
  /** `updated_at` (epoch s) of each id as the walk first saw it. */
  private readonly firstSeen = new Map<string, number | null | undefined>();
  pages = 0;
  ended = false;
  /** The walk stopped on a page with nothing new although Dify said more exist. */
  private stalled = false;
  probes = 0;
  private lastId: string | null = null;
  private reading: Promise<void> | null = null;
  private verdict: Promise<boolean> | null = null;

  constructor(
    private readonly client: DifyClient,
    private readonly user: string,
    /** The request the walk serves: every page read runs under its deadline and call budget. */
    private readonly requestScope: RequestScope | undefined,
  ) {}

  /** Reads the next page (or joins the read in flight). */
  next(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const answer = await this.client.listConversations(this.user, { lastId: this.lastId, limit: DIFY_MAX_LIMIT }, this.requestScope);
    this.pages += 1;
    let fresh = 0;
    for (const conversation of answer.data) {
      const id = normalizeDifyId(conversation.id) ?? conversation.id;
      if (!this.firstSeen.has(id)) {
        fresh += 1;
        this.firstSeen.set(id, conversation.updated_at);
      }
      this.records.set(id, mapConversation(conversation));
    }
    const last = answer.data.at(-1);
    if (!answer.has_more || !last || fresh === 0) {
      this.ended = true;
      this.stalled = answer.has_more;
    } else {
      this.lastId = last.id;
    }
  }

  /**
   * Whether the walk, which reached the end, saw every conversation of the list: true for a
   * single page; otherwise page 1 is read again (once per walk) and must still show a
   * conversation with the `updated_at` the walk saw, so that everything updated during the walk
   * (which sorts before it) is on that page.
   */
  complete(): Promise<boolean> {
    if (this.stalled) return Promise.resolve(false);
    if (this.pages === 1) return Promise.resolve(true);
    this.verdict ??= (async () => {
      const answer = await this.client.listConversations(this.user, { lastId: null, limit: DIFY_MAX_LIMIT }, this.requestScope);
      let anchored = false;
      for (const conversation of answer.data) {
        const id = normalizeDifyId(conversation.id) ?? conversation.id;
        if (this.firstSeen.has(id) && this.firstSeen.get(id) === conversation.updated_at) anchored = true;
        this.records.set(id, mapConversation(conversation));
      }
      return anchored || !answer.has_more;
    })();
    this.verdict.catch(() => {
      this.verdict = null;
    });
    return this.verdict;
  }
}

export interface ConversationLookupDeps {
  sourceId: string;
  client: DifyClient;
  /** The source's cross-request cache. */
  cache: SharedCache;
  /** Pages of the list one request reads at most. @default LOOKUP_SCAN_PAGES */
  scanPages?: number;
}

/**
 * Creates the by-id lookup of one source.
 * @returns `lookup(user, externalIds, memo, requestScope = memo.scope)`: one slot per id in
 *   order — the record, null (absent, foreign, or not a Dify id) or an Error (the upstream
 *   failed, or too many probes); every upstream call runs under `requestScope`
 */
export function createConversationLookup(deps: ConversationLookupDeps) {
  const { client, cache, sourceId } = deps;
  const scanPages = deps.scanPages ?? LOOKUP_SCAN_PAGES;
  const whereKey = (id: string, user: string) => `dify-where:${id}:${user}`;
  const remember = (id: string, user: string, where: Where) => void cache.set(whereKey(id, user), where, WHERE_TTL_MS);

  return async function lookup(
    user: string,
    externalIds: readonly string[],
    memo?: RequestMemo,
    requestScope: RequestScope | undefined = memo?.scope,
  ): Promise<Array<Slot<ConversationRecord>>> {
    const walk = memo
      ? memo.get(`dify-list:${user}`, () => new ListWalk(client, user, requestScope))
      : new ListWalk(client, user, requestScope);
    const ids = externalIds.map(normalizeDifyId);
    const answers = new Map<string, Slot<ConversationRecord>>();
    const wanted = [...new Set(ids.filter((id): id is string => id !== null && !walk.records.has(id)))];
    const known = await Promise.all(wanted.map((id) => cache.get<Where>(whereKey(id, user))));
    const probe: string[] = [];
    const search: string[] = [];
    wanted.forEach((id, index) => {
      if (known[index] === 'absent') answers.set(id, null);
      else if (known[index] === 'beyond-scan') probe.push(id);
      else search.push(id);
    });

    const missing = () => search.filter((id) => !walk.records.has(id));
    try {
      while (missing().length > 0 && !walk.ended && walk.pages < scanPages) await walk.next();
      if (missing().length > 0 && walk.ended && (await walk.complete())) {
        for (const id of missing()) {
          answers.set(id, null);
          remember(id, user, 'absent');
        }
      }
    } catch (error) {
      for (const id of missing()) answers.set(id, toSlot(error));
    }
    const beyondScan = !walk.ended;
    probe.push(...missing().filter((id) => !answers.has(id)));

    await Promise.all(
      probe.map(async (id) => {
        if (walk.records.has(id)) return;
        if (walk.probes >= MAX_PROBES_PER_REQUEST) {
          answers.set(id, tooManyProbes(sourceId, scanPages));
          return;
        }
        walk.probes += 1;
        try {
          const answer = await client.listMessages(user, { conversationId: id, firstId: null, limit: 1 }, requestScope);
          answers.set(id, mapProbedConversation(id, answer.data, !answer.has_more));
          if (beyondScan) remember(id, user, 'beyond-scan');
        } catch (error) {
          const slot = toSlot(error);
          answers.set(id, slot);
          if (slot === null) remember(id, user, 'absent');
        }
      }),
    );
    return ids.map((id) => (id === null ? null : (walk.records.get(id) ?? answers.get(id) ?? null)));
  };
}

/** The lookup of one source: `lookup(user, externalIds, memo?, requestScope?)`. */
export type ConversationLookup = ReturnType<typeof createConversationLookup>;

function tooManyProbes(sourceId: string, scanPages: number): GatewayError {
  return new GatewayError(
    'BAD_USER_INPUT',
    `too many conversations outside the newest ${scanPages * DIFY_MAX_LIMIT} opened by id in one request ` +
      `on source "${sourceId}" (at most ${MAX_PROBES_PER_REQUEST})`,
    { sourceId },
  );
}
