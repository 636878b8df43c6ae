/**
 * Chatwoot webhook authentication and parsing, fixture in, decision or records out: the HMAC
 * signature over `<timestamp>.<body>`, the 5-minute window, each signed delivery once whatever
 * its delivery id (and unsigned ones once per delivery id), the URL token of
 * versions that do not sign, and payloads with string `message_type` and ISO `created_at`.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryCache } from '../../../src/cache.js';
import { authenticateWebhook, parseWebhook } from '../../../src/providers/chatwoot/webhook.js';

const SECRET = 'webhook-secret-for-tests';
const TOKEN = 'url-token-0123456789abcdef';
const NOW = 1_764_650_000_000;

function signed(body: string, { secret = SECRET, timestamp = Math.floor(NOW / 1000), delivery = 'd-1' } = {}) {
  const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  return {
    headers: new Headers({ 'x-chatwoot-signature': signature, 'x-chatwoot-timestamp': String(timestamp), 'x-chatwoot-delivery': delivery }),
    rawBody: body,
    query: new URLSearchParams(),
  };
}

describe('authenticateWebhook', () => {
  it('accepts a valid signature once, whatever delivery id it is re-sent under', async () => {
    const options = { secret: SECRET, cache: createMemoryCache(), sourceId: 'support', now: () => NOW };
    await expect(authenticateWebhook(signed('{"event":"x"}'), options)).resolves.toBe('new');
    await expect(authenticateWebhook(signed('{"event":"x"}'), options)).resolves.toBe('duplicate');
    await expect(authenticateWebhook(signed('{"event":"x"}', { delivery: 'd-2' }), options)).resolves.toBe('duplicate');
    await expect(authenticateWebhook(signed('{"event":"y"}', { delivery: 'd-2' }), options)).resolves.toBe('new');
  });

  it('refuses a wrong secret, an altered body, a stale or future timestamp, and a missing signature', async () => {
    const options = { secret: SECRET, cache: createMemoryCache(), sourceId: 'support', now: () => NOW };
    const reasons: string[] = [];
    const refuse = async (request: ReturnType<typeof signed>) => {
      const error = await authenticateWebhook(request, options).then(() => undefined, (caught: Error) => caught);
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', sourceId: 'support' });
      expect(error!.message).not.toContain(SECRET);
      reasons.push(error!.message);
    };
    await refuse(signed('{}', { secret: 'another-secret-value', delivery: 'a' }));
    await refuse({ ...signed('{"a":1}', { delivery: 'b' }), rawBody: '{"a":2}' });
    await refuse(signed('{}', { timestamp: Math.floor(NOW / 1000) - 301, delivery: 'c' }));
    await refuse(signed('{}', { timestamp: Math.floor(NOW / 1000) + 301, delivery: 'd' }));
    await refuse({ headers: new Headers(), rawBody: '{}', query: new URLSearchParams() });
    expect(reasons).toEqual([
      expect.stringContaining('bad signature'),
      expect.stringContaining('bad signature'),
      expect.stringContaining('stale timestamp'),
      expect.stringContaining('stale timestamp'),
      expect.stringContaining('missing signature'),
    ]);
  });

  it('takes the URL token from versions that do not sign', async () => {
    const options = { token: TOKEN, cache: createMemoryCache(), sourceId: 'support' };
    const unsigned = (token: string | null) => ({
      headers: new Headers(),
      rawBody: '{}',
      query: new URLSearchParams(token === null ? {} : { token }),
    });
    await expect(authenticateWebhook(unsigned(TOKEN), options)).resolves.toBe('new');
    await expect(authenticateWebhook(unsigned(`${TOKEN}x`), options)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authenticateWebhook(unsigned(null), options)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // With both configured, a signed delivery is checked by its signature, an unsigned one by the token.
    const both = { ...options, secret: SECRET, now: () => NOW };
    await expect(authenticateWebhook(signed('{}'), both)).resolves.toBe('new');
    await expect(authenticateWebhook(unsigned(TOKEN), both)).resolves.toBe('new');
  });
});

describe('parseWebhook', () => {
  const conversation = { id: 7, inbox_id: 1, status: 'open', created_at: 1_764_600_000, last_activity_at: 1_764_650_000, meta: { sender: { id: 3, name: 'Ana' } } };

  it('maps message_created like reads: string message_type, ISO created_at, sender kinds, private notes', () => {
    const delivery = parseWebhook(
      JSON.stringify({
        event: 'message_created',
        id: 41,
        content: 'hello',
        message_type: 'incoming',
        created_at: '2025-12-02T04:33:20.000Z',
        private: false,
        sender: { id: 3, name: 'Ana', type: 'contact' },
        conversation,
      }),
      'support',
    );
    expect(delivery.event).toBe('message_created');
    expect(delivery.messages).toEqual([
      expect.objectContaining({
        key: '41',
        conversationExternalId: '7',
        role: 'USER',
        text: 'hello',
        createdAt: new Date('2025-12-02T04:33:20.000Z'),
        sender: { id: '3', name: 'Ana', kind: 'CONTACT' },
        isPrivate: false,
      }),
    ]);
    expect(delivery.conversations[0]).toMatchObject({ externalId: '7', status: 'OPEN' });
    const note = parseWebhook(
      JSON.stringify({ event: 'message_created', id: 42, content: 'n', message_type: 'outgoing', created_at: '2025-12-02T04:33:21Z', private: true, sender: { id: 1, name: 'Priya', type: 'user' }, conversation }),
      'support',
    );
    expect(note.messages[0]).toMatchObject({ role: 'AGENT', isPrivate: true });
  });

  it('maps conversation events and ignores the rest', () => {
    const changed = parseWebhook(JSON.stringify({ event: 'conversation_status_changed', ...conversation, status: 'resolved' }), 'support');
    expect(changed.conversations[0]).toMatchObject({ externalId: '7', status: 'RESOLVED', upstreamStatus: 'resolved' });
    expect(parseWebhook(JSON.stringify({ event: 'contact_created', id: 1 }), 'support')).toEqual({ event: 'contact_created', messages: [], conversations: [] });
    expect(parseWebhook(JSON.stringify({ event: 'message_updated', id: 41 }), 'support').messages).toEqual([]);
  });

  it('refuses bodies that are not webhook payloads with BAD_USER_INPUT', () => {
    for (const body of ['not json', '[]', '{"id":1}', '{"event":"message_created","id":"x"}', '{"event":"conversation_updated"}']) {
      expect(() => parseWebhook(body, 'support')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    }
  });
});
