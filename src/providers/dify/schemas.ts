/**
 * zod schemas of the Dify Service API payloads the gateway reads, written from the published
 * OpenAPI (`openapi_chat.en.json`: `ConversationsListResponse`, `ConversationHistoryResponse`)
 * and checked against Dify's controllers. The message payloads (the read path's bulk) declare
 * only the fields the mapping reads: others, and fields newer builds add (`extra_contents`,
 * `agent_thoughts`), are neither checked nor copied, so parsing costs what the graph uses.
 * Fields the spec marks optional or nullable are `.nullish()`. Ids, timestamps (epoch SECONDS) and the paging fields are required, because
 * ordering and paging depend on them.
 */
import { z } from 'zod';

/** A file attached to one exchange (`MessageFileItem`). `belongs_to` says which half it goes to. */
export const difyMessageFileSchema = z.object({
  id: z.string().min(1),
  filename: z.string().nullish(),
  /** `image`, `document`, `audio`, `video`, `custom`. */
  type: z.string().nullish(),
  url: z.string().nullish(),
  mime_type: z.string().nullish(),
  /** Bytes. */
  size: z.number().nullish(),
  /** `user` or `assistant`; null on old rows. */
  belongs_to: z.string().nullish(),
});
/** A parsed `MessageFileItem`. */
export type DifyMessageFile = z.infer<typeof difyMessageFileSchema>;

/** A knowledge-base chunk the answer was grounded on (`RetrieverResource`). */
export const difyRetrieverResourceSchema = z.object({
  position: z.number().nullish(),
  document_name: z.string().nullish(),
  /** Similarity, usually 0–1. */
  score: z.number().nullish(),
  content: z.string().nullish(),
});
/** A parsed `RetrieverResource`. */
export type DifyRetrieverResource = z.infer<typeof difyRetrieverResourceSchema>;

/** One exchange (`ConversationMessageItem`): the user's `query` and the app's `answer`. */
export const difyMessageSchema = z.object({
  id: z.string().min(1),
  query: z.string().nullish(),
  answer: z.string().nullish(),
  message_files: z.array(difyMessageFileSchema).nullish(),
  feedback: z.object({ rating: z.string().nullish(), content: z.string().nullish() }).nullish(),
  /** Agent steps (agent apps only; `[]` or absent elsewhere). */
  agent_thoughts: z.array(z.lazy(() => difyAgentThoughtSchema)).nullish(),
  retriever_resources: z.array(difyRetrieverResourceSchema).nullish(),
  /** Epoch seconds. */
  created_at: z.number(),
});
/** A parsed exchange. */
export type DifyMessage = z.infer<typeof difyMessageSchema>;

/**
 * `GET /messages`: exchanges oldest first inside the page; the page is the newest `limit`
 * exchanges older than `first_id` (or the newest overall); `has_more` = older ones exist.
 */
export const difyMessagePageSchema = z.object({
  limit: z.number().nullish(),
  has_more: z.boolean(),
  data: z.array(difyMessageSchema),
});
/** A parsed `GET /messages` answer. */
export type DifyMessagePage = z.infer<typeof difyMessagePageSchema>;

/** One conversation of the list (`ConversationListItem` / `SimpleConversation`). */
export const difyConversationSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  inputs: z.record(z.string(), z.unknown()).nullish(),
  /** `normal` in every Dify build read; anything else is kept raw. */
  status: z.string().nullish(),
  introduction: z.string().nullish(),
  /** Epoch seconds. */
  created_at: z.number(),
  /** Epoch seconds; the list's sort key. */
  updated_at: z.number(),
});
/** A parsed conversation list item. */
export type DifyConversation = z.infer<typeof difyConversationSchema>;

/** `GET /conversations`: sorted by `sort_by`; next page via `last_id = data[-1].id`. */
export const difyConversationPageSchema = z.looseObject({
  limit: z.number().nullish(),
  has_more: z.boolean(),
  data: z.array(difyConversationSchema),
});
/** A parsed `GET /conversations` answer. */
export type DifyConversationPage = z.infer<typeof difyConversationPageSchema>;

/** Dify's error body: `{"code": "not_found", "message": "Conversation Not Exists.", "status": 404}`. */
export const difyErrorSchema = z.looseObject({
  code: z.string().nullish(),
  message: z.unknown(),
  status: z.number().nullish(),
});
/** A parsed Dify error body. */
export type DifyError = z.infer<typeof difyErrorSchema>;

/** One agent step (`AgentThoughtItem`). */
export const difyAgentThoughtSchema = z.looseObject({
  id: z.string().nullish(),
  message_id: z.string().nullish(),
  position: z.number().nullish(),
  thought: z.string().nullish(),
  tool: z.string().nullish(),
  tool_input: z.string().nullish(),
  observation: z.string().nullish(),
  /** Epoch seconds. */
  created_at: z.number().nullish(),
});
/** A parsed agent step. */
export type DifyAgentThought = z.infer<typeof difyAgentThoughtSchema>;

/** `{"result": "success"}` answers (feedback). */
export const difyResultSchema = z.looseObject({ result: z.string().nullish() });

/** `GET /messages/{id}/suggested`: `{ result, data: [question] }`. */
export const difySuggestedSchema = z.looseObject({ result: z.string().nullish(), data: z.array(z.string()) });

/** `POST /audio-to-text`: `{ text }`. */
export const difyAudioTextSchema = z.looseObject({ text: z.string().nullish() });

/**
 * `POST /files/upload` → 201 `FileUploadResponse` (openapi_chat.en.json): only the id is
 * needed, to pass as `upload_file_id`.
 */
export const difyFileUploadSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  size: z.number().nullish(),
  mime_type: z.string().nullish(),
});

/** `POST /chat-messages` in blocking mode (`ChatCompletionResponse`). */
export const difyChatCompletionSchema = z.looseObject({
  event: z.string().nullish(),
  task_id: z.string().nullish(),
  id: z.string().nullish(),
  message_id: z.string().min(1),
  conversation_id: z.string().min(1),
  mode: z.string().nullish(),
  answer: z.string().nullish(),
  metadata: z
    .looseObject({ retriever_resources: z.array(difyRetrieverResourceSchema).nullish() })
    .nullish(),
  /** Epoch seconds. */
  created_at: z.number().nullish(),
});
/** A parsed blocking chat answer. */
export type DifyChatCompletion = z.infer<typeof difyChatCompletionSchema>;

/** One row of `GET /app/feedbacks` (`FeedbackItem`); `created_at` is an ISO date-time there. */
export const difyAppFeedbackSchema = z.looseObject({
  id: z.string().min(1),
  conversation_id: z.string().nullish(),
  message_id: z.string().nullish(),
  rating: z.string().nullish(),
  content: z.string().nullish(),
  from_source: z.string().nullish(),
  created_at: z.union([z.string(), z.number()]).nullish(),
});
/** `GET /app/feedbacks?page&limit`: `{ data }`, no `has_more` (a full page may have more). */
export const difyAppFeedbacksSchema = z.looseObject({ data: z.array(difyAppFeedbackSchema) });
/** A parsed app feedback row. */
export type DifyAppFeedback = z.infer<typeof difyAppFeedbackSchema>;
