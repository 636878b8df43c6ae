/**
 * The `chatwoot` provider kind: one Chatwoot account read through its Application API with an
 * agent's (ideally an administrator's) access token. Viewers with role `agent` (`agentRole`)
 * see the whole account, private notes included; everyone else is the contact whose
 * `identifier` equals their id (`contactMatch: email`: whose email equals theirs) and sees only
 * that contact's conversations, without private notes. Message keys are Chatwoot message ids;
 * conversation external ids are display ids.
 */
import { z } from 'zod';
import { GatewayError, isGatewayError } from '../errors.js';
import type { MessageSlice, ProviderAdapter, ProviderKind, WebhookRequest } from '../types.js';
import { loadConversations, loadMessages } from './batch.js';
import { createChatwootClient } from './client.js';
import { DEFAULT_CONTACT_SEARCHES_PER_MINUTE } from './contact-lookup.js';
import { parseDisplayId, parseMessageKey } from './ids.js';
import { mapMessage } from './mapping.js';
import { pageAccountConversations, pageMessages, parseAccountCursor, parseContactCursor, sliceContactConversations } from './paging.js';
import * as writes from './writes.js';
import { authenticateWebhook, parseWebhook } from './webhook.js';
import { assertConversationVisible, conversationNotFound, createScopeResolver, seesPrivateNotes } from './scope.js';

const configShape = {
  /** The numeric account id (`/api/v1/accounts/{accountId}`). */
  accountId: z.number().int().positive(),
  /** An agent's access token, sent as the `api_access_token` header. */
  apiAccessToken: z.string().min(1),
  /** The contact field a viewer is matched on, exactly: `identifier` (= viewer id) or `email`. @default identifier */
  contactMatch: z.enum(['identifier', 'email']).default('identifier'),
  /** The viewer role that sees the whole account, private notes included. @default agent */
  agentRole: z.string().min(1).transform((role) => role.toLowerCase()).default('agent'),
  /** Contact search calls per minute this source makes at most (Chatwoot allows about 100). @default 60 */
  contactSearchesPerMinute: z.number().int().min(1).max(10_000).default(DEFAULT_CONTACT_SEARCHES_PER_MINUTE),
  /** The account webhook's secret: signed deliveries to `POST /webhooks/{id}` are verified with it. */
  webhookSecret: z.string().min(8).optional(),
  /** For Chatwoot versions that do not sign webhooks: the `?token=` the webhook URL carries. */
  webhookToken: z.string().min(16).optional(),
};

const chatwoot = {
  kind: 'chatwoot',
  graphKind: 'CHATWOOT',
  description: 'A Chatwoot account (Application API).',
  configShape,
  create(config, services): ProviderAdapter {
    const sourceId = config.id;
    const { logger } = services;
    const client = createChatwootClient(config, services.http);
    // Defaults repeated for callers that build the config without the schema (tests).
    const { contactMatch = 'identifier', agentRole = 'agent' } = config;
    const resolve = createScopeResolver(
      client,
      sourceId,
      logger,
      { contactMatch, agentRole },
      { cache: services.cache, searchesPerMinute: config.contactSearchesPerMinute },
    );
    const badInput = (message: string) => new GatewayError('BAD_USER_INPUT', message, { sourceId });
    const context = { client, sourceId, resolve };

    return {
      capabilities: { listConversations: true, sendMessage: true, setConversationStatus: true },

      async listConversations(viewer, page, memo) {
        const requestScope = memo?.scope;
        const scope = await resolve(viewer, requestScope);
        if (scope.kind === 'account') {
          const cursor = page.after === null ? null : parseAccountCursor(page.after);
          if (page.after !== null && !cursor) throw badInput('invalid conversation cursor');
          return pageAccountConversations(client, cursor, page.limit, requestScope);
        }
        const cursor = page.after === null ? null : parseContactCursor(page.after);
        if (page.after !== null && !cursor) throw badInput('invalid conversation cursor');
        if (scope.contactId === null) return { items: [], hasMore: false };
        // A contact deleted since the search has no conversations left to show.
        const listed = await client.contactConversations(scope.contactId, requestScope).catch((error: unknown) => {
          if (isGatewayError(error) && error.code === 'NOT_FOUND') return { payload: [] };
          throw error;
        });
        return sliceContactConversations(listed.payload, cursor, page.limit);
      },

      getConversations: (viewer, externalIds, memo) => loadConversations(context, viewer, externalIds, memo?.scope),

      async listMessages(viewer, conversationExternalId, page, memo): Promise<MessageSlice> {
        const requestScope = memo?.scope;
        const cursorId = page.cursor === null ? null : parseMessageKey(page.cursor);
        if (page.cursor !== null && cursorId === null) throw badInput('invalid message cursor');
        const displayId = parseDisplayId(conversationExternalId);
        if (displayId === null) throw conversationNotFound(sourceId);
        const scope = await resolve(viewer, requestScope);
        if (scope.kind === 'contact' && scope.contactId === null) throw conversationNotFound(sourceId);
        const privateVisible = seesPrivateNotes(scope);
        let verified = false;
        const window = await pageMessages(
          async (params) => {
            // Chatwoot's 404 and 401 for this conversation read the same as a foreign one.
            const result = await client.listMessages(displayId, params, requestScope).catch((error: unknown) => {
              throw isGatewayError(error) && error.code === 'NOT_FOUND' ? conversationNotFound(sourceId) : error;
            });
            // Checked before any message is kept; ownership does not change between pages.
            if (!verified) await assertConversationVisible(client, sourceId, scope, displayId, result.meta, requestScope);
            verified = true;
            return result.payload;
          },
          { direction: page.direction, cursorId, limit: page.limit },
          (message) => privateVisible || message.private !== true,
        );
        return {
          messages: window.messages.map((message) => mapMessage(message, String(displayId))),
          hasMore: window.hasMore,
        };
      },

      getMessages: (viewer, refs, memo) => loadMessages(context, viewer, refs, memo?.scope),

      sendMessage: (viewer, request, scope) => writes.sendMessage(context, viewer, request, scope),
      authorizeSend: async (viewer, request, scope) => void (await writes.authorizeSend(context, viewer, request, scope)),

      setConversationStatus: (viewer, id, status, until, scope) => writes.setConversationStatus(context, viewer, id, status, until, scope),
      // Display ids are decimal; "007" names no conversation (Chatwoot writes 7).
      canonicalConversationId: (externalId) => {
        const displayId = parseDisplayId(externalId);
        return displayId === null ? null : String(displayId);
      },

      close: () => client.close(),

      seesPrivateNotes: (viewer) => viewer.roles.includes(agentRole),

      // Without a secret or token the source has no push feed and is polled like the others.
      ...(config.webhookSecret || config.webhookToken
        ? {
            async receiveWebhook(request: WebhookRequest) {
              const receipt = await authenticateWebhook(request, {
                secret: config.webhookSecret,
                token: config.webhookToken,
                cache: services.cache,
                sourceId,
              });
              const delivery = parseWebhook(request.rawBody, sourceId, config.accountId);
              return receipt === 'duplicate' ? { event: delivery.event, messages: [], conversations: [], duplicate: true } : delivery;
            },
          }
        : {}),
    };
  },
} satisfies ProviderKind<typeof configShape>;

export default chatwoot;
