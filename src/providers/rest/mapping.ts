/**
 * Pure mapping from the REST API's JSON to the graph's records (DESIGN §4 "Mapping rules").
 * No I/O; unknown enum values map to fallbacks, never to errors.
 */
import type {
  AttachmentRecord,
  CitationRecord,
  ConversationRecord,
  ConversationStatus,
  MessageRecord,
  MessageRole,
  SenderKind,
} from '../types.js';
import { encodePosition } from './paging.js';
import {
  restAttachmentSchema,
  restCitationSchema,
  type RestConversation,
  type RestMessage,
} from './schemas.js';

/** `sender_type` → role and sender kind; anything unknown is treated as a system message. */
const SENDERS: Record<string, { role: MessageRole; kind: SenderKind }> = {
  user: { role: 'USER', kind: 'USER' },
  ai: { role: 'ASSISTANT', kind: 'BOT' },
  system: { role: 'SYSTEM', kind: 'SYSTEM' },
};
const FALLBACK_SENDER = { role: 'SYSTEM', kind: 'SYSTEM' } as const;

/** Listing `status` → graph status; absent or unknown → OPEN (the raw value stays in `upstreamStatus`). */
const STATUSES: Record<string, ConversationStatus> = {
  open: 'OPEN',
  active: 'OPEN',
  pending: 'PENDING',
  snoozed: 'SNOOZED',
  resolved: 'RESOLVED',
  closed: 'RESOLVED',
  archived: 'RESOLVED',
};

/**
 * A message's key: `<created_at as sent>|<id>`, e.g. `2026-03-15T13:59:11Z|msg_92kd82`. It is
 * unique in the conversation and is the paging position (see paging.ts).
 */
export function messageKey(message: Pick<RestMessage, 'created_at' | 'id'>): string {
  return encodePosition(message.created_at, message.id);
}

/** A listed conversation's cursor key: `<updated_at as sent>|<id>`. */
export function conversationCursorKey(conversation: Pick<RestConversation, 'updated_at' | 'id'>): string {
  return encodePosition(conversation.updated_at, conversation.id);
}

/** The graph role of a `sender_type` (`user` | `ai` | `system`; unknown → SYSTEM). */
export function mapRole(senderType: string): MessageRole {
  return (SENDERS[senderType.toLowerCase()] ?? FALLBACK_SENDER).role;
}

/** The graph status of a listing `status` string (absent or unknown → OPEN). */
export function mapStatus(status: string | null | undefined): ConversationStatus {
  const key = status?.toLowerCase() ?? '';
  // Own keys only: a status such as "constructor" must not find Object.prototype's members.
  return Object.hasOwn(STATUSES, key) ? STATUSES[key]! : 'OPEN';
}

/**
 * Maps one `data.messages[]` item. Attachments, feedback and citations come from `metadata`
 * (present only with `include_meta=true`); malformed entries there are skipped, not fatal.
 */
export function toMessageRecord(conversationExternalId: string, message: RestMessage): MessageRecord {
  const sender = SENDERS[message.sender_type.toLowerCase()] ?? FALLBACK_SENDER;
  const metadata = message.metadata ?? {};
  return {
    key: messageKey(message),
    externalId: message.id,
    conversationExternalId,
    role: sender.role,
    text: message.text ?? null,
    createdAt: new Date(message.created_at),
    sender: { id: message.sender_id ?? null, name: null, kind: sender.kind },
    attachments: toAttachments(message.id, metadata.attachments),
    feedback: toFeedback(metadata.feedback),
    citations: toCitations(metadata.citations),
    isPrivate: false,
  };
}

/** Maps one item of the listing endpoint (`data.conversations[]`). Times are ISO 8601 strings. */
export function toConversationRecord(conversation: RestConversation): ConversationRecord {
  return {
    externalId: conversation.id,
    title: conversation.title ?? null,
    status: mapStatus(conversation.status),
    upstreamStatus: conversation.status ?? null,
    createdAt: conversation.created_at ? new Date(conversation.created_at) : null,
    updatedAt: new Date(conversation.updated_at),
    cursorKey: conversationCursorKey(conversation),
  };
}

/**
 * Builds a conversation record from a history probe (the API has no get-conversation
 * endpoint): no title or creation time, `updatedAt` = the newest message's `created_at`.
 */
export function toProbedConversationRecord(externalId: string, messages: readonly RestMessage[]): ConversationRecord {
  const newest = messages.reduce<RestMessage | undefined>(
    (best, message) => (!best || Date.parse(message.created_at) > Date.parse(best.created_at) ? message : best),
    undefined,
  );
  return {
    externalId,
    title: null,
    status: 'OPEN',
    upstreamStatus: null,
    createdAt: null,
    updatedAt: newest ? new Date(newest.created_at) : null,
    cursorKey: encodePosition(newest?.created_at ?? '', externalId),
  };
}

function toAttachments(messageId: string, value: unknown): AttachmentRecord[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, index) => {
    const parsed = restAttachmentSchema.safeParse(entry);
    if (!parsed.success) return [];
    const item = parsed.data;
    return [
      {
        // Seeds show no attachment id; the position inside the message is stable.
        id: item.id ?? `${messageId}:${index}`,
        url: item.url ?? null,
        type: item.type ?? null,
        name: item.name ?? null,
        mimeType: item.mime_type ?? null,
        size: item.size ?? null,
      },
    ];
  });
}

function toFeedback(value: unknown): MessageRecord['feedback'] {
  const rating =
    typeof value === 'string'
      ? value
      : value && typeof value === 'object' && typeof (value as { rating?: unknown }).rating === 'string'
        ? (value as { rating: string }).rating
        : undefined;
  const normalized = rating?.toLowerCase();
  if (normalized === 'like') return { rating: 'LIKE' };
  if (normalized === 'dislike') return { rating: 'DISLIKE' };
  return null;
}

function toCitations(value: unknown): CitationRecord[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const parsed = restCitationSchema.safeParse(entry);
    if (!parsed.success) return [];
    const item = parsed.data;
    return [
      {
        position: item.position ?? null,
        documentName: item.document_name ?? item.title ?? null,
        content: item.content ?? null,
        score: item.score ?? null,
      },
    ];
  });
}
