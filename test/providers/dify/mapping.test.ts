import { describe, expect, it } from 'vitest';
import {
  formatMessageKey,
  mapAnnotation,
  mapConversation,
  mapConversationStatus,
  mapExchange,
  mapExchanges,
  mapProbedConversation,
  normalizeDifyId,
  parseMessageKey,
} from '../../../src/providers/dify/mapping.js';
import { difyAnnotationPageSchema, difyConversationSchema, difyMessageSchema } from '../../../src/providers/dify/schemas.js';

// Shaped like the published ConversationMessageItem example, plus files on both sides.
const exchangeJson = {
  id: '9da23599-e713-473b-982c-4328d4f5c78a',
  conversation_id: '45701982-8118-4bc5-8e9b-64562b4555f2',
  parent_message_id: null,
  inputs: { city: 'San Francisco' },
  query: 'What are the specs of the iPhone 13 Pro Max?',
  answer: 'iPhone 13 Pro Max specs are listed here:...',
  status: 'normal',
  error: null,
  message_files: [
    {
      id: 'f1a2b3c4-0000-4000-8000-000000000001',
      filename: 'photo.png',
      type: 'image',
      url: 'https://upload.dify.ai/files/f1a2b3c4/file-preview?timestamp=1&nonce=n&sign=s',
      mime_type: 'image/png',
      size: 2048,
      transfer_method: 'local_file',
      belongs_to: 'user',
      upload_file_id: 'f1a2b3c4-0000-4000-8000-000000000001',
    },
    { id: 'f1a2b3c4-0000-4000-8000-000000000002', type: 'document', url: null, belongs_to: 'assistant' },
    { id: 'f1a2b3c4-0000-4000-8000-000000000003', type: 'image', url: 'https://x/legacy.png' },
  ],
  feedback: { rating: 'like' },
  retriever_resources: [
    { position: 1, document_name: 'iphone-13.md', content: 'A15 Bionic chip', score: 0.91, dataset_id: 'd', hit_count: 3 },
    { position: 2, document_name: null },
  ],
  agent_thoughts: [],
  created_at: 1705407629,
  extra_contents: [],
};

const context = { conversationId: '45701982-8118-4bc5-8e9b-64562b4555f2', upstreamUser: 'demo-user' };

describe('dify mapping: exchanges', () => {
  it('splits one exchange into a USER and an ASSISTANT message', () => {
    const [user, assistant] = mapExchange(difyMessageSchema.parse(exchangeJson), context);
    expect(user).toEqual({
      key: '9da23599-e713-473b-982c-4328d4f5c78a:u',
      externalId: '9da23599-e713-473b-982c-4328d4f5c78a',
      conversationExternalId: context.conversationId,
      role: 'USER',
      text: 'What are the specs of the iPhone 13 Pro Max?',
      createdAt: new Date('2024-01-16T12:20:29.000Z'),
      sender: { id: 'demo-user', name: null, kind: 'USER' },
      attachments: [
        {
          id: 'f1a2b3c4-0000-4000-8000-000000000001',
          url: 'https://upload.dify.ai/files/f1a2b3c4/file-preview?timestamp=1&nonce=n&sign=s',
          type: 'image',
          name: 'photo.png',
          mimeType: 'image/png',
          size: 2048,
        },
        // No belongs_to: an upload that came with the query.
        { id: 'f1a2b3c4-0000-4000-8000-000000000003', url: 'https://x/legacy.png', type: 'image', name: null, mimeType: null, size: null },
      ],
      feedback: null,
      citations: [],
      isPrivate: false,
    });
    expect(assistant).toEqual({
      key: '9da23599-e713-473b-982c-4328d4f5c78a:a',
      externalId: '9da23599-e713-473b-982c-4328d4f5c78a',
      conversationExternalId: context.conversationId,
      role: 'ASSISTANT',
      text: 'iPhone 13 Pro Max specs are listed here:...',
      createdAt: new Date(1705407629 * 1000),
      sender: { id: null, name: null, kind: 'BOT' },
      attachments: [
        { id: 'f1a2b3c4-0000-4000-8000-000000000002', url: null, type: 'document', name: null, mimeType: null, size: null },
      ],
      feedback: { rating: 'LIKE', content: null },
      citations: [
        { position: 1, documentName: 'iphone-13.md', content: 'A15 Bionic chip', score: 0.91 },
        { position: 2, documentName: null, content: null, score: null },
      ],
      isPrivate: false,
      agentThoughts: [],
    });
  });

  it('maps dislike, absent feedback and a minimal item', () => {
    const minimal = difyMessageSchema.parse({ id: 'a2f0c4e8-1111-4222-8333-944455556666', created_at: 1767225600 });
    const [user, assistant] = mapExchange(minimal, context);
    expect(user.text).toBeNull();
    expect(user.attachments).toEqual([]);
    expect(assistant.feedback).toBeNull();
    expect(assistant.citations).toEqual([]);
    expect(assistant.createdAt?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const disliked = difyMessageSchema.parse({ ...exchangeJson, feedback: { rating: 'dislike' } });
    expect(mapExchange(disliked, context)[1].feedback).toEqual({ rating: 'DISLIKE', content: null });
    const revoked = difyMessageSchema.parse({ ...exchangeJson, feedback: null });
    expect(mapExchange(revoked, context)[1].feedback).toBeNull();
  });

  it('keeps exchange order and puts each USER half before its ASSISTANT half', () => {
    const second = { ...exchangeJson, id: 'b3e1d5f7-2222-4333-8444-a55566667777', created_at: 1705407700 };
    const records = mapExchanges([exchangeJson, second].map((item) => difyMessageSchema.parse(item)), context);
    expect(records.map((record) => record.key)).toEqual([
      '9da23599-e713-473b-982c-4328d4f5c78a:u',
      '9da23599-e713-473b-982c-4328d4f5c78a:a',
      'b3e1d5f7-2222-4333-8444-a55566667777:u',
      'b3e1d5f7-2222-4333-8444-a55566667777:a',
    ]);
  });

  it('rejects an item without id or created_at (the gateway pages on them)', () => {
    expect(difyMessageSchema.safeParse({ ...exchangeJson, id: undefined }).success).toBe(false);
    expect(difyMessageSchema.safeParse({ ...exchangeJson, created_at: '2024-01-16' }).success).toBe(false);
  });
});

describe('dify mapping: conversations', () => {
  const listed = {
    id: '45701982-8118-4bc5-8e9b-64562b4555f2',
    name: 'iPhone Specs Chat',
    inputs: { city: 'San Francisco' },
    status: 'normal',
    introduction: 'Welcome! How can I help you today?',
    created_at: 1705407629,
    updated_at: 1705411229,
  };

  it('maps a listed conversation', () => {
    expect(mapConversation(difyConversationSchema.parse(listed))).toEqual({
      externalId: '45701982-8118-4bc5-8e9b-64562b4555f2',
      title: 'iPhone Specs Chat',
      status: 'OPEN',
      upstreamStatus: 'normal',
      createdAt: new Date('2024-01-16T12:20:29.000Z'),
      updatedAt: new Date('2024-01-16T13:20:29.000Z'),
      cursorKey: '45701982-8118-4bc5-8e9b-64562b4555f2',
      introduction: 'Welcome! How can I help you today?',
      inputs: { city: 'San Francisco' },
    });
  });

  it('maps statuses without failing on unknown values', () => {
    expect(mapConversationStatus('normal')).toBe('OPEN');
    expect(mapConversationStatus('archived')).toBe('RESOLVED');
    expect(mapConversationStatus('something-new')).toBe('OPEN');
    expect(mapConversationStatus(null)).toBe('OPEN');
    const odd = mapConversation(difyConversationSchema.parse({ ...listed, status: 'paused', name: '' }));
    expect(odd).toMatchObject({ status: 'OPEN', upstreamStatus: 'paused', title: null });
  });

  it('builds a probed conversation from its newest exchanges', () => {
    const exchange = difyMessageSchema.parse(exchangeJson);
    expect(mapProbedConversation(listed.id, [exchange], false)).toEqual({
      externalId: listed.id,
      title: null,
      status: 'OPEN',
      upstreamStatus: null,
      createdAt: null,
      updatedAt: new Date(1705407629 * 1000),
      cursorKey: listed.id,
    });
    expect(mapProbedConversation(listed.id, [exchange], true).createdAt).toEqual(new Date(1705407629 * 1000));
  });
});

describe('dify mapping: keys and ids', () => {
  it('round-trips message keys and rejects malformed ones', () => {
    const key = { id: '9da23599-e713-473b-982c-4328d4f5c78a', half: 'a' as const };
    expect(parseMessageKey(formatMessageKey(key))).toEqual(key);
    expect(parseMessageKey('9DA23599-E713-473B-982C-4328D4F5C78A:u')).toEqual({ ...key, half: 'u' });
    for (const bad of ['', 'nope', '9da23599-e713-473b-982c-4328d4f5c78a', '9da23599-e713-473b-982c-4328d4f5c78a:x', 'abc:u', ':a']) {
      expect(parseMessageKey(bad)).toBeNull();
    }
  });

  it('accepts only UUID ids', () => {
    expect(normalizeDifyId('45701982-8118-4BC5-8E9B-64562B4555F2')).toBe('45701982-8118-4bc5-8e9b-64562b4555f2');
    expect(normalizeDifyId('42')).toBeNull();
    expect(normalizeDifyId('../conversations')).toBeNull();
  });
});

describe('mapAnnotation', () => {
  it('maps the published AnnotationListResponse example: epoch-second time, lower-case id, hit count', () => {
    // The `annotationList` example of GET /apps/annotations in openapi_chat.en.json, id upper-cased.
    const page = difyAnnotationPageSchema.parse({
      data: [
        {
          id: 'A1B2C3D4-5678-90AB-CDEF-1234567890AB',
          question: 'What is Dify?',
          answer: 'Dify is an open-source LLM application development platform.',
          hit_count: 5,
          created_at: 1705407629,
        },
      ],
      has_more: false,
      limit: 20,
      total: 1,
      page: 1,
    });
    expect(page.data.map(mapAnnotation)).toEqual([
      {
        id: 'a1b2c3d4-5678-90ab-cdef-1234567890ab',
        question: 'What is Dify?',
        answer: 'Dify is an open-source LLM application development platform.',
        hitCount: 5,
        createdAt: new Date('2024-01-16T12:20:29Z'),
      },
    ]);
  });

  it('keeps nullable fields null', () => {
    const [item] = difyAnnotationPageSchema.parse({ data: [{ id: 'x-1', question: null, answer: null, hit_count: null, created_at: null }] }).data;
    expect(mapAnnotation(item!)).toEqual({ id: 'x-1', question: null, answer: null, hitCount: null, createdAt: null });
  });
});
