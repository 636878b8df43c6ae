/**
 * Idempotency keys of sends (`sendMessage`, `assistantReply`) as reservations in the gateway's
 * cross-request cache, so that they hold across replicas (Redis `SET NX`) as well as in one
 * process (the in-memory cache):
 * - the first request with a key stores `pending` with the request's fingerprint (source,
 *   viewer, conversation, text, private, inputs, each file's name, type and SHA-256) for the
 *   send's time-out plus a margin, sends, then stores the result for 24 h (`done`); a failed
 *   send releases the key;
 * - a concurrent duplicate waits (polling the store, bounded by that same reservation time) for
 *   the result and answers it; it never sends a second time;
 * - the key reused with another fingerprint is BAD_USER_INPUT;
 * - a store that does not answer refuses the send (UPSTREAM_UNAVAILABLE): without it, a replica
 *   cannot know that no other one is sending.
 * The cache key is a SHA-256 of source id, viewer id and key, so no viewer data is readable in
 * the store; the fingerprint is a SHA-256 too.
 */
import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import type { GatewayContext } from './context.js';
import { badInput, GatewayError } from '../core/errors.js';
import type { MessageRecord, SendMessageRequest, SendMessageResult, Viewer } from '../core/records.js';
import type { SourceEntry } from '../providers/contract.js';

/** A send resolved against the config: which source, and what to ask its adapter. */
export interface ResolvedSend {
  source: SourceEntry;
  request: SendMessageRequest;
  /** Cache key of the idempotency record, or null without `idempotencyKey`. */
  idempotencyCacheKey: string | null;
}

/** How long a finished send's result is replayed for its key, ms (24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Added to the source's `sendTimeoutMs` for how long a send in progress holds its key, ms. */
const PENDING_MARGIN_MS = 15_000;
/** First and longest pause between two looks at a key another request holds, ms. */
const FIRST_POLL_MS = 20;
const LONGEST_POLL_MS = 250;

/** JSON form of a result in the cache (dates as ISO strings, so a shared store keeps them). */
interface StoredResult {
  conversationExternalId: string;
  messages: Array<Omit<MessageRecord, 'createdAt'> & { createdAt: string | null }>;
}

/** What the cache holds under a key. */
type IdempotencyRecord = { state: 'pending'; fingerprint: string } | { state: 'done'; fingerprint: string; result: StoredResult };

/** The outcome of `reserveSend`: the stored result to replay, or the right (and duty) to send. */
export type SendReservation =
  | { kind: 'replay'; result: SendMessageResult }
  | {
      kind: 'reserved';
      /** Stores the send's result under the key for 24 h. */
      commit(result: SendMessageResult): Promise<void>;
      /** Frees the key after a failed send, so that a retry may send. */
      release(): Promise<void>;
    };

/** The cache key of a send's idempotency record, or null without a key. */
export function idempotencyCacheKey(sourceId: string, viewerId: string, key: string | null | undefined): string | null {
  if (key == null) return null;
  return `idempotency:send:${createHash('sha256').update(JSON.stringify([sourceId, viewerId, key])).digest('hex')}`;
}

/** A digest of everything that makes two sends the same request (object keys in any order). */
function fingerprintOf(resolved: ResolvedSend, viewer: Viewer): string {
  const { request } = resolved;
  const parts: unknown[] = [resolved.source.id, viewer.id, request.conversationExternalId, request.text, request.private, request.inputs];
  // A file counts by its name, type and content digest. Only sends with files add the part, so
  // a send without any keeps the fingerprint it had before files existed (records in Redis).
  if (request.files && request.files.length > 0) parts.push(request.files.map((file) => [file.name, file.mimeType, file.sha256]));
  return createHash('sha256').update(stringify(parts)!).digest('hex');
}

const toStored = (result: SendMessageResult): StoredResult => ({
  conversationExternalId: result.conversationExternalId,
  messages: result.messages.map((message) => ({ ...message, createdAt: message.createdAt?.toISOString() ?? null })),
});

const fromStored = (stored: StoredResult): SendMessageResult => ({
  conversationExternalId: stored.conversationExternalId,
  messages: stored.messages.map((message) => ({ ...message, createdAt: message.createdAt ? new Date(message.createdAt) : null })),
});

/**
 * Reserves a send's idempotency key, or waits for the result of the request that holds it.
 * A replay re-checks the viewer's current rights first (the adapter's `authorizeSend`): a
 * stored result is never handed to a viewer who could not make the send now.
 * @returns null without an idempotency key (send as usual)
 * @throws GatewayError BAD_USER_INPUT (the key was used for another request),
 *   UPSTREAM_UNAVAILABLE (the store does not answer, or the first send is still running at
 *   the end of the wait: retry with the same key), or what `authorizeSend` throws on a replay
 */
export async function reserveSend(context: GatewayContext, resolved: ResolvedSend, viewer: Viewer): Promise<SendReservation | null> {
  const key = resolved.idempotencyCacheKey;
  if (!key) return null;
  const { cache } = context.gateway;
  const fingerprint = fingerprintOf(resolved, viewer);
  const sendTimeoutMs = context.gateway.config.sources.find((source) => source.id === resolved.source.id)?.sendTimeoutMs ?? 120_000;
  const holdMs = sendTimeoutMs + PENDING_MARGIN_MS;
  const deadline = Date.now() + holdMs;
  let pause = FIRST_POLL_MS;
  for (;;) {
    const pending: IdempotencyRecord = { state: 'pending', fingerprint };
    if (await cache.setIfAbsent(key, pending, holdMs)) {
      return {
        kind: 'reserved',
        commit: (result) => cache.set<IdempotencyRecord>(key, { state: 'done', fingerprint, result: toStored(result) }, IDEMPOTENCY_TTL_MS),
        release: () => cache.delete(key),
      };
    }
    const record = await cache.getOrThrow<IdempotencyRecord>(key);
    if (record?.fingerprint !== undefined && record.fingerprint !== fingerprint) {
      throw badInput('idempotencyKey was already used for a different request');
    }
    if (record?.state === 'done') {
      await resolved.source.adapter.authorizeSend?.(viewer, resolved.request, context.loaders.scope);
      return { kind: 'replay', result: fromStored(record.result) };
    }
    // Still pending, or released (or expired) since the reservation attempt: look again shortly.
    if (Date.now() + pause > deadline) {
      throw new GatewayError('UPSTREAM_UNAVAILABLE', 'a send with this idempotencyKey is still in progress; retry later with the same key', {
        sourceId: resolved.source.id,
        retryAfter: 5,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(LONGEST_POLL_MS, Math.ceil(pause * 1.5));
  }
}
