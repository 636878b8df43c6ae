/**
 * Who may read what in a REST source. The generic API has no user notion, so the source config
 * says how access is decided (`access`):
 * - `owner` (default): the gateway calls with its configured token and shows a conversation only
 *   to its owner: a viewer owns a conversation when one of its `user` messages has `sender_id`
 *   equal to the viewer attribute `ownerFrom` (id or email). Deciding it reads the conversation
 *   from the newest message back until such a message turns up, at most `ownerScanLimit`
 *   messages: usually one call for an owner, the whole history (capped) for anyone else. A
 *   conversation whose owner's last message lies beyond the cap is not shown (fail closed).
 * - `forward`: the viewer's own bearer token (jwt mode) replaces the configured token and the
 *   upstream decides: its 403/404 read as "not found", its 401 as FORBIDDEN for the source.
 * - `shared`: every viewer may read every conversation (an explicit opt-in: only for sources
 *   whose data is not personal).
 * Decisions are cached per viewer object, i.e. per request. Within a GraphQL request
 * (`RequestMemo`) ownership reads are bounded: at most `OWNER_CALLS_PER_REQUEST` history calls
 * decide ownership (further decisions fail with BAD_USER_INPUT instead of calling), a listing
 * decides each conversation from its newest `LISTING_OWNER_DEPTH` messages (one call; a
 * conversation whose owner wrote nothing that recent is left out of lists but still opens by
 * id), and the pages read are shared with the request's message reads (shared-history.ts), so
 * the newest page an ownership check read also answers `last: 20`.
 */
import { z } from 'zod';
import { createViewerMemo } from '../adapter-kit.js';
import { GatewayError, isGatewayError } from '../../core/errors.js';
import { viewerAttribute, viewerAttributeSchema } from '../identity.js';
import type { Viewer } from '../../core/records.js';
import type { RequestMemo } from '../../upstream/request-memo.js';
import type { RestClient } from './client.js';
import { positionOf, scan } from './paging.js';
import type { RestMessage } from './schemas.js';
import { sharedHistory } from './shared-history.js';

/** Config keys of REST access; merged into the kind's `configShape`. */
export const accessShape = {
  /** How access is decided: `owner`, `forward` or `shared` (see the file comment). @default owner */
  access: z.enum(['owner', 'forward', 'shared']).default('owner'),
  /** The viewer attribute compared with `sender_id` of `user` messages (`owner`). @default id */
  ownerFrom: viewerAttributeSchema.default('id'),
  /** Messages read back from the newest when deciding ownership (`owner`). @default 1000 */
  ownerScanLimit: z.number().int().min(1).max(2000).default(1000),
};

/** History calls one request may spend deciding ownership. */
export const OWNER_CALLS_PER_REQUEST = 200;
/** Messages a listing reads back per conversation to decide ownership (one call). */
export const LISTING_OWNER_DEPTH = 100;

export interface AccessConfig {
  id: string;
  access: 'owner' | 'forward' | 'shared';
  ownerFrom: 'id' | 'email';
  ownerScanLimit: number;
}

/** The access policy of one source. */
export interface RestAccess {
  /** False when the viewer can see nothing here (no token to forward, no owner attribute). */
  canRead(viewer: Viewer): boolean;
  /** Per-call headers for the viewer (the forwarded token), or undefined. */
  headers(viewer: Viewer): Record<string, string> | undefined;
  /**
   * Whether the viewer may read the conversation; false for a missing one too.
   * @param memo the request's memo: bounds and shares the reads (see the file comment)
   * @param depth messages read back at most (`owner`); default `ownerScanLimit`
   * @throws GatewayError when the upstream fails while ownership is being decided, or
   *   BAD_USER_INPUT past the request's `OWNER_CALLS_PER_REQUEST`
   */
  mayOpen(viewer: Viewer, conversationId: string, memo?: RequestMemo, depth?: number): Promise<boolean>;
  /** The source's client, forwarded-token answers mapped (401 → FORBIDDEN, 403 → NOT_FOUND). */
  client: RestClient;
}

/** Thrown inside a scan to stop it as soon as the viewer's message turns up. */
class OwnerFound {}

/** Builds the policy of a source around its client. */
export function createRestAccess(config: AccessConfig, upstream: RestClient): RestAccess {
  const decisions = createViewerMemo<string, boolean>();
  const sourceId = config.id;

  const owner = (viewer: Viewer) => (config.access === 'owner' ? viewerAttribute(viewer, config.ownerFrom) : null);

  function canRead(viewer: Viewer): boolean {
    if (config.access === 'forward') return Boolean(viewer.token);
    if (config.access === 'owner') return owner(viewer) !== null;
    return true;
  }

  function headers(viewer: Viewer): Record<string, string> | undefined {
    return config.access === 'forward' && viewer.token ? { authorization: `Bearer ${viewer.token}` } : undefined;
  }

  /** `GET /chat/history` for ownership: counted against the request's bound, pages shared. */
  function ownershipHistory(memo: RequestMemo | undefined): RestClient['history'] {
    if (!memo) return upstream.history;
    const spent = memo.get('rest-owner-calls', () => ({ calls: 0 }));
    return sharedHistory(memo, (params) => {
      if (spent.calls >= OWNER_CALLS_PER_REQUEST) {
        return Promise.reject(
          new GatewayError(
            'BAD_USER_INPUT',
            `deciding who owns these conversations would take more than ${OWNER_CALLS_PER_REQUEST} upstream calls ` +
              `on source "${sourceId}"; ask for fewer conversations`,
            { sourceId },
          ),
        );
      }
      spent.calls += 1;
      return upstream.history(params);
    });
  }

  async function owns(conversationId: string, id: string, memo: RequestMemo | undefined, depth: number): Promise<boolean> {
    const history = ownershipHistory(memo);
    const matches = (message: RestMessage) =>
      message.sender_type === 'user' &&
      typeof message.sender_id === 'string' &&
      (config.ownerFrom === 'email' ? message.sender_id.trim().toLowerCase() : message.sender_id) === id;
    try {
      await scan<RestMessage>({
        direction: 'older',
        from: null,
        want: depth,
        position: (message) => positionOf(message.created_at, message.id),
        keep: () => true,
        fetch: async (bound, limit) => {
          const answer = await history({ conversationId, limit, before: bound });
          if (answer.data.messages.some(matches)) throw new OwnerFound();
          return { items: answer.data.messages, hasMore: answer.pagination?.has_more };
        },
        sourceId,
        noun: 'messages',
      });
      return false;
    } catch (error) {
      if (error instanceof OwnerFound) return true;
      if (isGatewayError(error) && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }

  function mayOpen(viewer: Viewer, conversationId: string, memo?: RequestMemo, depth?: number): Promise<boolean> {
    if (!canRead(viewer) || conversationId.length === 0) return Promise.resolve(false);
    const id = owner(viewer);
    if (id === null) return Promise.resolve(true);
    const within = Math.min(depth ?? config.ownerScanLimit, config.ownerScanLimit);
    const full = within === config.ownerScanLimit;
    return decisions(viewer, full ? conversationId : `${within}\u0000${conversationId}`, () =>
      owns(conversationId, id, memo, within),
    );
  }

  function translate(error: unknown): never {
    if (isGatewayError(error) && config.access === 'forward' && (error.status === 401 || error.status === 403)) {
      if (error.status === 403) throw new GatewayError('NOT_FOUND', 'conversation not found', { sourceId, status: 403 });
      throw new GatewayError('FORBIDDEN', `source "${sourceId}" refused the viewer's credentials`, { sourceId, status: 401 });
    }
    throw error;
  }

  const client: RestClient = {
    history: (params) => upstream.history(params).catch(translate),
    conversations: (params) => upstream.conversations(params).catch(translate),
    conversation: (params) => upstream.conversation(params).catch(translate),
    close: () => upstream.close(),
  };

  return { canRead, headers, mayOpen, client };
}
