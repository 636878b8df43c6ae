/**
 * The `chatwoot` provider kind: one Chatwoot account read through its Application API with an
 * agent's (ideally an administrator's) access token. Viewers with role `agent` (`agentRole`)
 * see the whole account, private notes included; everyone else is the contact whose
 * `identifier` equals their id (`contactMatch: email`: whose email equals theirs) and sees only
 * that contact's conversations, without private notes. Message keys are Chatwoot message ids;
 * conversation external ids are display ids.
 *
 * Like the other kinds, this file only declares the kind: list reads are in reads.ts, reads by
 * id in batch.ts, writes in writes.ts and agent-actions.ts, webhooks in webhook.ts.
 */
import { z } from 'zod';
import type { WebhookRequest } from '../../core/records.js';
import type { ProviderAdapter, ProviderKind } from '../contract.js';
import { loadConversations, loadMessages } from './batch.js';
import { createChatwootClient } from './client.js';
import { DEFAULT_CONTACT_SEARCHES_PER_MINUTE } from './contact-lookup.js';
import { countConversations } from './filters.js';
import { parseDisplayId } from './ids.js';
import * as reads from './reads.js';
import * as writes from './writes.js';
import * as agentActions from './agent-actions.js';
import { authenticateWebhook, parseWebhook } from './webhook.js';
import { createScopeResolver, viewerScope } from './scope.js';

/** Kind-specific config keys. */
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
    const context = { client, sourceId, resolve, cache: services.cache };
    const labelContext = { ...context, labelQueue: agentActions.createLabelQueue() };

    return {
      capabilities: {
        listConversations: true,
        sendMessage: true,
        sendFiles: true,
        setConversationStatus: true,
        assignConversation: true,
        changeConversationLabels: true,
        setConversationPriority: true,
        markConversationRead: true,
        listAgents: true,
        countConversations: true,
      },

      listConversations: (viewer, page, memo) => reads.listConversations(context, viewer, page, memo),

      countConversations: async (viewer, filter, scope) =>
        countConversations(context, await resolve(viewer, scope), viewer, filter, scope),

      getConversations: (viewer, externalIds, memo) => loadConversations(context, viewer, externalIds, memo?.scope),

      listMessages: (viewer, id, page, memo) => reads.listMessages(context, viewer, id, page, memo),

      getMessages: (viewer, refs, memo) => loadMessages(context, viewer, refs, memo?.scope),

      sendMessage: (viewer, request, scope) => writes.sendMessage(context, viewer, request, scope),
      authorizeSend: async (viewer, request, scope) => void (await writes.authorizeSend(context, viewer, request, scope)),

      setConversationStatus: (viewer, id, status, until, scope) => writes.setConversationStatus(context, viewer, id, status, until, scope),
      assignConversation: (viewer, id, choice, scope) => agentActions.assignConversation(context, viewer, id, choice, scope),
      changeConversationLabels: (viewer, id, change, scope) => agentActions.changeConversationLabels(labelContext, viewer, id, change, scope),
      setConversationPriority: (viewer, id, priority, scope) => agentActions.setConversationPriority(context, viewer, id, priority, scope),
      markConversationRead: (viewer, id, scope) => agentActions.markConversationRead(context, viewer, id, scope),
      listAgents: (viewer, scope) => agentActions.listAgents(context, viewer, scope),
      // Display ids are decimal; "007" names no conversation (Chatwoot writes 7).
      canonicalConversationId: (externalId) => {
        const displayId = parseDisplayId(externalId);
        return displayId === null ? null : String(displayId);
      },

      close: () => client.close(),

      seesPrivateNotes: (viewer) => viewer.roles.includes(agentRole),

      // Agents share the account's view; a contact's view is that contact's (scope.ts).
      accessClass: (viewer) => JSON.stringify(viewerScope(viewer, { contactMatch, agentRole })),

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
