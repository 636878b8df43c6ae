/**
 * HTTP calls to a generic REST chat-history API (seed 002): `GET /chat/history` and the optional
 * listing endpoint, with `Authorization: Bearer <token>`, plus the mapping of its error bodies
 * (`{ status: "error", message, data: null }`) to gateway error codes.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import type { UpstreamErrorResponse } from '../../upstream/responses.js';
import type { AdapterServices, SourceCommonConfig } from '../contract.js';
import {
  conversationDataSchema,
  conversationsDataSchema,
  envelopeSchema,
  historyDataSchema,
  type RestConversation,
  type RestConversationsData,
  type RestHistoryData,
  type RestPagination,
} from './schemas.js';

/** The source config this client needs. */
export type RestClientConfig = SourceCommonConfig & { token: string };

/** A validated answer: the envelope's `data` and `pagination`. */
export interface RestPage<D> {
  data: D;
  pagination: RestPagination | null;
}

/** Parameters of `GET /chat/history`. */
export interface HistoryParams {
  conversationId: string;
  /** 1–100 messages. */
  limit: number;
  /** ISO 8601 timestamp, exclusive: only messages created strictly before it. */
  before?: string;
  /** ISO 8601 timestamp, exclusive: only messages created strictly after it. Never with `before`. */
  after?: string;
  /** Per-call headers carrying the viewer's upstream identity, if the source has one. */
  headers?: Record<string, string>;
  /** The GraphQL request the call serves (deadline, call budget); none for background reads. */
  scope?: RequestScope;
}

/** Parameters of the listing endpoint. */
export interface ConversationsParams {
  /** The configured `conversationsPath`, e.g. `/chat/conversations`. */
  path: string;
  /** 1–100 conversations. */
  limit: number;
  /** ISO 8601 `updated_at`, exclusive: only conversations updated strictly before it. */
  before?: string;
  headers?: Record<string, string>;
  /** The GraphQL request the call serves (deadline, call budget); none for background reads. */
  scope?: RequestScope;
}

/** One source's client. */
export interface RestClient {
  /**
   * `GET /chat/history?conversation_id&limit&before|after&include_meta=true`: one page of a
   * conversation's messages. Order inside the page is not relied on.
   * @throws GatewayError NOT_FOUND (unknown conversation), UPSTREAM_ERROR (400, rejected token,
   *   `status: "error"` envelope, bad payload), RATE_LIMITED, UPSTREAM_UNAVAILABLE
   */
  history(params: HistoryParams): Promise<RestPage<RestHistoryData>>;
  /**
   * `GET <conversationsPath>?limit&before`: one page of the listing, most recently updated first.
   * @throws like `history`; a 404 here means the path is wrong and is UPSTREAM_ERROR.
   */
  conversations(params: ConversationsParams): Promise<RestPage<RestConversationsData>>;
  /**
   * `GET <conversationsPath>/{id}`: one conversation as the listing shows it.
   * @throws like `history`; 404 → NOT_FOUND (unknown conversation)
   */
  conversation(params: { path: string; id: string; headers?: Record<string, string>; scope?: RequestScope }): Promise<RestConversation>;
  close(): Promise<void>;
}

/**
 * Creates the client of one REST source on the source's injected HTTP factory (pool, time-outs,
 * retries, circuit breaker). The token lives in its headers only.
 */
export function createRestClient(config: RestClientConfig, http: AdapterServices['http'], logger: Logger): RestClient {
  const upstream = http({
    headers: { authorization: `Bearer ${config.token}` },
    mapError: (response) => mapError(config.id, response),
  });

  async function get<D>(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    headers: Record<string, string> | undefined,
    schema: z.ZodType<D>,
    endpoint: string = path,
    scope?: RequestScope,
  ): Promise<RestPage<D>> {
    const envelope = await upstream.getJson({ path, query, headers, endpoint }, envelopeSchema, scope);
    if (envelope.status === 'error') {
      logger.warn({ sourceId: config.id, path, upstreamMessage: envelope.message }, 'upstream answered 200 with an error envelope');
      throw new GatewayError('UPSTREAM_ERROR', `source "${config.id}" answered with an error status`, { sourceId: config.id });
    }
    const parsed = schema.safeParse(envelope.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? ['data', ...issue.path].join('.') + `: ${issue.message}` : 'data';
      throw new GatewayError('UPSTREAM_ERROR', `source "${config.id}" answered with an unexpected payload (${where})`, {
        sourceId: config.id,
      });
    }
    return { data: parsed.data, pagination: envelope.pagination ?? null };
  }

  return {
    history: (params) =>
      get(
        '/chat/history',
        {
          conversation_id: params.conversationId,
          limit: params.limit,
          before: params.before,
          after: params.after,
          include_meta: true,
        },
        params.headers,
        historyDataSchema,
        '/chat/history',
        params.scope,
      ),
    conversations: async (params) => {
      try {
        return await get(params.path, { limit: params.limit, before: params.before }, params.headers, conversationsDataSchema, params.path, params.scope);
      } catch (error) {
        if (error instanceof GatewayError && error.code === 'NOT_FOUND') {
          throw new GatewayError('UPSTREAM_ERROR', `source "${config.id}" has no conversation listing at its conversationsPath`, {
            sourceId: config.id,
            status: 404,
            cause: error,
          });
        }
        throw error;
      }
    },
    conversation: async (params) => {
      const path = `${params.path}/${encodeURIComponent(params.id)}`;
      const page = await get(path, {}, params.headers, conversationDataSchema, `${params.path}/:id`, params.scope);
      return page.data.conversation;
    },
    close: () => upstream.close(),
  };
}

/**
 * Maps the API's error answers (DESIGN §5): 404 → NOT_FOUND (an unknown conversation). Every
 * other status takes the shared default mapping of http.ts (`defaultError`): 401/403 → the
 * gateway's own token was rejected (UPSTREAM_ERROR, the token never echoed), other 4xx →
 * UPSTREAM_ERROR, 429 → RATE_LIMITED with `retryAfter`, 5xx → UPSTREAM_UNAVAILABLE.
 */
export function mapError(sourceId: string, response: UpstreamErrorResponse): GatewayError | undefined {
  const { status } = response;
  if (status === 404) return new GatewayError('NOT_FOUND', 'conversation not found', { sourceId, status });
  return undefined;
}
