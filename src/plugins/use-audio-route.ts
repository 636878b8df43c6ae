/**
 * `GET /audio/messages/{messageGlobalId}`: an assistant message read aloud, streamed from the
 * source (Dify `POST /text-to-audio`) with the upstream's content type, never buffered whole.
 * The viewer is authenticated exactly like on /graphql, and the adapter checks that the message
 * is the viewer's before any audio call (Dify does not scope `message_id` to the user): a
 * foreign message answers 404 like an absent one. Errors are JSON `{ error: { code, message } }`.
 */
import { peerOf } from '../auth/header-trust.js';
import type { Plugin } from 'graphql-yoga';
import type { ViewerResolver } from '../auth/viewer.js';
import type { Gateway } from '../gateway/gateway.js';
import { parseGlobalId, type NodeRef } from '../core/global-id.js';
import { GatewayError, isGatewayError, type ErrorCode } from '../core/errors.js';

/** The route's path prefix; `Message.audioUrl` is this plus the message's global ID. */
export const AUDIO_ROUTE_PREFIX = '/audio/messages/';

const STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  NOT_SUPPORTED: 404,
  RATE_LIMITED: 429,
  UPSTREAM_ERROR: 502,
  UPSTREAM_UNAVAILABLE: 503,
  SUBSCRIBER_TOO_SLOW: 503,
};

/**
 * A percent-encoded path segment, decoded.
 * @throws GatewayError BAD_USER_INPUT for a malformed encoding (e.g. `%E0%A4%A`)
 */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GatewayError('BAD_USER_INPUT', 'the message id in the path is not valid percent-encoding');
  }
}

/** @param resolveViewer the same resolver /graphql uses */
export function useAudioRoute(gateway: Gateway, resolveViewer: ViewerResolver): Plugin {
  return {
    async onRequest({ url, request, serverContext, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(AUDIO_ROUTE_PREFIX)) return;
      const fail = (error: unknown) => {
        const coded = isGatewayError(error) ? error : undefined;
        if (!coded) gateway.logger.error({ err: error }, 'audio route failed');
        const code = coded?.code ?? 'UPSTREAM_ERROR';
        const headers: Record<string, string> = {};
        if (coded?.retryAfter !== undefined) headers['retry-after'] = String(coded.retryAfter);
        if (code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer';
        const message = coded?.message ?? 'internal error';
        endResponse(fetchAPI.Response.json({ error: { code, message } }, { status: STATUS[code], headers }));
      };
      if (request.method !== 'GET') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET' } }));
        return;
      }
      try {
        const viewer = await resolveViewer(request, peerOf((serverContext as { req?: unknown } | undefined)?.req));
        if (!viewer) throw new GatewayError('UNAUTHENTICATED', 'a viewer is required: send x-chat-user or a bearer token');
        const ref = parseGlobalId(decodedSegment(url.pathname.slice(AUDIO_ROUTE_PREFIX.length)), 'Message') as Extract<
          NodeRef,
          { type: 'Message' }
        >;
        const source = gateway.sources.get(ref.sourceId);
        if (!source) throw new GatewayError('NOT_FOUND', 'message not found');
        if (!source.adapter.capabilities.textToAudio || !source.adapter.textToAudio) {
          throw new GatewayError('NOT_SUPPORTED', `source "${source.id}" cannot read messages aloud`, { sourceId: source.id });
        }
        const audio = await source.adapter.textToAudio(viewer, { conversationExternalId: ref.conversationId, key: ref.key });
        const headers: Record<string, string> = { 'content-type': audio.contentType, 'cache-control': 'private, no-store' };
        if (audio.contentLength !== null) headers['content-length'] = String(audio.contentLength);
        endResponse(new fetchAPI.Response(audio.body, { status: 200, headers }));
      } catch (error) {
        fail(error);
      }
    },
  };
}
