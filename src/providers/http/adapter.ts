/**
 * The adapter of one `http` source: the `ProviderAdapter` contract over the configured
 * endpoints. Messages are chronological; `backward` reads older from a cursor (or the newest),
 * `forward` newer (or from the oldest), over whichever strategy the source pages with
 * (paging/). A conversation the viewer may not read is whatever the upstream answers for it,
 * mapped by the error rules (404/403 → NOT_FOUND by default): the same as an absent one.
 */
import { groupRefs, toSlot } from '../adapter-kit.js';
import { GatewayError, notFound } from '../../core/errors.js';
import { refuseUnhonoured } from '../../core/conversation-filter.js';
import type { ConversationPage, ConversationRecord, ConversationSlice, MessagePage, MessageRecord, MessageRef, MessageSlice, SendMessageRequest, SendMessageResult, Viewer } from '../../core/records.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import type { RequestMemo } from '../../upstream/request-memo.js';
import type { AdapterServices, ProviderAdapter, SourceCommonConfig } from '../contract.js';
import type { HttpConfig } from './config.js';
import { compileConversationMapping, compileMessageMapping, compileSelect, type ConversationMapping, type Item, type MessageMapping } from './mapping.js';
import { compilePath } from './paths.js';
import { locateInChain, readAgainstWalk, readWithWalk, firstRequest, type Chain } from './paging/chain.js';
import { fetchPage } from './paging/fetch.js';
import { compileWalks, type Collected, type ListSpec, type Position, type ReadContext, type Walk } from './paging/list.js';
import { createPositions } from './paging/positions.js';
import { locateTimeWindow, scanTimeWindow } from './paging/time-window.js';
import { compileRequest, createRequester, type CompiledRequest, type Requester } from './requests.js';

/** A validated `http` source config as the adapter receives it. */
export type HttpSourceConfig = HttpConfig & SourceCommonConfig;

const byTimeThenId = (a: Item, b: Item) => a.time!.ms - b.time!.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function checkLimit(sourceId: string, limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new GatewayError('BAD_USER_INPUT', `page size must be between 1 and ${max}`, { sourceId });
  }
}

interface Endpoint {
  request: CompiledRequest;
  select: (body: unknown) => unknown;
}

function itemEndpoint(config: { request: HttpConfig['messages']['request']; select?: string | undefined }): Endpoint {
  const select = config.select ? compilePath(config.select) : (body: unknown) => body;
  return { request: compileRequest(config.request), select };
}

/** Creates the adapter of one `http` source. */
export function createHttpAdapter(config: HttpSourceConfig, services: AdapterServices): ProviderAdapter {
  const sourceId = config.id;
  const requester: Requester = createRequester(config, services.http, services.logger);
  const positions = createPositions(config.positionTtlMs ?? 600_000);
  const maxCalls = config.maxCallsPerRead ?? 20;

  const messageMapping: MessageMapping = compileMessageMapping(sourceId, config.messages.fields);
  const messages: ListSpec = {
    sourceId,
    noun: 'messages',
    paging: config.messages.paging,
    request: compileRequest(config.messages.request),
    walks: compileWalks(config.messages.paging, false),
    select: compileSelect(config.messages.select),
    place: (raw) => messageMapping.place(raw),
    timeFormat: messageMapping.timeFormat,
    requester,
    maxCalls,
  };
  const messageChain: Chain = {
    spec: messages,
    positions,
    isPast: (walk, item, from) => Boolean(from.time && item.time && (walk === 'backward' ? item.time.ms < from.time.ms : item.time.ms > from.time.ms)),
  };

  const conversationFields = config.conversations?.fields ?? config.conversation?.fields;
  const conversationMapping: ConversationMapping | undefined = conversationFields ? compileConversationMapping(sourceId, conversationFields) : undefined;
  const listing: ListSpec | undefined =
    config.conversations && conversationMapping
      ? {
          sourceId,
          noun: 'conversations',
          paging: config.conversations.paging,
          request: compileRequest(config.conversations.request),
          walks: compileWalks(config.conversations.paging, true),
          select: compileSelect(config.conversations.select),
          place: (raw) => conversationMapping.place(raw),
          timeFormat: conversationMapping.timeFormat,
          requester,
          maxCalls,
        }
      : undefined;
  const listingChain: Chain | undefined = listing && {
    spec: listing,
    positions,
    // Most recently updated first: moving on means older.
    isPast: (_walk, item, from) => Boolean(from.time && item.time && item.time.ms < from.time.ms),
  };
  const opener = config.conversation ? itemEndpoint(config.conversation) : undefined;
  const messageOpener = config.message ? itemEndpoint(config.message) : undefined;
  const messageOpenerMapping = config.message?.fields ? compileMessageMapping(sourceId, config.message.fields) : messageMapping;
  const sender = config.send ? itemEndpoint(config.send) : undefined;
  const sendMapping = config.send?.fields ? compileMessageMapping(sourceId, config.send.fields) : messageMapping;

  function context(viewer: Viewer, conversationId: string | null, memo: RequestMemo | undefined): ReadContext {
    return {
      viewer,
      values: { ...requester.viewerValues(viewer), ...(conversationId !== null ? { 'conversation.id': conversationId } : {}) },
      memo,
      listKey: `${viewer.id}\u0000${conversationId ?? ''}`,
    };
  }

  function decodeMessageKey(key: string): Position {
    const decoded = messageMapping.decode(key);
    if (!decoded) throw new GatewayError('BAD_USER_INPUT', 'invalid message cursor', { sourceId });
    return decoded;
  }

  /**
   * Every item of a source that does not page (`none`): messages in chronological order (a page
   * sent newest first is reversed, then sorted by time only, so the upstream's order of items
   * sharing a time stands); conversations as listed.
   */
  async function whole(spec: ListSpec, read: ReadContext, chronological: boolean): Promise<Item[]> {
    const page = await fetchPage(spec, read, 'backward', { vars: {} });
    if (!chronological) return page.items;
    const items = [...page.items];
    if (items.length > 1 && items[0]!.time!.ms > items.at(-1)!.time!.ms) items.reverse();
    return items.sort((a, b) => a.time!.ms - b.time!.ms);
  }

  async function listMessages(viewer: Viewer, conversationId: string, page: MessagePage, memo?: RequestMemo): Promise<MessageSlice> {
    checkLimit(sourceId, page.limit, 101);
    if (conversationId.length === 0) throw notFound('conversation', sourceId);
    const from = page.cursor === null ? null : decodeMessageKey(page.cursor);
    const read = context(viewer, conversationId, memo);
    const older = page.direction === 'backward';
    const want = page.limit + 1;
    let nearestFirst: Item[];
    if (messages.paging.strategy === 'none') {
      const all = await whole(messages, read, true);
      const at = from ? all.findIndex((item) => item.id === from.id) : older ? all.length : -1;
      if (at >= 0 || !from) nearestFirst = older ? all.slice(0, at).reverse() : all.slice(at + 1);
      // The cursor's message is gone: place it by time.
      else nearestFirst = older ? all.filter((item) => item.time!.ms < from.time!.ms).reverse() : all.filter((item) => item.time!.ms > from.time!.ms);
    } else if (messages.paging.strategy === 'time-window') {
      const beyond = (item: Item) => !from || Math.sign(byTimeThenId(item, { ...item, id: from.id, time: from.time })) === (older ? -1 : 1);
      const { items } = await scanTimeWindow(messages, read, page.direction, older, from, want, beyond);
      nearestFirst = items.sort(byTimeThenId);
      if (older) nearestFirst.reverse();
    } else {
      const collected: Collected = messages.walks[page.direction]
        ? await readWithWalk(messageChain, read, page.direction, from, page.cursor, want)
        : await readAgainstWalk(messageChain, read, other(page.direction), from, page.cursor, want);
      nearestFirst = collected.items;
    }
    const slice = nearestFirst.slice(0, page.limit);
    if (older) slice.reverse();
    return { messages: slice.map((item) => messageMapping.record(item, conversationId)), hasMore: nearestFirst.length > page.limit };
  }

  async function listConversations(viewer: Viewer, page: ConversationPage, memo?: RequestMemo): Promise<ConversationSlice> {
    if (!listing || !listingChain || !conversationMapping) {
      throw new GatewayError('NOT_SUPPORTED', `source "${sourceId}" cannot list conversations (no conversations endpoint)`, { sourceId });
    }
    // A listing template takes no filters: only the gateway's own checks (status, updatedAfter) apply.
    refuseUnhonoured(sourceId, page.filter, page.order, { fields: [], orders: ['UPDATED_AT_DESC'] }, 'its conversations endpoint takes no filters');
    checkLimit(sourceId, page.limit, 100);
    const from = page.after === null ? null : conversationMapping.decode(page.after);
    if (page.after !== null && !from) throw new GatewayError('BAD_USER_INPUT', 'invalid conversation cursor', { sourceId });
    if (config.auth.type === 'forward' && !viewer.token) return { items: [], hasMore: false };
    const read = context(viewer, null, memo);
    const want = page.limit + 1;
    let items: Item[];
    try {
      if (listing.paging.strategy === 'none') {
        const all = await whole(listing, read, false);
        const at = from ? all.findIndex((item) => item.id === from.id) : -1;
        items = all.slice(at + 1);
      } else if (listing.paging.strategy === 'time-window') {
        // Most recently updated first; ties by id ascending (DESIGN §4).
        const beyond = (item: Item) =>
          !from?.time || item.time!.ms < from.time.ms || (item.time!.ms === from.time.ms && item.id > from.id);
        const collected = await scanTimeWindow(listing, read, 'forward', true, from, want, beyond);
        items = collected.items.sort((a, b) => b.time!.ms - a.time!.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      } else {
        items = (await readWithWalk(listingChain, read, 'forward', from, page.after, want)).items;
      }
    } catch (error) {
      // The listing request names no conversation: its 404 means the path is wrong.
      if (error instanceof GatewayError && error.code === 'NOT_FOUND') {
        throw new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" has no conversation listing at its conversations path`, { sourceId, status: 404, cause: error });
      }
      throw error;
    }
    return { items: items.slice(0, page.limit).map((item) => conversationMapping.record(item)), hasMore: items.length > page.limit };
  }

  async function openConversation(viewer: Viewer, id: string, memo: RequestMemo | undefined): Promise<ConversationRecord | null> {
    if (id.length === 0) return null;
    const read = context(viewer, id, memo);
    if (opener && conversationMapping) {
      const answer = await requester.read(viewer, opener.request, read.values, {}, memo?.scope);
      const raw = opener.select(answer.body);
      if (raw === undefined || raw === null) return null;
      return conversationMapping.record(conversationMapping.place(raw));
    }
    // No endpoint for one conversation: a probe of its newest message (no title).
    const walk: Walk = messages.walks.backward || messages.paging.strategy === 'none' ? 'backward' : 'forward';
    const page =
      messages.paging.strategy === 'none'
        ? { items: await whole(messages, read, true) }
        : await fetchPage(messages, read, walk, firstRequest(messages, walk, 1), walk === 'backward');
    // A forward-only walk's first page holds the oldest messages: the newest is unknown.
    const newest = walk === 'forward' ? undefined : page.items.reduce<Item | undefined>((best, item) => (!best || item.time!.ms > best.time!.ms ? item : best), undefined);
    return {
      externalId: id,
      title: null,
      status: 'OPEN',
      upstreamStatus: null,
      createdAt: null,
      updatedAt: newest ? new Date(Math.floor(newest.time!.ms)) : null,
      cursorKey: `${newest?.time?.raw ?? ''}|${id}`,
    };
  }

  async function getConversations(viewer: Viewer, ids: readonly string[], memo?: RequestMemo): Promise<Array<ConversationRecord | null | Error>> {
    const probes = new Map<string, Promise<ConversationRecord | null | Error>>();
    for (const id of ids) if (!probes.has(id)) probes.set(id, openConversation(viewer, id, memo).catch(toSlot));
    return Promise.all(ids.map((id) => probes.get(id)!));
  }

  async function getMessages(viewer: Viewer, refs: readonly MessageRef[], memo?: RequestMemo): Promise<Array<MessageRecord | null | Error>> {
    const { results, groups } = groupRefs<MessageRecord, string, { position: Position; key: string }>(refs, (ref) => {
      const decoded = messageMapping.decode(ref.key);
      if (!decoded) return new GatewayError('BAD_USER_INPUT', 'invalid message key', { sourceId });
      return { conversation: ref.conversationExternalId, key: { position: decoded, key: ref.key } };
    });
    await Promise.all(
      [...groups].map(async ([conversationId, group]) => {
        try {
          if (conversationId.length === 0) return;
          const read = context(viewer, conversationId, memo);
          const wanted = group.map((entry) => entry.key);
          let found: Array<Item | null | Error>;
          if (messageOpener) {
            found = await Promise.all(
              wanted.map(async ({ position, key }) => {
                try {
                  const answer = await requester.read(viewer, messageOpener.request, { ...read.values, 'message.id': position.id }, {}, memo?.scope);
                  const item = messageOpenerMapping.place(messageOpener.select(answer.body));
                  return item.key === key ? item : null;
                } catch (error) {
                  return toSlot(error);
                }
              }),
            );
          } else if (messages.paging.strategy === 'none') {
            const all = await whole(messages, read, true);
            found = wanted.map(({ key }) => all.find((item) => item.key === key) ?? null);
          } else if (messages.paging.strategy === 'time-window') {
            found = (await locateTimeWindow(messages, read, 'backward', wanted.map((entry) => entry.position))).map((item, index) =>
              item && !(item instanceof Error) && item.key !== wanted[index]!.key ? null : item,
            );
          } else {
            found = await locateInChain(messageChain, read, messages.walks.backward ? 'backward' : 'forward', wanted);
          }
          found.forEach((item, index) => {
            results[group[index]!.slot] = item === null || item instanceof Error ? item : messageMapping.record(item, conversationId);
          });
        } catch (error) {
          const slot = toSlot(error);
          for (const entry of group) results[entry.slot] = slot;
        }
      }),
    );
    return results;
  }

  async function sendMessage(viewer: Viewer, request: SendMessageRequest, scope?: RequestScope): Promise<SendMessageResult> {
    if (!sender) throw new GatewayError('NOT_SUPPORTED', `source "${sourceId}" cannot send messages`, { sourceId });
    const conversationId = request.conversationExternalId;
    if (!conversationId) throw new GatewayError('BAD_USER_INPUT', `source "${sourceId}" cannot start conversations; name one`, { sourceId });
    const values = { ...requester.viewerValues(viewer), 'conversation.id': conversationId, 'message.text': request.text, 'message.private': request.private };
    const body = await requester.write(viewer, sender.request, values, scope);
    const selected = config.send?.select ? sender.select(body) : undefined;
    const raw = selected === undefined || selected === null ? [] : Array.isArray(selected) ? selected : [selected];
    const created = raw.map((entry) => sendMapping.place(entry)).sort(byTimeThenId);
    return { conversationExternalId: conversationId, messages: created.map((item) => sendMapping.record(item, conversationId)) };
  }

  return {
    capabilities: { listConversations: Boolean(listing), ...(sender ? { sendMessage: true } : {}) },
    listConversations,
    getConversations,
    listMessages,
    getMessages,
    ...(sender ? { sendMessage } : {}),
    // Any non-empty id may name a conversation; the upstream spells it as given.
    canonicalConversationId: (id) => (id.length > 0 ? id : null),
    close: () => requester.close(),
  };
}

function other(walk: Walk): Walk {
  return walk === 'backward' ? 'forward' : 'backward';
}
