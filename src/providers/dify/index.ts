/**
 * The `dify` provider kind: one Dify chat app's Service API (`baseUrl` ends in `/v1`), read as
 * the viewer (`user` = the viewer's id, or email with `userFrom: email`; Dify isolates users
 * and answers a foreign conversation with 404, exactly like a missing one).
 *
 * How each read maps to Dify, which has only `GET /conversations` and `GET /messages`:
 * - `listConversations`: `/conversations?sort_by=…` (the order asked for, default `-updated_at`)
 *   pages with `last_id`; one call per
 *   page of up to 100, repeated only if Dify returns fewer than asked while `has_more`.
 * - `getConversations`: Dify has no get-one-conversation call: see lookup.ts (one walk of the
 *   viewer's list per request for all ids, absent ids settled without a call each, where a
 *   conversation lives remembered in the cross-request cache).
 * - `listMessages`: see `paging.ts` (backward reads use `first_id`; forward reads and cursors
 *   on an ASSISTANT half read from the newest exchange until the cursor is reached).
 * - `getMessages`: refs are grouped by conversation; each group reads from the newest exchange
 *   (pages of 100) until every wanted exchange is found or the start is reached.
 * Within one request (`RequestMemo`) the pages read from a conversation's newest end are shared
 * (`sharePages`), so forward reads, cursor look-ups and messages by id walk it once, and every
 * call runs under the request's deadline and call budget (`memo.scope`).
 */
import { z } from 'zod';
import { viewerAttributeSchema } from '../identity.js';
import type { ProviderAdapter, ProviderKind } from '../contract.js';
import { createDifyClient } from './client.js';
import { createDifyAppClient } from './app-client.js';
import { createAppReader, DEFAULT_APP_CACHE_TTL_MS } from './app.js';
import { listConversationVariables, updateConversationVariable, type DifyVariableDeps } from './variables.js';
import { normalizeDifyId } from './mapping.js';
import { createConversationLookup } from './lookup.js';
import { getConversations, getMessages, listConversations, listMessages } from './reads.js';
import { streamReply } from './reply-stream.js';
import * as writes from './writes.js';
import * as annotations from './annotations.js';

/** Kind-specific config keys. */
const configShape = {
  /** The app's Service API key (`app-…`), sent as `Authorization: Bearer <apiKey>`. */
  apiKey: z.string().min(1),
  /** The viewer attribute sent as Dify's `user`: `id` or `email`. @default id */
  userFrom: viewerAttributeSchema.default('id'),
  /** The viewer role that may read every end user's feedback (`Source.feedbacks`). @default admin */
  adminRole: z.string().min(1).transform((role) => role.toLowerCase()).default('admin'),
  /**
   * How long the app's description (`Source.app`: `/parameters`, `/info`, `/meta`, `/site`) is
   * kept in the shared cache, ms (0: not cached); also the form `sendMessage` checks `inputs` against. @default 60000
   */
  appCacheTtlMs: z.number().int().min(0).max(86_400_000).default(DEFAULT_APP_CACHE_TTL_MS),
  /**
   * The deployment's `GET /conversations` filters by `pinned` (a patched Dify, or a proxy in front
   * of the web-app API). Stock Dify's Service API ignores `pinned`, so without this the filter is
   * NOT_SUPPORTED rather than passed on and dropped. @default false
   */
  honoursPinnedFilter: z.boolean().optional(),
};

/** The `dify` kind: config keys `{ apiKey, userFrom, adminRole, appCacheTtlMs, honoursPinnedFilter }`, graph kind `DIFY` (kinds.ts). */
const dify = {
  kind: 'dify',
  configShape,
  create(config, services): ProviderAdapter {
    const client = createDifyClient(config, services.http);
    const lookup = createConversationLookup({ sourceId: config.id, client, cache: services.cache });
    const appClient = createDifyAppClient(config, services.http);
    const app = createAppReader({ client: appClient, cache: services.cache, ttlMs: config.appCacheTtlMs ?? DEFAULT_APP_CACHE_TTL_MS });
    const variableDeps: DifyVariableDeps = { sourceId: config.id, userFrom: config.userFrom, appClient };
    const deps: writes.DifyWriteDeps = {
      sourceId: config.id,
      client,
      userFrom: config.userFrom,
      lookup,
      adminRole: config.adminRole ?? 'admin',
      app,
      honoursPinnedFilter: config.honoursPinnedFilter ?? false,
    };
    return {
      capabilities: {
        listConversations: true,
        rateMessage: true,
        renameConversation: true,
        deleteConversation: true,
        sendMessage: true,
        startConversation: true,
        sendFiles: true,
        transcribeAudio: true,
        listFeedbacks: true,
        listAnnotations: true,
        createAnnotation: true,
        updateAnnotation: true,
        deleteAnnotation: true,
        suggestedQuestions: true,
        textToAudio: true,
        app: true,
        listConversationVariables: true,
        updateConversationVariable: true,
      },
      listConversations: (viewer, page, memo) => listConversations(deps, viewer, page, memo?.scope),
      getConversations: (viewer, ids, memo) => getConversations(deps, viewer, ids, memo),
      listMessages: (viewer, id, page, memo) => listMessages(deps, viewer, id, page, memo),
      getMessages: (viewer, refs, memo) => getMessages(deps, viewer, refs, memo),
      canonicalConversationId: normalizeDifyId,
      rateMessage: (viewer, ref, rating, content, scope) => writes.rateMessage(deps, viewer, ref, rating, content, scope),
      renameConversation: (viewer, id, rename, scope) => writes.renameConversation(deps, viewer, id, rename, scope),
      deleteConversation: (viewer, id, scope) => writes.deleteConversation(deps, viewer, id, scope),
      sendMessage: (viewer, request, scope) => writes.sendMessage(deps, viewer, request, scope),
      authorizeSend: async (viewer, request) => void writes.authorizeSend(deps, viewer, request),
      transcribeAudio: (viewer, file, scope) => writes.transcribeAudio(deps, viewer, file, scope),
      listFeedbacks: (viewer, page, scope) => writes.listFeedbacks(deps, viewer, page, scope),
      listAnnotations: (viewer, page, scope) => annotations.listAnnotations(deps, viewer, page, scope),
      createAnnotation: (viewer, text, scope) => annotations.createAnnotation(deps, viewer, text, scope),
      updateAnnotation: (viewer, id, text, scope) => annotations.updateAnnotation(deps, viewer, id, text, scope),
      deleteAnnotation: (viewer, id, scope) => annotations.deleteAnnotation(deps, viewer, id, scope),
      authorizeAnnotations: (viewer) => annotations.authorizeAnnotations(deps, viewer),
      suggestedQuestions: (viewer, ref, scope) => writes.suggestedQuestions(deps, viewer, ref, scope),
      textToAudio: (viewer, ref, scope) => writes.textToAudio(deps, viewer, ref, scope),
      streamReply: (viewer, request, signal) => streamReply(deps, viewer, request, signal),
      app,
      listConversationVariables: (viewer, id, page, scope) => listConversationVariables(variableDeps, viewer, id, page, scope),
      updateConversationVariable: (viewer, id, variable, value, scope) =>
        updateConversationVariable(variableDeps, viewer, id, variable, value, scope),
      close: async () => {
        await Promise.all([client.close(), appClient.close()]);
      },
    };
  },
} satisfies ProviderKind<typeof configShape>;

export default dify;
