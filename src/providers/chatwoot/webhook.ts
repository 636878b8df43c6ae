/**
 * Chatwoot account webhooks (DESIGN §6, §8): authentication and parsing. Current Chatwoot signs
 * a webhook that has a secret — `X-Chatwoot-Timestamp: <unix s>`, `X-Chatwoot-Signature:
 * sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` and a `X-Chatwoot-Delivery` id;
 * older versions sign nothing, so their webhook URL carries `?token=<webhookToken>` instead.
 * Bodies are the models' `webhook_data`: `message_type` is a string (`"incoming"`) and
 * `created_at` an ISO datetime, unlike the REST API; both go through the same mapping as reads.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SharedCache } from '../../cache.js';
import { GatewayError } from '../errors.js';
import type { WebhookDelivery, WebhookRequest } from '../types.js';
import { mapConversation, mapMessage } from './mapping.js';
import { chatwootConversationSchema, chatwootMessageSchema } from './schemas.js';

/** How far a signed timestamp may be from now, either way, ms. */
export const WEBHOOK_WINDOW_MS = 5 * 60_000;
/** Clock difference between replicas allowed for on top of the window, ms. */
const CLOCK_SKEW_MS = 60_000;
/**
 * How long a received delivery is remembered: a timestamp up to the window ahead stays
 * acceptable for twice the window, plus skew; past that a replay fails on its timestamp.
 */
const REPLAY_TTL_MS = 2 * WEBHOOK_WINDOW_MS + CLOCK_SKEW_MS;
/** Longest unsigned delivery id remembered, characters. */
const MAX_DELIVERY_ID = 200;

/** Whether a delivery is new or one already received (a replay: acknowledged, not published). */
export type WebhookReceipt = 'new' | 'duplicate';

/** The events the gateway publishes; anything else is acknowledged and ignored. */
const CONVERSATION_EVENTS = new Set(['conversation_created', 'conversation_status_changed', 'conversation_updated']);

/** `Message#webhook_data`: the message fields plus its conversation (`id` = display id). */
const webhookMessageSchema = chatwootMessageSchema.extend({
  conversation: chatwootConversationSchema,
});

const webhookEnvelopeSchema = z.looseObject({
  event: z.string().min(1),
  /** `message_*` events name their account as `account: { id }`, conversation events as `account_id`. */
  account: z.looseObject({ id: z.unknown().optional() }).nullish(),
  account_id: z.unknown().optional(),
});

export interface WebhookAuthOptions {
  /** The webhook's secret (signed deliveries). */
  secret?: string;
  /** The URL token for versions that do not sign (`?token=`). */
  token?: string;
  /** Remembers received deliveries across replicas (the source's slice of the shared cache). */
  cache: SharedCache;
  sourceId: string;
  /** Current time, ms (tests). */
  now?: () => number;
}

const unauthenticated = (sourceId: string, why: string) =>
  new GatewayError('UNAUTHENTICATED', `webhook rejected: ${why}`, { sourceId });

function equalSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Compared in constant time; a length mismatch compares the expected value with itself.
  return timingSafeEqual(a.length === b.length ? a : b, b) && a.length === b.length;
}

/**
 * Authenticates one delivery and tells whether it was received before. A signed delivery needs
 * a valid signature and a timestamp within 5 minutes; it is remembered by what the signature
 * covers (timestamp and body, through the signature itself), not by `X-Chatwoot-Delivery`, which
 * is not signed: a captured delivery re-posted under a new delivery id is a duplicate. An
 * unsigned delivery (no secret configured, or unsigned while a token is) needs `?token=` to
 * match and is remembered by its delivery id when it has one. Deliveries are remembered for the
 * whole window plus skew in the shared cache, so replicas agree.
 * @throws GatewayError UNAUTHENTICATED (the receiver answers 401) naming what failed, never a
 *   secret; UPSTREAM_UNAVAILABLE when the shared cache does not answer (fail closed: 503)
 */
export async function authenticateWebhook(request: WebhookRequest, options: WebhookAuthOptions): Promise<WebhookReceipt> {
  const { secret, token, sourceId } = options;
  const signature = request.headers.get('x-chatwoot-signature');
  if (secret && (signature !== null || !token)) {
    const timestamp = request.headers.get('x-chatwoot-timestamp') ?? '';
    if (signature === null || !/^\d{1,12}$/.test(timestamp)) throw unauthenticated(sourceId, 'missing signature');
    const digest = createHmac('sha256', secret).update(`${timestamp}.${request.rawBody}`).digest('hex');
    if (!equalSecret(signature.trim().toLowerCase(), `sha256=${digest}`)) throw unauthenticated(sourceId, 'bad signature');
    const now = options.now?.() ?? Date.now();
    if (Math.abs(now - Number(timestamp) * 1000) > WEBHOOK_WINDOW_MS) throw unauthenticated(sourceId, 'stale timestamp');
    return remember(options.cache, `webhook-signed:${timestamp}:${digest}`);
  }
  if (token) {
    const given = request.query.get('token');
    if (given === null || !equalSecret(given, token)) throw unauthenticated(sourceId, 'bad token');
    const delivery = request.headers.get('x-chatwoot-delivery')?.trim();
    if (!delivery) return 'new';
    if (delivery.length > MAX_DELIVERY_ID) throw new GatewayError('BAD_USER_INPUT', 'webhook delivery id too long', { sourceId });
    return remember(options.cache, `webhook-delivery:${createHash('sha256').update(delivery).digest('hex')}`);
  }
  throw unauthenticated(sourceId, 'no webhookSecret or webhookToken configured');
}

/** Claims `key` for the replay window: `duplicate` when it was claimed before. */
async function remember(cache: SharedCache, key: string): Promise<WebhookReceipt> {
  return (await cache.setIfAbsent(key, 1, REPLAY_TTL_MS)) ? 'new' : 'duplicate';
}

/**
 * Parses an authenticated delivery into what to publish: `message_created` → the message and
 * its conversation (its last activity moved); the conversation events → the conversation.
 * `message_updated` and other events publish nothing (`messageAdded` delivers each message once).
 * @param accountId the source's Chatwoot account: a body naming another account is refused
 * @throws GatewayError BAD_USER_INPUT for a body that is not JSON or not a webhook payload;
 *   FORBIDDEN for a delivery of another account (the receiver answers 403)
 */
export function parseWebhook(rawBody: string, sourceId: string, accountId?: number): WebhookDelivery {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new GatewayError('BAD_USER_INPUT', 'webhook body is not JSON', { sourceId });
  }
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) throw new GatewayError('BAD_USER_INPUT', 'webhook body has no event', { sourceId });
  const { event } = envelope.data;
  const named = envelope.data.account?.id ?? envelope.data.account_id;
  if (accountId !== undefined && named != null && String(named) !== String(accountId)) {
    throw new GatewayError('FORBIDDEN', 'webhook rejected: it belongs to another Chatwoot account', { sourceId });
  }
  const malformed = () => new GatewayError('BAD_USER_INPUT', `malformed ${event} webhook`, { sourceId });
  if (event === 'message_created') {
    const parsed = webhookMessageSchema.safeParse(json);
    if (!parsed.success) throw malformed();
    const conversationId = String(parsed.data.conversation.id);
    return {
      event,
      messages: [mapMessage(parsed.data, conversationId)],
      conversations: [mapConversation(parsed.data.conversation, '')],
    };
  }
  if (CONVERSATION_EVENTS.has(event)) {
    const parsed = chatwootConversationSchema.safeParse(json);
    if (!parsed.success) throw malformed();
    return { event, messages: [], conversations: [mapConversation(parsed.data, '')] };
  }
  return { event, messages: [], conversations: [] };
}
