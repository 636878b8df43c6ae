/**
 * HTTP calls to one Dify app's Service API (`baseUrl` ends in `/v1`), authenticated with the
 * app's API key as `Authorization: Bearer <key>`, and the mapping of Dify's error bodies
 * (`{"code","message","status"}`) to gateway error codes.
 */
import { GatewayError } from '../errors.js';
import type { UpstreamErrorResponse } from '../http.js';
import type { AdapterServices, SourceCommonConfig } from '../types.js';
import {
  difyConversationPageSchema,
  difyErrorSchema,
  difyMessagePageSchema,
  type DifyConversationPage,
  type DifyMessagePage,
} from './schemas.js';

/** Dify's largest `limit` on both list endpoints. */
export const DIFY_MAX_LIMIT = 100;

/** The calls the adapter makes. Every method throws `GatewayError` (see `mapDifyError`). */
export interface DifyClient {
  /**
   * `GET /conversations?user&last_id&limit&sort_by=-updated_at`: the user's conversations,
   * most recently updated first. `lastId` is the last id of the previous page; `limit` 1–100.
   * @throws GatewayError BAD_USER_INPUT when `lastId` is no longer in the user's list.
   */
  listConversations(user: string, page: { lastId: string | null; limit: number }): Promise<DifyConversationPage>;
  /**
   * `GET /messages?conversation_id&user&first_id&limit`: the newest `limit` (1–100) exchanges
   * strictly older than `firstId` (or the newest overall), oldest first inside the page.
   * @throws GatewayError NOT_FOUND for a missing or foreign conversation, BAD_USER_INPUT when
   *   `firstId` is not a message of it.
   */
  listMessages(
    user: string,
    page: { conversationId: string; firstId: string | null; limit: number },
  ): Promise<DifyMessagePage>;
  close(): Promise<void>;
}

/**
 * Creates the client of one Dify source on the source's injected HTTP factory (pool, time-outs,
 * retries, circuit breaker). The API key goes into the headers only.
 */
export function createDifyClient(
  config: SourceCommonConfig & { apiKey: string },
  http: AdapterServices['http'],
): DifyClient {
  const upstream = http({
    headers: { authorization: `Bearer ${config.apiKey}` },
    mapError: (answer) => mapDifyError(config.id, answer),
  });
  return {
    listConversations: (user, page) =>
      upstream.getJson(
        {
          path: '/conversations',
          endpoint: '/conversations',
          query: { user, last_id: page.lastId, limit: clampLimit(page.limit), sort_by: '-updated_at' },
        },
        difyConversationPageSchema,
      ),
    listMessages: (user, page) =>
      upstream.getJson(
        {
          path: '/messages',
          endpoint: '/messages',
          query: { conversation_id: page.conversationId, user, first_id: page.firstId, limit: clampLimit(page.limit) },
        },
        difyMessagePageSchema,
      ),
    close: () => upstream.close(),
  };
}

function clampLimit(limit: number): number {
  return Math.min(DIFY_MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

/**
 * Maps a Dify error answer to a gateway error (DESIGN §5), or undefined for `defaultError`
 * (401 → rejected credentials, 429 → RATE_LIMITED, 5xx → UPSTREAM_UNAVAILABLE).
 * - 404 "First Message Not Exists." / "Last Conversation Not Exists." → BAD_USER_INPUT: the
 *   cursor names a message or conversation that is gone (Dify answers both with `not_found`).
 * - any other 404, and 403 → NOT_FOUND: Dify answers a foreign conversation exactly like a
 *   missing one.
 * - 400 `invalid_param` and 422 (newer builds validate query args with pydantic) →
 *   UPSTREAM_ERROR: the gateway sent something Dify refuses, which is never the viewer's fault.
 * Messages name the Dify `code` only, never the upstream message (it can echo request values).
 */
export function mapDifyError(sourceId: string, answer: UpstreamErrorResponse): GatewayError | undefined {
  const parsed = difyErrorSchema.safeParse(answer.body);
  const code = parsed.success ? (parsed.data.code ?? undefined) : undefined;
  const message = parsed.success && typeof parsed.data.message === 'string' ? parsed.data.message : '';
  const { status } = answer;
  if (status === 404 && /first message not exists/i.test(message)) {
    return new GatewayError('BAD_USER_INPUT', 'the message cursor no longer matches a message of this conversation', {
      sourceId,
      status,
    });
  }
  if (status === 404 && /last conversation not exists/i.test(message)) {
    return new GatewayError('BAD_USER_INPUT', 'the conversation cursor no longer matches a conversation of this list', {
      sourceId,
      status,
    });
  }
  if (status === 404 || status === 403) {
    return new GatewayError('NOT_FOUND', 'conversation not found', { sourceId, status });
  }
  if (status === 400 || status === 422) {
    const detail = code && /^[a-z_]{1,64}$/.test(code) ? ` ${code}` : '';
    return new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" refused the request (HTTP ${status}${detail})`, {
      sourceId,
      status,
    });
  }
  return undefined;
}
