/**
 * Selection and mapping of the `http` kind: where the items are in a body (a JMESPath to an
 * array, or a map plus an order list such as Mattermost's `{ order, posts }`) and how each item
 * becomes a `MessageRecord` or `ConversationRecord`. Items are first read cheaply (id and the
 * ordering time, for paging); the full record is built only for items a read returns. Unknown
 * enum values map to the configured default, never to an error; an item without an id or a
 * valid ordering time fails the read with UPSTREAM_ERROR (paging could not place it).
 */
import { GatewayError } from '../../core/errors.js';
import type { AttachmentRecord, ConversationRecord, ConversationStatus, MessageRecord, MessageRole, SenderKind } from '../../core/records.js';
import type { ConversationFields, MessageFields, Select, TimeField } from './config.js';
import { compilePath, truthy, type Path } from './paths.js';
import { parseTime, type ParsedTime, type TimeFormat } from './times.js';

/** One item of a list, placed: its id, ordering time, key, and the raw JSON for mapping. */
export interface Item {
  id: string;
  /** The ordering time (messages: created; conversations: updated), when there is one. */
  time: ParsedTime | null;
  /** `<time as sent>|<id>`: the paging position and, for messages, `MessageRecord.key`. */
  key: string;
  raw: unknown;
}

/** Reads the items of a body. */
export function compileSelect(select: Select): (body: unknown) => unknown[] {
  if (typeof select === 'string') {
    const path = compilePath(select);
    return (body) => {
      const value = path(body);
      return Array.isArray(value) ? value : [];
    };
  }
  const map = compilePath(select.map);
  const order = compilePath(select.order);
  return (body) => {
    const items = map(body);
    const keys = order(body);
    if (!items || typeof items !== 'object' || !Array.isArray(keys)) return [];
    return keys.flatMap((key) => {
      const item = typeof key === 'string' || typeof key === 'number' ? (items as Record<string, unknown>)[String(key)] : undefined;
      return item === undefined ? [] : [item];
    });
  };
}

/** An id or other scalar as text; null for anything else. */
function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function compileTime(field: TimeField | undefined): ((item: unknown) => ParsedTime | null) | undefined {
  if (!field) return undefined;
  const path = compilePath(field.path);
  return (item) => parseTime(path(item), field.format);
}

function compileEnum<T extends string>(
  field: { path: string; values: Record<string, T>; default?: T | undefined } | undefined,
  builtIn: Record<string, T>,
  fallback: T,
): ((item: unknown) => { value: T; raw: string | null }) | undefined {
  if (!field) return undefined;
  const path = compilePath(field.path);
  const values: Record<string, T> = { ...builtIn };
  for (const [key, value] of Object.entries(field.values)) values[key.toLowerCase()] = value;
  const otherwise = field.default ?? fallback;
  return (item) => {
    const raw = text(path(item));
    return { value: (raw !== null && values[raw.toLowerCase()]) || otherwise, raw };
  };
}

const ROLE_WORDS: Record<string, MessageRole> = { user: 'USER', human: 'USER', assistant: 'ASSISTANT', ai: 'ASSISTANT', bot: 'ASSISTANT', agent: 'AGENT', system: 'SYSTEM' };
const KIND_OF_ROLE: Record<MessageRole, SenderKind> = { USER: 'USER', ASSISTANT: 'BOT', AGENT: 'AGENT', SYSTEM: 'SYSTEM' };
const STATUS_WORDS: Record<string, ConversationStatus> = { open: 'OPEN', pending: 'PENDING', snoozed: 'SNOOZED', resolved: 'RESOLVED', closed: 'RESOLVED' };

/** Splits a key `<time as sent>|<id>`; null when malformed. */
export function splitKey(key: string): { raw: string; id: string } | null {
  if (typeof key !== 'string') return null;
  const bar = key.indexOf('|');
  if (bar < 0 || bar === key.length - 1) return null;
  return { raw: key.slice(0, bar), id: key.slice(bar + 1) };
}

function malformed(sourceId: string, what: string): GatewayError {
  return new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" answered with an unexpected payload (${what})`, { sourceId });
}

/** The compiled message mapping of a source. */
export interface MessageMapping {
  /** The ordering time's format (from `fields.createdAt`). */
  readonly timeFormat: TimeFormat;
  /** Places an item. @throws GatewayError UPSTREAM_ERROR without id or a valid time */
  place(raw: unknown): Item;
  /** Decodes a key a client sent back. @returns null when malformed */
  decode(key: string): { id: string; time: ParsedTime } | null;
  /** Builds the record of a placed item. */
  record(item: Item, conversationExternalId: string): MessageRecord;
}

/** Compiles `fields` of messages for source `sourceId`. */
export function compileMessageMapping(sourceId: string, fields: MessageFields): MessageMapping {
  const id = compilePath(fields.id);
  const created = compileTime(fields.createdAt)!;
  const format = fields.createdAt.format;
  const body = fields.text ? compilePath(fields.text) : undefined;
  const role = compileEnum(fields.role, ROLE_WORDS, 'SYSTEM');
  const conversationId = fields.conversationId ? compilePath(fields.conversationId) : undefined;
  const senderId = fields.senderId ? compilePath(fields.senderId) : undefined;
  const senderName = fields.senderName ? compilePath(fields.senderName) : undefined;
  const senderKind = compileEnum(fields.senderKind, {}, 'SYSTEM');
  const isPrivate = fields.private ? compilePath(fields.private) : undefined;
  const attachments = fields.attachments ? compileAttachments(fields.attachments) : undefined;

  return {
    timeFormat: format,
    place(raw) {
      const itemId = text(id(raw));
      if (itemId === null || itemId.length === 0) throw malformed(sourceId, `a message without ${fields.id}`);
      const time = created(raw);
      if (!time) throw malformed(sourceId, `message ${fields.createdAt.path} is not ${format}`);
      return { id: itemId, time, key: `${time.raw}|${itemId}`, raw };
    },
    decode(key) {
      const parts = splitKey(key);
      const time = parts ? parseTime(parts.raw, format) : null;
      return parts && time ? { id: parts.id, time } : null;
    },
    record(item, conversationExternalId) {
      const { raw } = item;
      const mappedRole = role?.(raw).value ?? 'SYSTEM';
      const senderIdValue = senderId ? text(senderId(raw)) : null;
      const senderNameValue = senderName ? text(senderName(raw)) : null;
      return {
        key: item.key,
        externalId: item.id,
        conversationExternalId: (conversationId && text(conversationId(raw))) || conversationExternalId,
        role: mappedRole,
        text: body ? text(body(raw)) : null,
        createdAt: new Date(Math.floor(item.time!.ms)),
        sender: { id: senderIdValue, name: senderNameValue, kind: senderKind?.(raw).value ?? KIND_OF_ROLE[mappedRole] },
        attachments: attachments ? attachments(raw, item.id) : [],
        feedback: null,
        citations: [],
        isPrivate: isPrivate ? truthy(isPrivate(raw)) : false,
      };
    },
  };
}

function compileAttachments(config: NonNullable<MessageFields['attachments']>): (raw: unknown, messageId: string) => AttachmentRecord[] {
  const list = compilePath(config.path);
  const read = (path: string | undefined): Path | undefined => (path ? compilePath(path) : undefined);
  const [id, url, name, type, mimeType, size] = [config.id, config.url, config.name, config.type, config.mimeType, config.size].map(read);
  return (raw, messageId) => {
    const value = list(raw);
    if (!Array.isArray(value)) return [];
    return value.flatMap((entry, index) => {
      if (!entry || typeof entry !== 'object') return [];
      const bytes = size?.(entry);
      return [
        {
          // Without an upstream id, the position inside the message is stable.
          id: (id && text(id(entry))) || `${messageId}:${index}`,
          url: url ? text(url(entry)) : null,
          type: type ? text(type(entry)) : null,
          name: name ? text(name(entry)) : null,
          mimeType: mimeType ? text(mimeType(entry)) : null,
          size: typeof bytes === 'number' && Number.isFinite(bytes) ? bytes : null,
        },
      ];
    });
  };
}

/** The compiled conversation mapping of a source. */
export interface ConversationMapping {
  /** The ordering time's format (from `fields.updatedAt`), if there is one. */
  readonly timeFormat: TimeFormat | undefined;
  place(raw: unknown): Item;
  decode(key: string): { id: string; time: ParsedTime | null } | null;
  record(item: Item): ConversationRecord;
}

/** Compiles `fields` of conversations for source `sourceId`. */
export function compileConversationMapping(sourceId: string, fields: ConversationFields): ConversationMapping {
  const id = compilePath(fields.id);
  const title = fields.title ? compilePath(fields.title) : undefined;
  const status = compileEnum(fields.status, STATUS_WORDS, 'OPEN');
  const created = compileTime(fields.createdAt);
  const updated = compileTime(fields.updatedAt);
  const format = fields.updatedAt?.format;
  return {
    timeFormat: format,
    place(raw) {
      const itemId = text(id(raw));
      if (itemId === null || itemId.length === 0) throw malformed(sourceId, `a conversation without ${fields.id}`);
      const time = updated?.(raw) ?? null;
      return { id: itemId, time, key: `${time?.raw ?? ''}|${itemId}`, raw };
    },
    decode(key) {
      const parts = splitKey(key);
      if (!parts) return null;
      if (parts.raw === '') return { id: parts.id, time: null };
      const time = format ? parseTime(parts.raw, format) : null;
      return time ? { id: parts.id, time } : null;
    },
    record(item) {
      const mapped = status?.(item.raw);
      const createdAt = created?.(item.raw);
      return {
        externalId: item.id,
        title: title ? text(title(item.raw)) : null,
        status: mapped?.value ?? 'OPEN',
        upstreamStatus: mapped?.raw ?? null,
        createdAt: createdAt ? new Date(Math.floor(createdAt.ms)) : null,
        updatedAt: item.time ? new Date(Math.floor(item.time.ms)) : null,
        cursorKey: item.key,
      };
    },
  };
}
