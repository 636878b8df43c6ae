/**
 * JSON renderings of the simulator's records, shaped like Chatwoot's own views: the
 * `push_event_data` of messages, contacts, users and bots, the conversation partial
 * (`api/v1/conversations/partials/_conversation.json.jbuilder`) and the contact partial.
 * Times are epoch seconds except where Chatwoot itself renders a Rails timestamp.
 */
import type { ChatwootFixture, SimAttachment, SimContact, SimConversation, SimMessage, SimUser } from './fixtures.js';

type Json = Record<string, unknown>;

/** Renders records of one fixture; `origin` is the simulator's own origin, for file URLs. */
export function createViews(data: ChatwootFixture, origin: string) {
  const inbox = (id: number) => data.inboxes.find((item) => item.id === id);
  const contactById = (id: number) => data.contacts.find((item) => item.id === id) as SimContact;
  const userById = (id: number) => data.users.find((item) => item.id === id);

  function contact(record: SimContact, withInboxes = false): Json {
    const json: Json = {
      additional_attributes: {},
      availability_status: 'offline',
      email: record.email,
      id: record.id,
      name: record.name,
      phone_number: record.phoneNumber,
      blocked: false,
      identifier: record.identifier,
      thumbnail: '',
      custom_attributes: {},
      last_activity_at: record.createdAt,
      created_at: record.createdAt,
    };
    if (withInboxes) {
      const inboxIds = [...new Set(data.conversations.filter((c) => c.contactId === record.id).map((c) => c.inboxId))];
      json.contact_inboxes = inboxIds.map((id) => ({
        source_id: `${record.id}-${id}-c0ffee`,
        inbox: { id, avatar_url: '', channel_id: id, name: inbox(id)?.name, channel_type: inbox(id)?.channelType, provider: null },
      }));
    }
    return json;
  }

  function contactEvent(record: SimContact): Json {
    const { last_activity_at: _a, created_at: _c, availability_status: _s, ...rest } = contact(record);
    return { ...rest, type: 'contact' };
  }

  function user(record: SimUser): Json {
    return {
      id: record.id,
      account_id: data.accountId,
      availability_status: 'online',
      auto_offline: true,
      confirmed: true,
      email: record.email,
      available_name: record.name,
      name: record.name,
      role: record.role,
      thumbnail: '',
      custom_role_id: null,
    };
  }

  function sender(message: SimMessage): Json | undefined {
    const ref = message.sender;
    if (!ref) return undefined;
    if (ref.type === 'Contact') return contactEvent(contactById(ref.id));
    if (ref.type === 'User') {
      const agent = userById(ref.id) as SimUser;
      return { id: agent.id, name: agent.name, available_name: agent.name, avatar_url: '', type: 'user', availability_status: 'online', thumbnail: '' };
    }
    if (ref.type === 'AgentBot') {
      const bot = data.agentBots.find((item) => item.id === ref.id);
      return { id: ref.id, name: bot?.name, avatar_url: '', type: 'agent_bot' };
    }
    const assistant = data.assistants.find((item) => item.id === ref.id);
    return { id: ref.id, name: assistant?.name, avatar_url: '', description: assistant?.description, created_at: '2026-01-15T09:00:00.000Z', type: 'captain_assistant' };
  }

  function attachment(file: SimAttachment, message: SimMessage): Json {
    const signed = Buffer.from(`{"_rails":{"data":${file.id},"pur":"blob_id"}}`).toString('base64').replace(/=+$/, '');
    return {
      id: file.id,
      message_id: message.id,
      file_type: file.fileType,
      account_id: data.accountId,
      extension: null,
      data_url: `${origin}/rails/active_storage/blobs/redirect/${signed}--${(file.id * 40503).toString(16)}/${encodeURIComponent(file.fileName)}`,
      thumb_url: file.fileType === 'image' ? `${origin}/rails/active_storage/representations/redirect/${signed}/${encodeURIComponent(file.fileName)}` : '',
      file_size: file.size,
      width: file.width ?? null,
      height: file.height ?? null,
    };
  }

  /**
   * `unread_count`: incoming messages created after `agent_last_seen_at` (all of them when an
   * agent never looked), at most 10 (`Conversation#unread_incoming_messages` takes `last(10)`).
   */
  function unreadCount(record: SimConversation): number {
    const since = record.agentLastSeenAt ?? null;
    const unread = data.messages.filter((m) => m.conversationId === record.id && m.messageType === 0 && (since === null || m.createdAt > since));
    return Math.min(unread.length, 10);
  }

  /** `Message#push_event_data`: what the messages index and the conversation partial render. */
  function message(record: SimMessage): Json {
    const conversation = data.conversations.find((item) => item.id === record.conversationId) as SimConversation;
    const json: Json = {
      id: record.id,
      content: record.content,
      account_id: data.accountId,
      inbox_id: conversation.inboxId,
      conversation_id: conversation.id,
      message_type: record.messageType,
      created_at: record.createdAt,
      updated_at: new Date(record.createdAt * 1000).toISOString(),
      private: record.private,
      status: 'sent',
      source_id: null,
      content_type: record.contentType,
      content_attributes: {},
      sender_type: record.sender?.type ?? null,
      sender_id: record.sender?.id ?? null,
      external_source_ids: {},
      additional_attributes: {},
      processed_message_content: record.content,
      sentiment: {},
      conversation: {
        assignee_id: conversation.assigneeId,
        unread_count: unreadCount(conversation),
        last_activity_at: conversation.lastActivityAt,
        contact_inbox: { source_id: `${conversation.contactId}-${conversation.inboxId}-c0ffee` },
      },
    };
    if (record.attachments.length > 0) json.attachments = record.attachments.map((file) => attachment(file, record));
    const from = sender(record);
    if (from) json.sender = from;
    return json;
  }

  /** The conversation partial: list items, the show endpoint and contact conversations. */
  function conversation(record: SimConversation): Json {
    const own = data.messages.filter((item) => item.conversationId === record.id);
    const last = own.at(-1);
    const lastNonActivity = own.filter((item) => item.messageType !== 2).at(-1);
    const assignee = record.assigneeId === null ? undefined : userById(record.assigneeId);
    const meta: Json = {
      sender: contact(contactById(record.contactId)),
      channel: inbox(record.inboxId)?.channelType,
      hmac_verified: false,
    };
    if (assignee) meta.assignee = user(assignee);
    return {
      meta,
      id: record.id,
      messages: last ? [message(last)] : [],
      account_id: data.accountId,
      uuid: record.uuid,
      additional_attributes: record.mailSubject ? { mail_subject: record.mailSubject, source: 'email' } : {},
      // `nil.to_i` is 0: never seen.
      agent_last_seen_at: record.agentLastSeenAt ?? 0,
      assignee_last_seen_at: record.lastActivityAt,
      can_reply: true,
      contact_last_seen_at: record.lastActivityAt,
      custom_attributes: {},
      inbox_id: record.inboxId,
      labels: record.labels,
      muted: false,
      // Snoozed "until the next reply" leaves this null, as the seeded snoozes do.
      snoozed_until: record.snoozedUntil ? new Date(record.snoozedUntil * 1000).toISOString() : null,
      status: record.status,
      created_at: record.createdAt,
      updated_at: record.lastActivityAt + 0.412,
      timestamp: record.lastActivityAt,
      first_reply_created_at: own.find((item) => item.messageType === 1)?.createdAt ?? 0,
      unread_count: unreadCount(record),
      last_non_activity_message: lastNonActivity ? message(lastNonActivity) : null,
      last_activity_at: record.lastActivityAt,
      priority: record.priority ?? null,
      waiting_since: 0,
      sla_policy_id: null,
    };
  }

  /** The `meta` of the messages index: labels, attributes, the contact and the assignee. */
  function messagesMeta(record: SimConversation): Json {
    const assignee = record.assigneeId === null ? undefined : userById(record.assigneeId);
    const meta: Json = {
      labels: record.labels,
      additional_attributes: record.mailSubject ? { mail_subject: record.mailSubject } : {},
      contact: contactEvent(contactById(record.contactId)),
      agent_last_seen_at: record.agentLastSeenAt ? new Date(record.agentLastSeenAt * 1000).toISOString() : null,
      assignee_last_seen_at: null,
    };
    if (assignee) meta.assignee = user(assignee);
    return meta;
  }

  return { contact, conversation, message, messagesMeta, user, unreadCount };
}
