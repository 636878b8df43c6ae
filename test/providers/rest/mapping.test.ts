import { describe, expect, it } from 'vitest';
import {
  mapRole,
  mapStatus,
  messageKey,
  toConversationRecord,
  toMessageRecord,
  toProbedConversationRecord,
} from '../../../src/providers/rest/mapping.js';
import { historyDataSchema, restConversationSchema } from '../../../src/providers/rest/schemas.js';

/** `data` of the seed document's example response (seed 002), verbatim. */
const seedData = {
  conversation_id: 'con_9s2kd81',
  messages: [
    {
      id: 'msg_92kd82',
      sender_type: 'user',
      sender_id: 'usr_82hd92',
      text: "Hey, can you summarize today's calls?",
      metadata: { channel: 'web', attachments: [] },
      created_at: '2026-03-15T13:59:11Z',
    },
    {
      id: 'msg_18dk03',
      sender_type: 'ai',
      sender_id: 'ai_default_bot',
      text: 'Sure, you had 12 inbound and 5 outbound calls today.',
      metadata: { model: 'gpt-4o-mini', latency_ms: 743 },
      created_at: '2026-03-15T14:00:01Z',
    },
  ],
};

describe('rest mapping', () => {
  it('maps the seed example messages', () => {
    const data = historyDataSchema.parse(seedData);
    const [user, ai] = data.messages.map((message) => toMessageRecord('con_9s2kd81', message));
    expect(user).toEqual({
      key: '2026-03-15T13:59:11Z|msg_92kd82',
      externalId: 'msg_92kd82',
      conversationExternalId: 'con_9s2kd81',
      role: 'USER',
      text: "Hey, can you summarize today's calls?",
      createdAt: new Date('2026-03-15T13:59:11Z'),
      sender: { id: 'usr_82hd92', name: null, kind: 'USER' },
      attachments: [],
      feedback: null,
      citations: [],
      isPrivate: false,
    });
    expect(ai).toMatchObject({
      key: '2026-03-15T14:00:01Z|msg_18dk03',
      role: 'ASSISTANT',
      sender: { id: 'ai_default_bot', name: null, kind: 'BOT' },
      createdAt: new Date('2026-03-15T14:00:01Z'),
    });
  });

  it('maps sender types, with unknown ones falling back to SYSTEM', () => {
    expect(mapRole('user')).toBe('USER');
    expect(mapRole('ai')).toBe('ASSISTANT');
    expect(mapRole('system')).toBe('SYSTEM');
    expect(mapRole('webhook')).toBe('SYSTEM');
    const record = toMessageRecord('c1', historyDataSchema.parse({
      messages: [{ id: 7, sender_type: 'tool', created_at: '2026-03-15T14:00:01.250+01:00' }],
    }).messages[0]!);
    expect(record).toMatchObject({
      key: '2026-03-15T14:00:01.250+01:00|7',
      externalId: '7',
      role: 'SYSTEM',
      text: null,
      sender: { id: null, name: null, kind: 'SYSTEM' },
      createdAt: new Date('2026-03-15T13:00:01.250Z'),
    });
  });

  it('reads attachments tolerantly from metadata', () => {
    const [message] = historyDataSchema.parse({
      messages: [
        {
          id: 'msg_a',
          sender_type: 'user',
          sender_id: 'demo-user',
          text: 'see attached',
          created_at: '2026-03-12T08:31:07Z',
          metadata: {
            attachments: [
              { id: 'att_1', url: 'https://files.example/a.png', type: 'image', name: 'a.png', mime_type: 'image/png', size: 42 },
              { url: 'https://files.example/b.csv', name: 'b.csv' },
              'not an attachment',
              { id: 'att_3', size: 'big' },
            ],
          },
        },
      ],
    }).messages;
    expect(toMessageRecord('c', message!).attachments).toEqual([
      { id: 'att_1', url: 'https://files.example/a.png', type: 'image', name: 'a.png', mimeType: 'image/png', size: 42 },
      { id: 'msg_a:1', url: 'https://files.example/b.csv', type: null, name: 'b.csv', mimeType: null, size: null },
    ]);
  });

  it('reads feedback and citations only when metadata has them', () => {
    const [liked, plain] = historyDataSchema.parse({
      messages: [
        {
          id: 'm1',
          sender_type: 'ai',
          created_at: '2026-03-12T08:31:07Z',
          metadata: {
            feedback: { rating: 'dislike' },
            citations: [{ position: 1, document_name: 'faq.md', content: 'Refunds take 3 days.', score: 0.82 }, { title: 'kb' }],
          },
        },
        { id: 'm2', sender_type: 'ai', created_at: '2026-03-12T08:31:08Z', metadata: { feedback: 'thumbs' } },
      ],
    }).messages;
    const record = toMessageRecord('c', liked!);
    expect(record.feedback).toEqual({ rating: 'DISLIKE' });
    expect(record.citations).toEqual([
      { position: 1, documentName: 'faq.md', content: 'Refunds take 3 days.', score: 0.82 },
      { position: null, documentName: 'kb', content: null, score: null },
    ]);
    expect(toMessageRecord('c', plain!)).toMatchObject({ feedback: null, citations: [] });
  });

  it('rejects messages whose timestamp is not ISO 8601', () => {
    const result = historyDataSchema.safeParse({
      messages: [{ id: 'm', sender_type: 'user', created_at: '2026-03-12 08:31:07' }],
    });
    expect(result.success).toBe(false);
  });

  it('maps listed conversations and their statuses', () => {
    const item = restConversationSchema.parse({
      id: 'con_7mw3ze0',
      title: 'Billing dispute follow-up',
      status: 'resolved',
      created_at: '2026-03-14T15:20:00Z',
      updated_at: '2026-03-14T15:30:41Z',
      unread: 2,
    });
    expect(toConversationRecord(item)).toEqual({
      externalId: 'con_7mw3ze0',
      title: 'Billing dispute follow-up',
      status: 'RESOLVED',
      upstreamStatus: 'resolved',
      createdAt: new Date('2026-03-14T15:20:00Z'),
      updatedAt: new Date('2026-03-14T15:30:41Z'),
      cursorKey: '2026-03-14T15:30:41Z|con_7mw3ze0',
    });
    expect(mapStatus(undefined)).toBe('OPEN');
    expect(mapStatus('escalated')).toBe('OPEN');
    expect(mapStatus('Pending')).toBe('PENDING');
  });

  it('builds a conversation from a history probe', () => {
    const data = historyDataSchema.parse(seedData);
    expect(toProbedConversationRecord('con_9s2kd81', data.messages)).toEqual({
      externalId: 'con_9s2kd81',
      title: null,
      status: 'OPEN',
      upstreamStatus: null,
      createdAt: null,
      updatedAt: new Date('2026-03-15T14:00:01Z'),
      cursorKey: '2026-03-15T14:00:01Z|con_9s2kd81',
    });
    expect(toProbedConversationRecord('empty', []).updatedAt).toBeNull();
    expect(messageKey({ id: 'x|y', created_at: '2026-03-15T14:00:01Z' })).toBe('2026-03-15T14:00:01Z|x|y');
  });
});
