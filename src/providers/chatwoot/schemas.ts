/**
 * zod schemas of the Chatwoot Application API payloads the gateway reads, written from the
 * published swagger (`swagger/tag_groups/application_swagger.json`) and the jbuilder views
 * that actually render them. Loose objects everywhere (Chatwoot adds fields often); strict
 * only on what the gateway relies on: ids, times and arrays. Times are epoch seconds, except
 * where noted.
 */
import { z } from 'zod';

/**
 * Epoch seconds as a number (sometimes a float) or, in some payloads, a numeric or ISO 8601
 * string. Anything else is a malformed payload, never a silently missing time.
 */
const epoch = z.union([
  z.number(),
  z.string().refine((value) => /^\d+(\.\d+)?$/.test(value) || !Number.isNaN(Date.parse(value)), {
    message: 'expected epoch seconds or an ISO 8601 time',
  }),
]);

/** The agent partial (`api/v1/models/_agent.json.jbuilder`): `GET /agents` items and `meta.assignee`. */
function chatwootAgentSchemaShape() {
  return z.looseObject({
    id: z.number().int().positive(),
    name: z.string().nullish(),
    available_name: z.string().nullish(),
    email: z.string().nullish(),
  });
}

/** A message's sender (`push_event_data` of a Contact, User, AgentBot or Captain::Assistant). */
export const chatwootSenderSchema = z.looseObject({
  id: z.number().int().nullish(),
  name: z.string().nullish(),
  available_name: z.string().nullish(),
  /** `contact`, `user`, `agent_bot`, `captain_assistant`. */
  type: z.string().nullish(),
});

/** `Attachment#push_event_data`. `file_type` is an enum name (`image`, `file`, `audio`, …). */
export const chatwootAttachmentSchema = z.looseObject({
  id: z.number().int(),
  file_type: z.union([z.string(), z.number()]).nullish(),
  extension: z.string().nullish(),
  data_url: z.string().nullish(),
  /** Bytes. */
  file_size: z.number().nullish(),
});

/**
 * `Message#push_event_data`, as the messages index renders it. `message_type` is the integer
 * (0 incoming, 1 outgoing, 2 activity, 3 template) but some payloads spell it out; `created_at`
 * is epoch seconds; `attachments` is omitted when empty; activity messages have no sender.
 */
export const chatwootMessageSchema = z.looseObject({
  id: z.number().int().positive(),
  content: z.string().nullish(),
  conversation_id: z.number().int().nullish(),
  message_type: z.union([z.number().int(), z.string()]),
  content_type: z.string().nullish(),
  created_at: epoch,
  private: z.boolean().nullish(),
  sender_type: z.string().nullish(),
  sender_id: z.number().int().nullish(),
  sender: chatwootSenderSchema.nullish(),
  attachments: z.array(chatwootAttachmentSchema).nullish(),
});

/** A contact (`api/v1/models/_contact.json.jbuilder`). `identifier` is the external user id. */
export const chatwootContactSchema = z.looseObject({
  id: z.number().int().positive(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  identifier: z.string().nullish(),
});

/**
 * The conversation partial (list items, show, contact conversations). `id` is the per-account
 * display id, `last_activity_at` and `timestamp` the last activity (the list's sort key),
 * `meta.sender` the contact. `last_non_activity_message` may be a private note.
 */
export const chatwootConversationSchema = z.looseObject({
  id: z.number().int().positive(),
  status: z.union([z.string(), z.number()]).nullish(),
  inbox_id: z.number().int().nullish(),
  created_at: epoch.nullish(),
  last_activity_at: epoch.nullish(),
  timestamp: epoch.nullish(),
  additional_attributes: z.record(z.string(), z.unknown()).nullish(),
  /** Epoch seconds; 0 when no agent has looked yet (`nil.to_i`). */
  agent_last_seen_at: epoch.nullish(),
  /** Incoming messages since `agent_last_seen_at`, at most 10 (`unread_incoming_messages.count`). */
  unread_count: z.number().int().nullish(),
  labels: z.array(z.string()).nullish(),
  /** `urgent|high|medium|low`, null when none. */
  priority: z.string().nullish(),
  meta: z
    .looseObject({
      sender: z.looseObject({ id: z.number().int().nullish(), name: z.string().nullish() }).nullish(),
      channel: z.string().nullish(),
      /** The assigned agent (`api/v1/models/_agent`), absent when unassigned. */
      assignee: chatwootAgentSchemaShape().nullish(),
    })
    .nullish(),
  last_non_activity_message: z
    .looseObject({
      content: z.string().nullish(),
      private: z.boolean().nullish(),
      message_type: z.union([z.number(), z.string()]).nullish(),
    })
    .nullish(),
});

/** `GET /conversations`: `{ data: { meta: { …counts }, payload: [conversation] } }`, 25 a page. */
export const chatwootConversationListSchema = z.looseObject({
  data: z.looseObject({
    meta: z
      .looseObject({
        all_count: z.number().int().nullish(),
        mine_count: z.number().int().nullish(),
        assigned_count: z.number().int().nullish(),
        unassigned_count: z.number().int().nullish(),
      })
      .nullish(),
    payload: z.array(chatwootConversationSchema),
  }),
});

/**
 * `GET /conversations/{id}/messages`: `{ meta, payload: [message] }`. `meta.contact` is the
 * conversation's contact in current versions; older ones sent `meta.contact_id`.
 */
export const chatwootMessageListSchema = z.looseObject({
  meta: z
    .looseObject({
      contact: z.looseObject({ id: z.number().int().nullish() }).nullish(),
      contact_id: z.number().int().nullish(),
    })
    .nullish(),
  payload: z.array(chatwootMessageSchema),
});

/** `GET /contacts/search`: `{ meta: { count, current_page, has_more? }, payload: [contact] }`, 15 a page. */
export const chatwootContactSearchSchema = z.looseObject({
  meta: z.looseObject({ has_more: z.boolean().nullish() }).nullish(),
  payload: z.array(chatwootContactSchema),
});

/** `GET /contacts/{id}/conversations`: `{ payload: [conversation] }`, at most 20, newest id first. */
export const chatwootContactConversationsSchema = z.looseObject({
  payload: z.array(chatwootConversationSchema),
});

/** The parsed payload types, one per schema above. */
export type ChatwootMessage = z.infer<typeof chatwootMessageSchema>;
export type ChatwootSender = z.infer<typeof chatwootSenderSchema>;
export type ChatwootAttachment = z.infer<typeof chatwootAttachmentSchema>;
export type ChatwootContact = z.infer<typeof chatwootContactSchema>;
export type ChatwootConversation = z.infer<typeof chatwootConversationSchema>;
export type ChatwootConversationList = z.infer<typeof chatwootConversationListSchema>;

/** `GET /conversations/meta`: the counts per assignee tab (swagger.json; ConversationsController#meta). */
export const chatwootConversationMetaSchema = z.looseObject({
  meta: z.looseObject({
    mine_count: z.number().int(),
    unassigned_count: z.number().int(),
    assigned_count: z.number().int(),
    all_count: z.number().int(),
  }),
});
export type ChatwootConversationMeta = z.infer<typeof chatwootConversationMetaSchema>;

/** `GET /api/v1/profile`: the token owner; only `id` and `email` are read. */
export const chatwootProfileSchema = z.looseObject({ id: z.number().int(), email: z.string().nullish() });
export type ChatwootProfile = z.infer<typeof chatwootProfileSchema>;
export type ChatwootMessageList = z.infer<typeof chatwootMessageListSchema>;
export type ChatwootContactSearch = z.infer<typeof chatwootContactSearchSchema>;
export type ChatwootContactConversations = z.infer<typeof chatwootContactConversationsSchema>;

/** `POST …/toggle_status`: `{ meta: {}, payload: { success, conversation_id, current_status } }`. */
export const chatwootToggleStatusSchema = z.looseObject({
  meta: z.unknown().optional(),
  payload: z.looseObject({
    success: z.boolean().nullish(),
    conversation_id: z.number().nullish(),
    current_status: z.string().nullish(),
  }),
});
export type ChatwootToggleStatus = z.infer<typeof chatwootToggleStatusSchema>;

/** An agent of the account (`GET /agents` items, `meta.assignee`). */
export const chatwootAgentSchema = chatwootAgentSchemaShape();
export type ChatwootAgent = z.infer<typeof chatwootAgentSchema>;

/** `GET /agents`: every agent of the account, not paged. */
export const chatwootAgentListSchema = z.array(chatwootAgentSchema);

/** `GET|POST …/conversations/{id}/labels`: `{ payload: [label] }` (the list after the write). */
export const chatwootLabelsSchema = z.looseObject({ payload: z.array(z.string()) });
export type ChatwootLabels = z.infer<typeof chatwootLabelsSchema>;
