/**
 * Global IDs: `base64url("<Type>:" + JSON array of parts)`. Deterministic and stable across
 * restarts and replicas (no secret, no counter), opaque to clients, and able to carry inner ids
 * that contain any character. Parts:
 * - `Source`: `[sourceId]`
 * - `Conversation`: `[sourceId, conversationExternalId]`
 * - `Message`: `[sourceId, conversationExternalId, messageKey]`
 * - `Feedback`: `[sourceId, conversationExternalId, messageKey]` of the rated message (one
 *   feedback per message and viewer, so the same id whether read from the message or the app list)
 */
import { badInput } from './errors.js';

/**
 * What a global ID decodes to. `conversationId` here is the backend's own id of the conversation
 * (an adapter's `conversationExternalId`), not the global ID that GraphQL inputs named
 * `conversationId` carry: decode an input with `decodeGlobalId` to get this shape.
 */
export type NodeRef =
  | { type: 'Source'; sourceId: string }
  | { type: 'Conversation'; sourceId: string; conversationId: string }
  | { type: 'Message'; sourceId: string; conversationId: string; key: string }
  | { type: 'Feedback'; sourceId: string; conversationId: string; key: string };

const PART_COUNT = { Source: 1, Conversation: 2, Message: 3, Feedback: 3 } as const;
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
  if (!parts.every((part) => typeof part === 'string' && part.length > 0)) return null;
  const [sourceId, conversationId, key] = parts as string[];
  if (typename === 'Source') return { type: 'Source', sourceId: sourceId! };
  if (typename === 'Conversation') return { type: 'Conversation', sourceId: sourceId!, conversationId: conversationId! };
  return { type: typename as 'Message' | 'Feedback', sourceId: sourceId!, conversationId: conversationId!, key: key! };
}
