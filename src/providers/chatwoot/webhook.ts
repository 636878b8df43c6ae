/**
 * Chatwoot account webhooks (DESIGN §6, §8): authentication and parsing. Current Chatwoot signs
 * a webhook that has a secret — `X-Chatwoot-Timestamp: <unix s>`, `X-Chatwoot-Signature:
 * sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` and a `X-Chatwoot-Delivery` id;
 * older versions sign nothing, so their webhook URL carries `?token=<webhookToken>` instead.
 * Bodies are the models' `webhook_data`: `message_type` is a string (`"incoming"`) and
 * `created_at` an ISO datetime, unlike the REST API; both go through the same mapping as reads.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SharedCache } from '../../core/cache.js';
import { GatewayError } from '../../core/errors.js';
import type { WebhookDelivery, WebhookRequest } from '../../core/records.js';
import { mapConversation, mapMessage } from './mapping.js';
import { chatwootConversationSchema, chatwootMessageSchema } from './schemas.js';

/** How far a signed timestamp may be from now, either way, ms. */
export const WEBHOOK_WINDOW_MS = 5 * 60_000;
/** How long a delivery id is remembered: past the window, a replay fails on its timestamp. */
const DELIVERY_TTL_MS = 2 * WEBHOOK_WINDOW_MS;

/** The events the gateway publishes; anything else is acknowledged and ignored. */
const CONVERSATION_EVENTS = new Set(['conversation_created', 'conversation_status_changed', 'conversation_updated']);

/** `Message#webhook_data`: the message fields plus its conversation (`id` = display id). */
const webhookMessageSchema = chatwootMessageSchema.extend({
  conversation: chatwootConversationSchema,
});

const webhookEnvelopeSchema = z.looseObject({ event: z.string().min(1) });

export interface WebhookAuthOptions {
  /** The webhook's secret (signed deliveries). */
  secret?: string;
  /** The URL token for versions that do not sign (`?token=`). */
  token?: string;
  /** Remembers delivery ids across replicas (the source's slice of the shared cache). */
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
 * Authenticates one delivery. A signed delivery needs a valid signature, a timestamp within
 * 5 minutes and a delivery id not seen before (remembered 10 minutes in the shared cache, so
 * replicas agree). Without a secret configured, or when the delivery is unsigned and a token is
 * configured, `?token=` must match.
 * @throws GatewayError UNAUTHENTICATED (the receiver answers 401) naming what failed, never a secret
 */
export async function authenticateWebhook(request: WebhookRequest, options: WebhookAuthOptions): Promise<void> {
  const { secret, token, sourceId } = options;
  const signature = request.headers.get('x-chatwoot-signature');
  if (secret && (signature !== null || !token)) {
    const timestamp = request.headers.get('x-chatwoot-timestamp') ?? '';
    if (signature === null || !/^\d{1,12}$/.test(timestamp)) throw unauthenticated(sourceId, 'missing signature');
    const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.rawBody}`).digest('hex')}`;
    if (!equalSecret(signature.trim().toLowerCase(), expected)) throw unauthenticated(sourceId, 'bad signature');
    const now = options.now?.() ?? Date.now();
    if (Math.abs(now - Number(timestamp) * 1000) > WEBHOOK_WINDOW_MS) throw unauthenticated(sourceId, 'stale timestamp');
    const delivery = request.headers.get('x-chatwoot-delivery')?.trim();
    // Without a delivery id the signature itself names the delivery.
    const deliveryKey = `webhook-delivery:${delivery || signature}`;
    if (deliveryKey.length > 300 || !(await options.cache.setIfAbsent(deliveryKey, 1, DELIVERY_TTL_MS))) {
      throw unauthenticated(sourceId, 'delivery already received');
    }
    return;
  }
  if (token) {
    const given = request.query.get('token');
    if (given === null || !equalSecret(given, token)) throw unauthenticated(sourceId, 'bad token');
    return;
  }
  throw unauthenticated(sourceId, 'no webhookSecret or webhookToken configured');
}

/**
 * Parses an authenticated delivery into what to publish: `message_created` → the message and
 * its conversation (its last activity moved); the conversation events → the conversation.
 * `message_updated` and other events publish nothing (`messageAdded` delivers each message once).
 * @throws GatewayError BAD_USER_INPUT for a body that is not JSON or not a webhook payload
 */
export function parseWebhook(rawBody: string, sourceId: string): WebhookDelivery {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new GatewayError('BAD_USER_INPUT', 'webhook body is not JSON', { sourceId });
  }
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) throw new GatewayError('BAD_USER_INPUT', 'webhook body has no event', { sourceId });
  const { event } = envelope.data;
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
