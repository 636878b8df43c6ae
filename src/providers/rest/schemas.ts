/**
 * zod schemas of the generic REST chat-history API (`GET /chat/history`, seed 002) and of the
 * gateway's own listing contract (`GET <conversationsPath>`, see index.ts). Loose objects: newer
 * or unknown fields pass through. Strict where paging depends on it: ids, ISO 8601 timestamps,
 * arrays.
 */
import { z } from 'zod';

/** An ISO 8601 timestamp with `Z` or an offset, optional fractional seconds (`2026-03-15T13:59:11Z`). */
export const isoTimestamp = z.iso.datetime({ offset: true });

/** Upstream ids are documented as strings (`msg_92kd82`); a numeric id is accepted as its decimal string. */
const upstreamId = z.union([z.string().min(1), z.number().int()]).transform(String);

/**
 * The envelope every answer shares: `{ status: "success" | "error", message, data, pagination? }`.
 * `data` is checked separately (see client.ts) so that a 200 carrying `status: "error"` is
 * reported as such instead of as a shape mismatch.
 */
export const envelopeSchema = z.looseObject({
  status: z.string(),
  message: z.string().nullish(),
  data: z.unknown(),
  pagination: z
    .looseObject({
      limit: z.number().nullish(),
      /** An ISO timestamp; the adapter never relies on it (DESIGN §6). */
      next_cursor: z.string().nullish(),
      has_more: z.boolean().nullish(),
    })
    .nullish(),
});

/** A parsed envelope; `data` still unchecked. */
export type RestEnvelope = z.infer<typeof envelopeSchema>;
/** The envelope's `pagination` block. */
export type RestPagination = NonNullable<RestEnvelope['pagination']>;

/** One message of `data.messages`. `metadata` is present only with `include_meta=true`. */
export const restMessageSchema = z.looseObject({
  id: upstreamId,
  /** `user` | `ai` | `system`; anything else maps to SYSTEM. */
  sender_type: z.string(),
  sender_id: z.string().nullish(),
  text: z.string().nullish(),
  /** Free-form: `channel`, `attachments`, `model`, `latency_ms`, … */
  metadata: z.record(z.string(), z.unknown()).nullish(),
  created_at: isoTimestamp,
});

/** A validated `data.messages[]` item. */
export type RestMessage = z.infer<typeof restMessageSchema>;

/** `data` of `GET /chat/history`. */
export const historyDataSchema = z.looseObject({
  conversation_id: z.union([z.string(), z.number()]).transform(String).nullish(),
  messages: z.array(restMessageSchema),
});

/** Validated `data` of `GET /chat/history`. */
export type RestHistoryData = z.infer<typeof historyDataSchema>;

/** One item of the listing endpoint's `data.conversations`. */
export const restConversationSchema = z.looseObject({
  id: upstreamId,
  title: z.string().nullish(),
  /** Free-form, e.g. `open`, `resolved`; absent means open. */
  status: z.string().nullish(),
  created_at: isoTimestamp.nullish(),
  /** The list is ordered by it and paged on it, so it is required. */
  updated_at: isoTimestamp,
});

/** A validated listing item. */
export type RestConversation = z.infer<typeof restConversationSchema>;

/** `data` of `GET <conversationsPath>`. */
export const conversationsDataSchema = z.looseObject({
  conversations: z.array(restConversationSchema),
});

/** Validated `data` of the listing endpoint. */
export type RestConversationsData = z.infer<typeof conversationsDataSchema>;

/** `data` of `GET <conversationsPath>/{id}`. */
export const conversationDataSchema = z.looseObject({
  conversation: restConversationSchema,
});

/**
 * An attachment inside `metadata.attachments`. The seed only shows an empty array, so every
 * field is optional; items without a `url` or `id` are still kept (mapping.ts derives an id).
 */
export const restAttachmentSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String).nullish(),
  url: z.string().nullish(),
  type: z.string().nullish(),
  name: z.string().nullish(),
  mime_type: z.string().nullish(),
  /** Bytes. */
  size: z.number().nullish(),
});

/** A citation inside `metadata.citations` (not in the seed; accepted when a deployment sends it). */
export const restCitationSchema = z.looseObject({
  position: z.number().nullish(),
  document_name: z.string().nullish(),
  title: z.string().nullish(),
  content: z.string().nullish(),
  score: z.number().nullish(),
});
