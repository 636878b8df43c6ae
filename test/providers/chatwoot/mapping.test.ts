import { describe, expect, it } from 'vitest';
import {
  conversationTitle,
  fileNameFromUrl,
  mapAttachment,
  mapConversation,
  mapMessage,
  mapStatus,
  messageRole,
  toDate,
} from '../../../src/providers/chatwoot/mapping.js';
import {
  chatwootConversationSchema,
  chatwootMessageListSchema,
  type ChatwootMessage,
} from '../../../src/providers/chatwoot/schemas.js';

/** A messages index response as Chatwoot renders it (push_event_data items, trimmed). */
const MESSAGES_PAGE = {
  meta: {
    labels: ['billing'],
    additional_attributes: {},
    contact: { id: 18, name: 'Demo User', identifier: 'demo-user', email: 'demo@example.com', type: 'contact' },
    agent_last_seen_at: '2026-03-09T12:30:11.000Z',
  },
  payload: [
    {
      id: 4144,
      content: 'Hi, my thermostat keeps dropping off the Wi-Fi.',
      account_id: 1,
      inbox_id: 1,
      conversation_id: 19,
      message_type: 0,
      created_at: 1773050640,
      updated_at: '2026-03-09T10:04:00.000Z',
      private: false,
      status: 'sent',
      source_id: null,
      content_type: 'text',
      content_attributes: {},
      sender_type: 'Contact',
      sender_id: 18,
      external_source_ids: {},
      sender: { id: 18, name: 'Demo User', identifier: 'demo-user', type: 'contact', thumbnail: '' },
    },
    {
      id: 4145,
      content: "Thanks for reaching out! I'm Helper Bot.",
      message_type: 1,
      created_at: 1773050900,
      private: false,
      sender_type: 'AgentBot',
      sender_id: 1,
      sender: { id: 1, name: 'Helper Bot', avatar_url: '', type: 'agent_bot' },
    },
    { id: 4150, content: 'Assigned to Priya Raman by Helper Bot', message_type: 2, created_at: 1773051200, private: false, sender_type: null, sender_id: null },
    {
      id: 4158,
      content: 'Telemetry: RSSI between -78 and -84 dBm.',
      message_type: 1,
      created_at: 1773052000,
      private: true,
      sender_type: 'User',
      sender_id: 1,
      sender: { id: 1, name: 'Priya Raman', available_name: 'Priya Raman', type: 'user', availability_status: 'online' },
    },
    {
      id: 4170,
      content: "Here's a screenshot of the connection history.",
      message_type: 0,
      created_at: 1773140000,
      private: false,
      sender_type: 'Contact',
      sender_id: 18,
      sender: { id: 18, name: 'Demo User', type: 'contact' },
      attachments: [
        {
          id: 301,
          message_id: 4170,
          file_type: 'image',
          account_id: 1,
          extension: null,
          data_url: 'https://app.chatwoot.com/rails/active_storage/blobs/redirect/eyJfcmFpbHMiOnt9--4f2a/connection%20history.png',
          thumb_url: 'https://app.chatwoot.com/rails/active_storage/representations/redirect/eyJ/connection%20history.png',
          file_size: 248113,
          width: 1170,
          height: 2532,
        },
        { id: 302, file_type: 'file', extension: 'pdf', data_url: null, file_size: 84211 },
      ],
    },
    { id: 4171, content: 'Installation tip: …', message_type: 'outgoing', created_at: 1773140100, sender_type: 'Captain::Assistant', sender_id: 1, sender: { id: 1, name: 'Captain', type: 'captain_assistant' } },
    { id: 4172, content: 'Please rate the conversation', message_type: 3, content_type: 'input_csat', created_at: 1773140200, private: false },
  ],
};

const messages = chatwootMessageListSchema.parse(MESSAGES_PAGE).payload;
const byId = (id: number) => messages.find((message) => message.id === id) as ChatwootMessage;

describe('chatwoot message mapping', () => {
  it('maps an incoming contact message with its sender and time', () => {
    expect(mapMessage(byId(4144), '19')).toEqual({
      key: '4144',
      externalId: '4144',
      conversationExternalId: '19',
      role: 'USER',
      text: 'Hi, my thermostat keeps dropping off the Wi-Fi.',
      createdAt: new Date(1773050640 * 1000),
      sender: { id: '18', name: 'Demo User', kind: 'CONTACT', idScope: 'contact' },
      attachments: [],
      feedback: null,
      citations: [],
      isPrivate: false,
    });
  });

  it('maps outgoing messages by sender: agent bot and Captain → ASSISTANT/BOT, user → AGENT', () => {
    expect(mapMessage(byId(4145), '19')).toMatchObject({ role: 'ASSISTANT', sender: { id: '1', name: 'Helper Bot', kind: 'BOT', idScope: 'agent_bot' } });
    // Captain assistant 1 is not agent bot 1: the id scope tells them apart.
    expect(mapMessage(byId(4171), '19')).toMatchObject({ role: 'ASSISTANT', sender: { id: '1', name: 'Captain', kind: 'BOT', idScope: 'captain_assistant' } });
    expect(mapMessage(byId(4158), '19')).toMatchObject({
      role: 'AGENT',
      sender: { id: '1', name: 'Priya Raman', kind: 'AGENT', idScope: 'user' },
      isPrivate: true,
    });
  });

  it('maps activity to SYSTEM without a sender and templates to ASSISTANT', () => {
    expect(mapMessage(byId(4150), '19')).toMatchObject({ role: 'SYSTEM', sender: null, text: 'Assigned to Priya Raman by Helper Bot' });
    expect(mapMessage(byId(4172), '19')).toMatchObject({ role: 'ASSISTANT', sender: null });
  });

  it('accepts message_type spelled out and falls back on the sender for unknown types', () => {
    expect(messageRole({ id: 1, message_type: 'incoming', created_at: 0 })).toBe('USER');
    expect(messageRole({ id: 1, message_type: 'activity', created_at: 0 })).toBe('SYSTEM');
    expect(messageRole({ id: 1, message_type: 9, created_at: 0, sender_type: 'User' })).toBe('AGENT');
    expect(messageRole({ id: 1, message_type: 'unknown', created_at: 0 })).toBe('SYSTEM');
  });

  it('maps attachments: data_url, file type, decoded name, MIME type and size', () => {
    expect(mapMessage(byId(4170), '19').attachments).toEqual([
      {
        id: '301',
        url: 'https://app.chatwoot.com/rails/active_storage/blobs/redirect/eyJfcmFpbHMiOnt9--4f2a/connection%20history.png',
        type: 'image',
        name: 'connection history.png',
        mimeType: 'image/png',
        size: 248113,
      },
      { id: '302', url: null, type: 'file', name: 'attachment-302.pdf', mimeType: 'application/pdf', size: 84211 },
    ]);
    expect(mapAttachment({ id: 9, data_url: 'https://x.example/files/notes', file_type: 'file' })).toMatchObject({ name: 'notes', mimeType: null });
    expect(fileNameFromUrl('https://x.example/a/b/invoice.pdf?disposition=inline')).toBe('invoice.pdf');
  });

  it('reads epoch seconds and ISO strings, and nothing else', () => {
    expect(toDate(1773050640)).toEqual(new Date('2026-03-09T10:04:00Z'));
    expect(toDate('1773050640')).toEqual(new Date('2026-03-09T10:04:00Z'));
    expect(toDate('2026-03-09T10:04:00.000Z')).toEqual(new Date('2026-03-09T10:04:00Z'));
    expect(toDate('not a date')).toBeNull();
    expect(toDate(null)).toBeNull();
  });
});

/** A conversation list item as the conversation partial renders it (trimmed). */
const CONVERSATION = {
  meta: {
    sender: { id: 18, name: 'Demo User', identifier: 'demo-user', email: 'demo@example.com' },
    channel: 'Channel::WebWidget',
    assignee: { id: 1, name: 'Priya Raman', role: 'administrator' },
    hmac_verified: false,
  },
  id: 19,
  messages: [],
  account_id: 1,
  uuid: '2f5c1a0b-4c1e-4d2a-9b7f-000000000013',
  additional_attributes: {},
  inbox_id: 1,
  labels: ['warranty', 'wifi'],
  status: 'open',
  created_at: 1773050400,
  timestamp: 1773603286,
  updated_at: 1773603286.412,
  last_non_activity_message: { id: 4310, content: 'Perfect, you are all set then. Have a warm week!', private: false, message_type: 1 },
  last_activity_at: 1773603286,
  priority: null,
};

describe('chatwoot conversation mapping', () => {
  it('maps the display id, status, creation and last activity', () => {
    const record = mapConversation(chatwootConversationSchema.parse(CONVERSATION), '1.3.19');
    expect(record).toEqual({
      externalId: '19',
      title: 'Perfect, you are all set then. Have a warm week!',
      status: 'OPEN',
      upstreamStatus: 'open',
      createdAt: new Date(1773050400 * 1000),
      updatedAt: new Date(1773603286 * 1000),
      cursorKey: '1.3.19',
    });
  });

  it('maps every status, integers included, and falls back to OPEN', () => {
    expect(['open', 'pending', 'snoozed', 'resolved', 'archived', null].map(mapStatus)).toEqual([
      'OPEN', 'PENDING', 'SNOOZED', 'RESOLVED', 'OPEN', 'OPEN',
    ]);
    const record = mapConversation(chatwootConversationSchema.parse({ ...CONVERSATION, status: 1 }), 'k');
    expect(record).toMatchObject({ status: 'RESOLVED', upstreamStatus: 'resolved' });
  });

  it('titles with the mail subject first, then the last message, never a private note', () => {
    const parse = (patch: object) => chatwootConversationSchema.parse({ ...CONVERSATION, ...patch });
    expect(conversationTitle(parse({ additional_attributes: { mail_subject: ' Double charge on my March invoice ' } }))).toBe(
      'Double charge on my March invoice',
    );
    const note = { content: 'Customer happy, resolve tomorrow.', private: true, message_type: 1 };
    expect(conversationTitle(parse({ last_non_activity_message: note }))).toBe('Demo User');
    const long = { content: `${'word '.repeat(40)}end`, private: false };
    const title = conversationTitle(parse({ last_non_activity_message: long })) as string;
    expect(title).toHaveLength(80);
    expect(title.endsWith('…')).toBe(true);
    expect(conversationTitle(parse({ last_non_activity_message: null, meta: {} }))).toBeNull();
  });

  it('uses timestamp when last_activity_at is missing', () => {
    const { last_activity_at: _dropped, ...rest } = CONVERSATION;
    expect(mapConversation(chatwootConversationSchema.parse(rest), 'k').updatedAt).toEqual(new Date(1773603286 * 1000));
  });
});

describe('chatwoot agent-side state mapping', () => {
  /** A conversation partial's agent-side fields as Chatwoot renders them (trimmed). */
  const PARTIAL = {
    id: 19,
    status: 'open',
    agent_last_seen_at: 1772967011,
    unread_count: 3,
    labels: ['warranty', 'wifi'],
    priority: 'urgent',
    meta: { assignee: { id: 1, name: 'Priya Raman', available_name: 'Priya', email: 'priya@acme-support.example', role: 'administrator' } },
  };

  it('maps unread count, last look, assignee (as an agent author), labels and priority for agents', () => {
    const record = mapConversation(chatwootConversationSchema.parse(PARTIAL), '19', { agentView: true });
    expect(record.agentState).toEqual({
      unreadCount: 3,
      lastSeenAt: new Date(1772967011 * 1000),
      assignee: { id: '1', name: 'Priya Raman', kind: 'AGENT', idScope: 'user' },
      labels: ['warranty', 'wifi'],
      priority: 'URGENT',
    });
  });

  it('reads never-seen (0), no assignee, no labels and an unknown priority as empty', () => {
    const partial = { ...PARTIAL, agent_last_seen_at: 0, unread_count: undefined, labels: undefined, priority: 'critical', meta: {} };
    expect(mapConversation(chatwootConversationSchema.parse(partial), '19', { agentView: true }).agentState).toEqual({
      unreadCount: 0,
      lastSeenAt: null,
      assignee: null,
      labels: [],
      priority: null,
    });
  });

  it('leaves the state out unless asked for an agent', () => {
    expect(mapConversation(chatwootConversationSchema.parse(PARTIAL), '19').agentState).toBeUndefined();
  });
});
