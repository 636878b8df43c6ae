/**
 * The `dify` provider kind: one Dify chat app's Service API (`baseUrl` ends in `/v1`), read as
 * the viewer (`user` = the viewer's id, or email with `userFrom: email`; Dify isolates users
 * and answers a foreign conversation with 404, exactly like a missing one).
 *
 * How each read maps to Dify, which has only `GET /conversations` and `GET /messages`:
 * - `listConversations`: `/conversations?sort_by=-updated_at` pages with `last_id`; one call per
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
import { normalizeDifyId } from './mapping.js';
import { createConversationLookup } from './lookup.js';
import { getConversations, getMessages, listConversations, listMessages } from './reads.js';
import { streamReply } from './reply-stream.js';
import * as writes from './writes.js';

/** Kind-specific config keys. */
const configShape = {
  /** The app's Service API key (`app-…`), sent as `Authorization: Bearer <apiKey>`. */
  apiKey: z.string().min(1),
  /** The viewer attribute sent as Dify's `user`: `id` or `email`. @default id */
  userFrom: viewerAttributeSchema.default('id'),
  /** The viewer role that may read every end user's feedback (`Source.feedbacks`). @default admin */
  adminRole: z.string().min(1).transform((role) => role.toLowerCase()).default('admin'),
};

/** The `dify` kind: config keys `{ apiKey, userFrom, adminRole }`, graph kind `DIFY` (kinds.ts). */
const dify = {
  kind: 'dify',
  configShape,
  create(config, services): ProviderAdapter {
    const client = createDifyClient(config, services.http);
    const lookup = createConversationLookup({ sourceId: config.id, client, cache: services.cache });
    const deps: writes.DifyWriteDeps = {
      sourceId: config.id,
      client,
      userFrom: config.userFrom,
      lookup,
      adminRole: config.adminRole ?? 'admin',
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
        suggestedQuestions: true,
        textToAudio: true,
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
      suggestedQuestions: (viewer, ref, scope) => writes.suggestedQuestions(deps, viewer, ref, scope),
      textToAudio: (viewer, ref, scope) => writes.textToAudio(deps, viewer, ref, scope),
      streamReply: (viewer, request, signal) => streamReply(deps, viewer, request, signal),
      close: () => client.close(),
    };
  },
} satisfies ProviderKind<typeof configShape>;

export default dify;
