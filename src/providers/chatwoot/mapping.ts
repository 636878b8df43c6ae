/**
 * Pure functions from Chatwoot JSON to the graph's records (DESIGN §4 mapping rules). No I/O.
 * Chatwoot times are epoch seconds; a few payloads carry ISO 8601 strings, accepted as well.
 */
import type {
  AttachmentRecord,
  ConversationAgentState,
  ConversationPriority,
  ConversationRecord,
  ConversationStatus,
  MessageRecord,
  MessageRole,
  SenderKind,
  SenderRecord,
} from '../../core/records.js';
import type { ChatwootAgent, ChatwootAttachment, ChatwootConversation, ChatwootMessage } from './schemas.js';

/**
 * A table looked up by strings an upstream (or a webhook's sender) chose: a Map, so that keys
 * such as `constructor` or `__proto__` find nothing instead of Object.prototype's members.
 */
function lookupTable<V>(entries: Record<string, V>): ReadonlyMap<string, V> {
  return new Map(Object.entries(entries));
}

/** Chatwoot's `message_type` enum; the API sends the integer, webhooks and some views the name. */
const MESSAGE_TYPES = lookupTable<number>({ incoming: 0, outgoing: 1, activity: 2, template: 3 });

/** Chatwoot's conversation `status` enum (names, and the integers some payloads carry). */
const STATUSES = lookupTable<ConversationStatus>({
  open: 'OPEN',
  pending: 'PENDING',
  snoozed: 'SNOOZED',
  resolved: 'RESOLVED',
  '0': 'OPEN',
  '1': 'RESOLVED',
  '2': 'PENDING',
  '3': 'SNOOZED',
});
const STATUS_NAMES = lookupTable<string>({ '0': 'open', '1': 'resolved', '2': 'pending', '3': 'snoozed' });

/** Sender kinds by `sender.type` (push_event_data) and by `sender_type` (the model class name). */
const SENDER_KINDS = lookupTable<SenderKind>({
  contact: 'CONTACT',
  user: 'AGENT',
  agent_bot: 'BOT',
  captain_assistant: 'BOT',
  Contact: 'CONTACT',
  User: 'AGENT',
  AgentBot: 'BOT',
  'Captain::Assistant': 'BOT',
});

const MIME_TYPES = lookupTable<string>({
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
});

/** Longest title made from a message, in characters. */
const TITLE_LENGTH = 80;

/** Epoch seconds (number or numeric string) or an ISO 8601 string → Date; anything else → null. */
export function toDate(value: number | string | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const seconds = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  const date = Number.isFinite(seconds) ? new Date(seconds * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `message_type` as its integer, whether it arrived as 1 or `"outgoing"`; unknown → undefined. */
export function messageTypeCode(value: number | string | null | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  return /^\d+$/.test(value) ? Number(value) : MESSAGE_TYPES.get(value);
}

function senderKind(message: ChatwootMessage): SenderKind | undefined {
  return SENDER_KINDS.get(message.sender?.type ?? '') ?? SENDER_KINDS.get(message.sender_type ?? '');
}

/**
 * The graph role: incoming → USER, outgoing → AGENT or, from an AgentBot or a Captain
 * assistant, ASSISTANT; activity → SYSTEM; template → ASSISTANT. A future message type falls
 * back on who sent it (no sender → SYSTEM), never an error.
 */
export function messageRole(message: ChatwootMessage): MessageRole {
  const type = messageTypeCode(message.message_type);
  const kind = senderKind(message);
  if (type === 0) return 'USER';
  if (type === 1) return kind === 'BOT' ? 'ASSISTANT' : 'AGENT';
  if (type === 2) return 'SYSTEM';
  if (type === 3) return 'ASSISTANT';
  if (kind === 'CONTACT') return 'USER';
  if (kind === 'AGENT') return 'AGENT';
  return kind === 'BOT' ? 'ASSISTANT' : 'SYSTEM';
}

/**
 * The model an author id is numbered in, one spelling for both forms (`sender.type` and
 * `sender_type`): Chatwoot numbers contacts, users, agent bots and Captain assistants apart.
 */
const SENDER_SCOPES: Record<string, string> = {
  contact: 'contact',
  user: 'user',
  agent_bot: 'agent_bot',
  captain_assistant: 'captain_assistant',
  Contact: 'contact',
  User: 'user',
  AgentBot: 'agent_bot',
  'Captain::Assistant': 'captain_assistant',
};

/**
 * `sender` → `{ id, name, kind, idScope }`; activity messages and sender-less ones → null.
 * `idScope` is the model the id is numbered in (an unknown type is kept as sent).
 */
export function mapSender(message: ChatwootMessage): SenderRecord | null {
  if (messageTypeCode(message.message_type) === 2) return null;
  const kind = senderKind(message);
  const id = message.sender?.id ?? message.sender_id;
  if (!kind && !message.sender) return null;
  const type = message.sender?.type ?? message.sender_type ?? null;
  return {
    id: id === null || id === undefined ? null : String(id),
    name: message.sender?.name ?? message.sender?.available_name ?? null,
    kind: kind ?? 'SYSTEM',
    idScope: type === null ? null : (SENDER_SCOPES[type] ?? type),
  };
}

/** The file name at the end of a (signed ActiveStorage) URL, decoded; null when there is none. */
export function fileNameFromUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split(/[?#]/)[0] ?? '';
  }
  const last = path.split('/').pop() ?? '';
  if (!last) return null;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** An attachment: `data_url` → url, `file_type` → type, name from the URL, MIME type by extension. */
export function mapAttachment(attachment: ChatwootAttachment): AttachmentRecord {
  const fromUrl = fileNameFromUrl(attachment.data_url);
  const extension = (attachment.extension ?? (fromUrl?.includes('.') ? fromUrl.split('.').pop() : undefined))
    ?.replace(/^\./, '')
    .toLowerCase();
  const name = fromUrl ?? (extension ? `attachment-${attachment.id}.${extension}` : null);
  return {
    id: String(attachment.id),
    url: attachment.data_url ?? null,
    type: attachment.file_type === null || attachment.file_type === undefined ? null : String(attachment.file_type),
    name,
    mimeType: (extension && MIME_TYPES.get(extension)) || null,
    size: attachment.file_size ?? null,
  };
}

/** A message of conversation `conversationExternalId`; `key` and `externalId` are its id. */
export function mapMessage(message: ChatwootMessage, conversationExternalId: string): MessageRecord {
  const id = String(message.id);
  return {
    key: id,
    externalId: id,
    conversationExternalId,
    role: messageRole(message),
    text: message.content ?? null,
    createdAt: toDate(message.created_at),
    sender: mapSender(message),
    attachments: (message.attachments ?? []).map(mapAttachment),
    feedback: null,
    citations: [],
    isPrivate: message.private === true,
  };
}

/** `open|pending|snoozed|resolved` (or their integers) → the graph status; unknown → OPEN. */
export function mapStatus(status: string | number | null | undefined): ConversationStatus {
  return STATUSES.get(String(status ?? '')) ?? 'OPEN';
}

/**
 * The title of a chat-list row. Chatwoot conversations have no name, so: the email subject
 * (`additional_attributes.mail_subject`) when there is one; else the latest non-activity
 * message, shortened — what Chatwoot's own list shows — unless it is a private note, which must
 * never leak to a contact through a title; else the contact's name; else null.
 */
export function conversationTitle(conversation: ChatwootConversation): string | null {
  const subject = conversation.additional_attributes?.mail_subject;
  if (typeof subject === 'string' && subject.trim()) return subject.trim();
  const last = conversation.last_non_activity_message;
  const text = last && last.private !== true ? last.content?.replace(/\s+/g, ' ').trim() : undefined;
  if (text) return text.length > TITLE_LENGTH ? `${text.slice(0, TITLE_LENGTH - 1).trimEnd()}…` : text;
  return conversation.meta?.sender?.name?.trim() || null;
}

/** Chatwoot's `priority` enum (`enum priority: { low, medium, high, urgent }`, app/models/conversation.rb). */
const PRIORITIES = lookupTable<ConversationPriority>({ urgent: 'URGENT', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' });

/** The graph's priorities in Chatwoot's spelling (`toggle_priority`'s `priority`). */
export const UPSTREAM_PRIORITY: Record<ConversationPriority, string> = { URGENT: 'urgent', HIGH: 'high', MEDIUM: 'medium', LOW: 'low' };

/** An agent (the agent partial) as the author identity messages use: kind AGENT, numbered among users. */
export function mapAgent(agent: ChatwootAgent): SenderRecord {
  return { id: String(agent.id), name: agent.name ?? agent.available_name ?? null, kind: 'AGENT', idScope: 'user' };
}

/**
 * The agent-side state of a conversation partial: `unread_count`, `agent_last_seen_at` (epoch
 * seconds; 0 = never), `meta.assignee`, `labels`, `priority` (an unknown value → null).
 */
export function mapAgentState(conversation: ChatwootConversation): ConversationAgentState {
  const seen = toDate(conversation.agent_last_seen_at);
  return {
    unreadCount: conversation.unread_count ?? 0,
    lastSeenAt: seen && seen.getTime() > 0 ? seen : null,
    assignee: conversation.meta?.assignee ? mapAgent(conversation.meta.assignee) : null,
    labels: conversation.labels ?? [],
    priority: PRIORITIES.get(conversation.priority ?? '') ?? null,
  };
}

/**
 * A conversation: `externalId` is the display id (`id` in every API payload), `updatedAt` the
 * `last_activity_at` the list sorts by (`timestamp` carries the same when it is missing).
 * `agentView` adds the agent-side state (assignee, labels, priority, read state): the support
 * team's own triage, never shown to the contact.
 */
export function mapConversation(conversation: ChatwootConversation, cursorKey: string, options: { agentView?: boolean } = {}): ConversationRecord {
  const raw = conversation.status;
  return {
    ...(options.agentView ? { agentState: mapAgentState(conversation) } : {}),
    externalId: String(conversation.id),
    title: conversationTitle(conversation),
    status: mapStatus(raw),
    upstreamStatus: raw === null || raw === undefined ? null : (STATUS_NAMES.get(String(raw)) ?? String(raw)),
    createdAt: toDate(conversation.created_at),
    updatedAt: toDate(conversation.last_activity_at ?? conversation.timestamp),
    cursorKey,
  };
}
