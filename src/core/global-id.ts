/**
 * Global IDs: `base64url("<Type>:" + JSON array of parts)`. Deterministic and stable across
 * restarts and replicas (no secret, no counter), opaque to clients, and able to carry inner ids
 * that contain any character. Parts:
 * - `Source`: `[sourceId]`
 * - `Conversation`: `[sourceId, conversationExternalId]`
 * - `Message`: `[sourceId, conversationExternalId, messageKey]`
 * - `Feedback`: `[sourceId, conversationExternalId, messageKey]` of the rated message (one
 *   feedback per message and viewer, so the same id whether read from the message or the app list)
 * - `Attachment`: `[sourceId, conversationExternalId, messageKey, attachmentExternalId]`
 * - `Sender`: `[sourceId, kind, idScope, senderExternalId, null]` for an author the backend
 *   identifies (its ids are unique only per kind, or per the backend's finer `idScope`, else
 *   null: Chatwoot agent 1, agent bot 1 and Captain assistant 1 are different authors), and
 *   `[sourceId, kind, idScope, null, name]` for one it does not (Dify's assistant: `name` null),
 *   so an unidentified author is one stable identity per source, kind and name
 * - `Viewer`: `[viewerId]` (the viewer id is the same for every source)
 * - `Annotation`: `[sourceId, annotationExternalId]` (an app's curated Q&A pair, not a viewer's)
 */
import { badInput } from './errors.js';
import type { SenderKind } from './records.js';

/**
 * What a global ID decodes to. `conversationId` here is the backend's own id of the conversation
 * (an adapter's `conversationExternalId`), not the global ID that GraphQL inputs named
 * `conversationId` carry: decode an input with `decodeGlobalId` to get this shape.
 */
export type NodeRef =
  | { type: 'Source'; sourceId: string }
  | { type: 'Conversation'; sourceId: string; conversationId: string }
  | { type: 'Message'; sourceId: string; conversationId: string; key: string }
  | { type: 'Feedback'; sourceId: string; conversationId: string; key: string }
  | { type: 'Attachment'; sourceId: string; conversationId: string; key: string; attachmentId: string }
  | SenderNodeRef
  | { type: 'Viewer'; viewerId: string }
  | { type: 'Annotation'; sourceId: string; annotationId: string };

/**
 * A message author. `externalId` is the backend's id, unique per kind and `idScope`; `name` is
 * part of the identity only when there is no `externalId` (and null otherwise).
 */
export interface SenderNodeRef {
  type: 'Sender';
  sourceId: string;
  kind: SenderKind;
  idScope: string | null;
  externalId: string | null;
  name: string | null;
}

/** The refs that point into one source (every type but `Viewer`). */
export type SourceNodeRef = Exclude<NodeRef, { type: 'Viewer' }>;

const PART_COUNT = { Source: 1, Conversation: 2, Message: 3, Feedback: 3, Attachment: 4, Sender: 5, Viewer: 1, Annotation: 2 } as const;
const SENDER_KINDS: ReadonlySet<string> = new Set<SenderKind>(['USER', 'CONTACT', 'AGENT', 'BOT', 'SYSTEM']);
const MAX_ID_LENGTH = 2048;

/** The inner id (what Pothos passes around) of a ref: the JSON array of its parts. */
export function innerId(ref: NodeRef): string {
  switch (ref.type) {
    case 'Source':
      return JSON.stringify([ref.sourceId]);
    case 'Conversation':
      return JSON.stringify([ref.sourceId, ref.conversationId]);
    case 'Message':
    case 'Feedback':
      return JSON.stringify([ref.sourceId, ref.conversationId, ref.key]);
    case 'Attachment':
      return JSON.stringify([ref.sourceId, ref.conversationId, ref.key, ref.attachmentId]);
    case 'Sender':
      return JSON.stringify([ref.sourceId, ref.kind, ref.idScope, ref.externalId, ref.externalId === null ? ref.name : null]);
    case 'Viewer':
      return JSON.stringify([ref.viewerId]);
    case 'Annotation':
      return JSON.stringify([ref.sourceId, ref.annotationId]);
  }
}

/** Encodes a typename and an inner id into a global ID. */
export function encodeGlobalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

/** Encodes a ref into its global ID. */
export function globalIdOf(ref: NodeRef): string {
  return encodeGlobalId(ref.type, innerId(ref));
}

/**
 * Splits a global ID into typename and inner id without checking the type.
 * @throws GatewayError BAD_USER_INPUT when it is not one of ours
 */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const invalid = () => badInput('invalid global ID');
  if (typeof globalId !== 'string' || globalId.length === 0 || globalId.length > MAX_ID_LENGTH) throw invalid();
  if (!/^[A-Za-z0-9_-]+$/.test(globalId)) throw invalid();
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw invalid();
  return { typename: text.slice(0, colon), id: text.slice(colon + 1) };
}

/**
 * Parses a global ID into a ref.
 * @param expected when given, the only type accepted
 * @throws GatewayError BAD_USER_INPUT for a malformed ID or one of another type
 */
export function parseGlobalId<T extends NodeRef['type']>(globalId: string, expected: T): Extract<NodeRef, { type: T }>;
export function parseGlobalId(globalId: string): NodeRef;
export function parseGlobalId(globalId: string, expected?: NodeRef['type']): NodeRef {
  const { typename, id } = decodeGlobalId(globalId);
  const ref = refFromInnerId(typename, id);
  if (!ref || (expected && ref.type !== expected)) {
    throw badInput(expected ? `invalid global ID: expected a ${expected} ID` : 'invalid global ID');
  }
  return ref;
}

/** Builds a ref from a typename and inner id; null when they do not form one. */
export function refFromInnerId(typename: string, id: string): NodeRef | null {
  if (!(typename in PART_COUNT)) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(id);
  } catch {
    return null;
  }
  const count = PART_COUNT[typename as keyof typeof PART_COUNT];
  if (!Array.isArray(parts) || parts.length !== count) return null;
  if (typename === 'Sender') return senderRef(parts);
  if (!parts.every(isPart)) return null;
  const [sourceId, conversationId, key, attachmentId] = parts as string[];
  switch (typename) {
    case 'Source':
      return { type: 'Source', sourceId: sourceId! };
    case 'Viewer':
      return { type: 'Viewer', viewerId: sourceId! };
    case 'Conversation':
      return { type: 'Conversation', sourceId: sourceId!, conversationId: conversationId! };
    case 'Annotation':
      return { type: 'Annotation', sourceId: sourceId!, annotationId: conversationId! };
    case 'Attachment':
      return { type: 'Attachment', sourceId: sourceId!, conversationId: conversationId!, key: key!, attachmentId: attachmentId! };
    default:
      return { type: typename as 'Message' | 'Feedback', sourceId: sourceId!, conversationId: conversationId!, key: key! };
  }
}

const isPart = (part: unknown): part is string => typeof part === 'string' && part.length > 0;

/** `[sourceId, kind, idScope | null, externalId | null, name | null]`, a name only beside a null externalId. */
function senderRef(parts: unknown[]): SenderNodeRef | null {
  const [sourceId, kind, idScope, externalId, name] = parts;
  if (!isPart(sourceId) || !isPart(kind) || !SENDER_KINDS.has(kind)) return null;
  if (idScope !== null && !isPart(idScope)) return null;
  if (externalId !== null && !isPart(externalId)) return null;
  if (name !== null && (typeof name !== 'string' || externalId !== null)) return null;
  return { type: 'Sender', sourceId, kind: kind as SenderKind, idScope, externalId, name };
}
