/**
 * Account webhooks of the Chatwoot simulator, sent as Chatwoot's `WebhookJob` /
 * `Webhooks::Trigger` sends them: a JSON POST with `event`, the event data of
 * `Message#webhook_data` / `Conversation#webhook_data`, and headers
 * - `X-Chatwoot-Delivery: <uuid>` on every delivery;
 * - with a secret only: `X-Chatwoot-Timestamp: <unix s>` and
 *   `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`
 *   (older Chatwoot versions, and webhooks without a secret, send no signature).
 * One attempt each, 5 s timeout, no retries; deliveries go out one after another in event order.
 * In webhook bodies `message_type` is a string (`"incoming"`) and a message's `created_at` an
 * ISO datetime, unlike the REST API's integers.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { ChatwootFixture, SimConversation, SimMessage } from './fixtures.js';
import type { createViews } from './views.js';

/** Where webhooks go; `secret` switches signing on. */
export interface ChatwootWebhookTarget {
  url: string;
  secret?: string;
}

/** One delivery attempt as the simulator made it. */
export interface ChatwootWebhookDelivery {
  event: string;
  deliveryId: string;
  url: string;
  /** The exact bytes posted (what the signature covers). */
  body: string;
  headers: Record<string, string>;
  /** HTTP status of the receiver's answer, or absent when the attempt failed (`error`). */
  status?: number;
  error?: string;
}

/** The webhook events the simulator emits. */
export type ChatwootWebhookEvent = 'message_created' | 'conversation_status_changed' | 'conversation_updated';

const TIMEOUT_MS = 5_000;
const MESSAGE_TYPES = ['incoming', 'outgoing', 'activity', 'template'] as const;
/** Display name of the simulated account (webhook bodies carry it). */
const ACCOUNT_NAME = 'Acme Support';

/** Sends webhooks for one simulator; `target` may change at any time (demo mode sets it late). */
export function createWebhookSender(initial: ChatwootWebhookTarget | null) {
  let target = initial;
  let queue: Promise<void> = Promise.resolve();
  const deliveries: ChatwootWebhookDelivery[] = [];

  async function deliver(event: string, payload: Record<string, unknown>, to: ChatwootWebhookTarget): Promise<void> {
    const body = JSON.stringify({ ...payload, event });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'rest-client/2.1.0 (linux x86_64) ruby/3.3.3p89',
      'x-chatwoot-delivery': randomUUID(),
    };
    if (to.secret) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers['x-chatwoot-timestamp'] = timestamp;
      headers['x-chatwoot-signature'] = `sha256=${createHmac('sha256', to.secret).update(`${timestamp}.${body}`).digest('hex')}`;
    }
    const delivery: ChatwootWebhookDelivery = { event, deliveryId: headers['x-chatwoot-delivery']!, url: to.url, body, headers };
    deliveries.push(delivery);
    try {
      const response = await fetch(to.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
      delivery.status = response.status;
      await response.body?.cancel();
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
  }

  return {
    /** Every attempt so far, oldest first (clear with `length = 0`). */
    deliveries,
    /** Sets or clears (`null`) the webhook. */
    setTarget(next: ChatwootWebhookTarget | null) {
      target = next;
    },
    /** Queues one event; a no-op without a target. */
    send(event: ChatwootWebhookEvent, payload: Record<string, unknown>) {
      const to = target;
      if (!to) return;
      queue = queue.then(() => deliver(event, payload, to));
    },
    /** Resolves when every queued delivery has been attempted. */
    idle: () => queue,
  };
}

/** Webhook event data of records of one fixture (`Message#webhook_data`, `Conversation#webhook_data`). */
export function createWebhookViews(data: ChatwootFixture, views: ReturnType<typeof createViews>) {
  const inbox = (id: number) => data.inboxes.find((item) => item.id === id);
  const account = { id: data.accountId, name: ACCOUNT_NAME };

  function sender(message: SimMessage): Record<string, unknown> | undefined {
    const ref = message.sender;
    if (!ref) return undefined;
    if (ref.type === 'Contact') {
      const contact = data.contacts.find((item) => item.id === ref.id)!;
      return {
        account,
        additional_attributes: {},
        avatar: '',
        custom_attributes: {},
        email: contact.email,
        id: contact.id,
        identifier: contact.identifier,
        name: contact.name,
        phone_number: contact.phoneNumber,
        thumbnail: '',
        blocked: false,
        type: 'contact',
      };
    }
    if (ref.type === 'User') {
      const user = data.users.find((item) => item.id === ref.id)!;
      return { id: user.id, name: user.name, email: user.email, type: 'user' };
    }
    const bot = (ref.type === 'AgentBot' ? data.agentBots : data.assistants).find((item) => item.id === ref.id);
    return { id: ref.id, name: bot?.name, type: ref.type === 'AgentBot' ? 'agent_bot' : 'captain_assistant' };
  }

  /** `message_created` data. */
  function message(record: SimMessage): Record<string, unknown> {
    const conversation = data.conversations.find((item) => item.id === record.conversationId)!;
    const rendered = views.message(record);
    return {
      account,
      additional_attributes: {},
      content_attributes: {},
      content_type: record.contentType,
      content: record.content,
      conversation: views.conversation(conversation),
      created_at: new Date(record.createdAt * 1000).toISOString(),
      id: record.id,
      inbox: { id: conversation.inboxId, name: inbox(conversation.inboxId)?.name },
      message_type: MESSAGE_TYPES[record.messageType],
      private: record.private,
      sender: sender(record),
      source_id: null,
      ...(rendered.attachments ? { attachments: rendered.attachments } : {}),
    };
  }

  /** `conversation_*` data with the attributes that changed. */
  function conversation(record: SimConversation, changed: Record<string, { previous_value: unknown; current_value: unknown }>) {
    return {
      ...views.conversation(record),
      changed_attributes: Object.entries(changed).map(([name, change]) => ({ [name]: change })),
    };
  }

  return { message, conversation };
}
