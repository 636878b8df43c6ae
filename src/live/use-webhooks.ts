/**
 * `POST /webhooks/{sourceId}`: receives a pushing source's webhooks (Chatwoot account webhooks)
 * and publishes what they changed to every replica's subscribers. The adapter authenticates
 * and parses the delivery; this plugin only routes and answers:
 * 200 `{"status":"ok"}` published (or an event the gateway ignores), 200 `{"status":"duplicate"}`
 * a delivery received before (a replay, e.g. a captured one re-posted under a new delivery id:
 * acknowledged so that a sender never retries it, nothing published), 400 not a webhook payload,
 * 401 authentication failed (nothing published), 403 a delivery of another account, 404 no
 * such pushing source, 405 not POST, 413 body over the limit (a chunked body is read to its end,
 * up to a bound, so the sender gets the answer rather than a reset), 503 the pub/sub store or
 * the shared cache that remembers deliveries cannot be reached (nothing published). No GraphQL
 * auth applies: the delivery authenticates itself.
 */
import type { Plugin } from 'graphql-yoga';
import type { Gateway } from '../gateway.js';
import { isGatewayError } from '../providers/errors.js';

/** Largest webhook body read, bytes (Chatwoot payloads are a few KB). */
export const MAX_WEBHOOK_BYTES = 512 * 1024;
/** Most bytes of an oversize body read and dropped so that its sender can read the 413. */
const MAX_DRAINED_BYTES = 8 * 1024 * 1024;

const PATH = /^\/webhooks\/([a-z][a-z0-9-]{0,31})\/?$/;

const STATUS_BY_CODE: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400, UPSTREAM_UNAVAILABLE: 503 };

/** The webhook route as a yoga plugin; it answers before GraphQL handling (no viewer, no CSRF check). */
export function useWebhooks(gateway: Gateway): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith('/webhooks/')) return;
      const json = (status: number, body: unknown, headers?: Record<string, string>) =>
        endResponse(fetchAPI.Response.json(body, { status, headers }));
      const match = PATH.exec(url.pathname);
      const source = match ? gateway.sources.get(match[1]!) : undefined;
      if (!source?.adapter.receiveWebhook) return json(404, { error: 'no webhook receiver here' });
      if (request.method !== 'POST') return json(405, { error: 'webhooks are POSTed' }, { allow: 'POST' });
      const declared = Number(request.headers.get('content-length') ?? 0);
      if (declared > MAX_WEBHOOK_BYTES) return json(413, { error: 'webhook body too large' });
      const rawBody = await readLimited(request, MAX_WEBHOOK_BYTES);
      if (rawBody === null) return json(413, { error: 'webhook body too large' }, { connection: 'close' });
      const started = Date.now();
      try {
        const delivery = await source.adapter.receiveWebhook({ headers: request.headers, rawBody, query: url.searchParams });
        if (delivery.duplicate) {
          gateway.logger.warn({ sourceId: source.id, event: delivery.event }, 'webhook replay ignored');
          return json(200, { status: 'duplicate' });
        }
        if (!gateway.live.available()) return json(503, { error: 'live updates unavailable' });
        await gateway.live.publish(source.id, delivery);
        gateway.logger.info(
          { sourceId: source.id, event: delivery.event, messages: delivery.messages.length, durationMs: Date.now() - started },
          'webhook received',
        );
        return json(200, { status: 'ok' });
      } catch (error) {
        const code = isGatewayError(error) ? error.code : 'INTERNAL';
        gateway.logger.warn({ sourceId: source.id, code }, 'webhook refused');
        const status = STATUS_BY_CODE[code] ?? 500;
        return json(status, { error: status === 500 ? 'internal error' : (error as Error).message });
      }
    },
  };
}

/**
 * The body as text, or null once it exceeds `limit` bytes. An oversize body is still read (and
 * dropped) up to `MAX_DRAINED_BYTES`: answering while the sender still writes would reset its
 * connection before it reads the 413.
 */
async function readLimited(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_DRAINED_BYTES) return null;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? null : Buffer.concat(chunks).toString('utf8');
}
