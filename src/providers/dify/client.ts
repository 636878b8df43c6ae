/**
 * HTTP calls to one Dify app's Service API (`baseUrl` ends in `/v1`), authenticated with the
 * app's API key as `Authorization: Bearer <key>`, and the mapping of Dify's error bodies
 * (`{"code","message","status"}`) to gateway error codes.
 */
import type { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import type { UpstreamErrorResponse } from '../../upstream/responses.js';
import type { UpstreamStream } from '../../upstream/http.js';
import type { AdapterServices, SourceCommonConfig } from '../contract.js';
import {
  difyAppFeedbacksSchema,
  difyAudioTextSchema,
  difyChatCompletionSchema,
  difyConversationPageSchema,
  difyConversationSchema,
  difyErrorSchema,
  difyFileUploadSchema,
  difyMessagePageSchema,
  difyResultSchema,
  difySuggestedSchema,
  type DifyChatCompletion,
  type DifyConversation,
  type DifyConversationPage,
  type DifyMessagePage,
} from './schemas.js';

/** Dify's 403 code for suggested questions with the feature switched off (DESIGN §6). */
const FEATURE_OFF_CODE = 'app_suggested_questions_after_answer_disabled';

/**
 * Dify's `/chat-messages` answers (400 `invalid_param`) to files its app settings refuse
 * (api/factories/file_factory.py `build_from_mapping` / `build_from_mappings`).
 */
const APP_FILE_RULES = /^(File validation failed for file|Number of (image )?files exceeds the maximum limit)/;

/** Dify's largest `limit` on both list endpoints. */
export const DIFY_MAX_LIMIT = 100;

/**
 * The calls the adapter makes. Every method throws `GatewayError` (see `mapDifyError`). The last
 * argument, `scope`, is the GraphQL request the call serves (its deadline for reads, its call
 * budget for every call); background work passes none.
 */
export interface DifyClient {
  /**
   * `GET /conversations?user&last_id&limit&sort_by=-updated_at`: the user's conversations,
   * most recently updated first. `lastId` is the last id of the previous page; `limit` 1–100.
   * @throws GatewayError BAD_USER_INPUT when `lastId` is no longer in the user's list.
   */
  listConversations(user: string, page: { lastId: string | null; limit: number }, scope?: RequestScope): Promise<DifyConversationPage>;
  /**
   * `GET /messages?conversation_id&user&first_id&limit`: the newest `limit` (1–100) exchanges
   * strictly older than `firstId` (or the newest overall), oldest first inside the page.
   * @throws GatewayError NOT_FOUND for a missing or foreign conversation, BAD_USER_INPUT when
   *   `firstId` is not a message of it.
   */
  listMessages(
    user: string,
    page: { conversationId: string; firstId: string | null; limit: number },
    scope?: RequestScope,
  ): Promise<DifyMessagePage>;
  /**
   * `POST /messages/{id}/feedbacks` `{ rating: like|dislike|null, user, content }`; null removes
   * the user's feedback (a 400 `invalid_param` when there is none). Never retried.
   */
  rate(user: string, messageId: string, rating: 'like' | 'dislike' | null, content: string | null, scope?: RequestScope): Promise<void>;
  /** `POST /conversations/{id}/name` `{ name, auto_generate, user }` → the renamed conversation. Never retried. */
  rename(
    user: string,
    conversationId: string,
    rename: { name: string | null; autoGenerate: boolean },
    scope?: RequestScope,
  ): Promise<DifyConversation>;
  /** `DELETE /conversations/{id}` with JSON body `{ user }` → 204. Never retried. */
  deleteConversation(user: string, conversationId: string, scope?: RequestScope): Promise<void>;
  /**
   * `POST /files/upload` multipart `file` + `user` → 201 with the upload's `id`, usable as
   * `upload_file_id` by the same `user` only (openapi_chat.en.json `uploadChatFile`). Never
   * retried. Dify answers 413 `file_too_large` and 415 `unsupported_file_type` (BAD_USER_INPUT here).
   */
  uploadFile(user: string, file: Blob, filename: string, scope?: RequestScope): Promise<string>;
  /**
   * `POST /chat-messages` `{ inputs, query, user, conversation_id, response_mode: blocking, files }`:
   * waits for the whole answer (time-out `sendTimeoutMs`). A blank `conversation_id` starts
   * one; `files` are uploads (`transfer_method: local_file`). Never retried.
   */
  chat(user: string, request: DifyChatRequest, scope?: RequestScope): Promise<DifyChatCompletion>;
  /**
   * `POST /chat-messages` with `response_mode: streaming`: the answer as server-sent events
   * (src/providers/dify/stream.ts parses them). Never retried; the whole stream may take
   * `sendTimeoutMs`, and no gap between two events may exceed the source's body time-out.
   */
  chatStream(user: string, request: DifyChatRequest): Promise<UpstreamStream>;
  /** `POST /chat-messages/{task_id}/stop` `{ user }`: ends a streaming generation. Never retried. */
  stopTask(user: string, taskId: string): Promise<void>;
  /**
   * `GET /messages/{id}/suggested?user`: follow-up questions.
   * @throws GatewayError NOT_SUPPORTED when the app has the feature off (403 `app_suggested_questions_after_answer_disabled`)
   */
  suggested(user: string, messageId: string, scope?: RequestScope): Promise<string[]>;
  /** `GET /app/feedbacks?page&limit`: every end user's feedback, newest first; no has-more flag. */
  appFeedbacks(page: number, limit: number, scope?: RequestScope): Promise<z.infer<typeof difyAppFeedbacksSchema>>;
  /** `POST /audio-to-text` multipart `file`, `user` → the text. Never retried. */
  audioToText(user: string, file: Blob, filename: string, scope?: RequestScope): Promise<string>;
  /**
   * `POST /text-to-audio` `{ message_id, user }`: the audio, streamed. Dify looks `message_id` up
   * WITHOUT scoping it to `user`: callers check that the message is the viewer's first.
   */
  textToAudio(user: string, messageId: string, scope?: RequestScope): Promise<UpstreamStream>;
  close(): Promise<void>;
}

/** What a `/chat-messages` call sends besides `user` and `response_mode`. */
export interface DifyChatRequest {
  query: string;
  /** Null starts a conversation. */
  conversationId: string | null;
  inputs: Record<string, unknown>;
  /** Uploaded files to pass as `files` (absent or empty: the key is left out). */
  files?: readonly DifyChatFile[];
}

/**
 * One `files[]` item of `/chat-messages` for an upload (`ChatRequest.files`, openapi_chat.en.json):
 * `{ type, transfer_method: 'local_file', upload_file_id }`.
 */
export interface DifyChatFile {
  /** `image`, `document`, `audio`, `video` or `custom`. */
  type: string;
  uploadFileId: string;
}

/** The `files` key of a `/chat-messages` body: absent without files, as before files existed. */
const filesField = (files: readonly DifyChatFile[] | undefined) =>
  files && files.length > 0
    ? { files: files.map((file) => ({ type: file.type, transfer_method: 'local_file', upload_file_id: file.uploadFileId })) }
    : {};

/**
 * Creates the client of one Dify source on the source's injected HTTP factory (pool, time-outs,
 * retries, circuit breaker). The API key goes into the headers only.
 */
export function createDifyClient(
  config: SourceCommonConfig & { apiKey: string },
  http: AdapterServices['http'],
): DifyClient {
  const upstream = http({
    headers: { authorization: `Bearer ${config.apiKey}` },
    mapError: (answer) => mapDifyError(config.id, answer),
  });
  return {
    listConversations: (user, page, scope) =>
      upstream.getJson(
        {
          path: '/conversations',
          endpoint: '/conversations',
          query: { user, last_id: page.lastId, limit: clampLimit(page.limit), sort_by: '-updated_at' },
        },
        difyConversationPageSchema,
        scope,
      ),
    listMessages: (user, page, scope) =>
      upstream.getJson(
        {
          path: '/messages',
          endpoint: '/messages',
          query: { conversation_id: page.conversationId, user, first_id: page.firstId, limit: clampLimit(page.limit) },
        },
        difyMessagePageSchema,
        scope,
      ),
    rate: async (user, messageId, rating, content, scope) => {
      await upstream.send(
        { method: 'POST', path: `/messages/${encodeURIComponent(messageId)}/feedbacks`, endpoint: '/messages/:id/feedbacks', json: { rating, user, content } },
        difyResultSchema,
        scope,
      );
    },
    rename: async (user, conversationId, rename, scope) =>
      (await upstream.send(
        {
          method: 'POST',
          path: `/conversations/${encodeURIComponent(conversationId)}/name`,
          endpoint: '/conversations/:id/name',
          json: { name: rename.name ?? '', auto_generate: rename.autoGenerate, user },
        },
        difyConversationSchema,
        scope,
      )) as DifyConversation,
    deleteConversation: async (user, conversationId, scope) => {
      await upstream.send(
        { method: 'DELETE', path: `/conversations/${encodeURIComponent(conversationId)}`, endpoint: '/conversations/:id', json: { user } },
        null,
        scope,
      );
    },
    chat: async (user, request, scope) =>
      (await upstream.send(
        {
          method: 'POST',
          path: '/chat-messages',
          endpoint: '/chat-messages',
          json: {
            inputs: request.inputs,
            query: request.query,
            user,
            conversation_id: request.conversationId ?? '',
            response_mode: 'blocking',
            ...filesField(request.files),
          },
        },
        difyChatCompletionSchema,
        scope,
      )) as DifyChatCompletion,
    chatStream: (user, request) =>
      upstream.stream({
        method: 'POST',
        path: '/chat-messages',
        headers: { accept: 'text/event-stream' },
        json: {
          inputs: request.inputs,
          query: request.query,
          user,
          conversation_id: request.conversationId ?? '',
          response_mode: 'streaming',
          ...filesField(request.files),
        },
      }),
    stopTask: async (user, taskId) => {
      await upstream.send(
        { method: 'POST', path: `/chat-messages/${encodeURIComponent(taskId)}/stop`, endpoint: '/chat-messages/:task_id/stop', json: { user } },
        null,
      );
    },
    suggested: async (user, messageId, scope) =>
      (
        await upstream.getJson(
          { path: `/messages/${encodeURIComponent(messageId)}/suggested`, query: { user }, endpoint: '/messages/:id/suggested' },
          difySuggestedSchema,
          scope,
        )
      ).data,
    appFeedbacks: (page, limit, scope) =>
      upstream.getJson(
        { path: '/app/feedbacks', query: { page, limit: clampLimit(limit) }, endpoint: '/app/feedbacks' },
        difyAppFeedbacksSchema,
        scope,
      ),
    audioToText: async (user, file, filename, scope) => {
      const form = new FormData();
      // The server's multipart parser may hand over its own File class; the platform FormData
      // takes only platform Blobs. The upload is already capped and in memory by now.
      const blob = file instanceof Blob ? file : new Blob([await (file as Blob).arrayBuffer()], { type: (file as Blob).type });
      form.set('file', blob, filename);
      form.set('user', user);
      const answer = await upstream.send({ method: 'POST', path: '/audio-to-text', endpoint: '/audio-to-text', form }, difyAudioTextSchema, scope);
      return answer?.text ?? '';
    },
    uploadFile: async (user, file, filename, scope) => {
      const form = new FormData();
      form.set('file', file, filename);
      form.set('user', user);
      const answer = await upstream.send({ method: 'POST', path: '/files/upload', endpoint: '/files/upload', form }, difyFileUploadSchema, scope);
      if (!answer?.id) throw new GatewayError('UPSTREAM_ERROR', `source "${config.id}" answered an upload without a file id`, { sourceId: config.id });
      return answer.id;
    },
    textToAudio: (user, messageId, scope) =>
      upstream.stream(
        { method: 'POST', path: '/text-to-audio', endpoint: '/text-to-audio', json: { message_id: messageId, user }, headers: { accept: '*/*' } },
        scope,
      ),
    close: () => upstream.close(),
  };
}

function clampLimit(limit: number): number {
  return Math.min(DIFY_MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

/**
 * Maps a Dify error answer to a gateway error (DESIGN §5), or undefined for `defaultError`
 * (401 → rejected credentials, 429 → RATE_LIMITED, 5xx → UPSTREAM_UNAVAILABLE).
 * - 404 "First Message Not Exists." / "Last Conversation Not Exists." → BAD_USER_INPUT: the
 *   cursor names a message or conversation that is gone (Dify answers both with `not_found`).
 * - any other 404 → NOT_FOUND: Dify answers a foreign conversation exactly like a missing one.
 * - 403 `app_suggested_questions_after_answer_disabled` → NOT_SUPPORTED: the app has the
 *   feature switched off (DESIGN §6).
 * - any other 403 → UPSTREAM_ERROR, logged at warn with Dify's code: the app refuses the
 *   gateway itself (its API access disabled, the workspace archived), never one viewer.
 * - 400 `invalid_param` for files the app's settings refuse ("File validation failed for
 *   file", "Number of files exceeds the maximum limit") → BAD_USER_INPUT: the viewer's files.
 * - any other 400 `invalid_param` and 422 (newer builds validate query args with pydantic) →
 *   UPSTREAM_ERROR: the gateway sent something Dify refuses, which is never the viewer's fault.
 * Messages name the Dify `code` only, never the upstream message (it can echo request values).
 */
export function mapDifyError(sourceId: string, answer: UpstreamErrorResponse): GatewayError | undefined {
  const parsed = difyErrorSchema.safeParse(answer.body);
  const code = parsed.success ? (parsed.data.code ?? undefined) : undefined;
  const message = parsed.success && typeof parsed.data.message === 'string' ? parsed.data.message : '';
  const { status } = answer;
  if (status === 404 && /first message not exists/i.test(message)) {
    return new GatewayError('BAD_USER_INPUT', 'the message cursor no longer matches a message of this conversation', {
      sourceId,
      status,
    });
  }
  if (status === 404 && /last conversation not exists/i.test(message)) {
    return new GatewayError('BAD_USER_INPUT', 'the conversation cursor no longer matches a conversation of this list', {
      sourceId,
      status,
    });
  }
  if (status === 413 || status === 415) {
    // audio_too_large, unsupported_audio_type (`/audio-to-text`), file_too_large,
    // unsupported_file_type (`/files/upload`): the viewer's upload, not the gateway's request.
    const kind = code?.startsWith('audio') || code?.includes('_audio_') ? 'audio' : 'file';
    const what = status === 413 ? `the ${kind} is too large for the source` : `the source does not accept this ${kind} type`;
    return new GatewayError('BAD_USER_INPUT', what, { sourceId, status });
  }
  if (status === 400 && APP_FILE_RULES.test(message)) {
    return new GatewayError('BAD_USER_INPUT', `source "${sourceId}" does not accept these files (the app's file upload settings: types or number)`, {
      sourceId,
      status,
    });
  }
  if (status === 404) {
    return new GatewayError('NOT_FOUND', 'conversation not found', { sourceId, status });
  }
  const safeCode = code && /^[a-z_]{1,64}$/.test(code) ? code : undefined;
  if (status === 403 && safeCode === FEATURE_OFF_CODE) {
    return new GatewayError('NOT_SUPPORTED', `source "${sourceId}" has suggested questions switched off`, { sourceId, status });
  }
  if (status === 403) {
    return new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" refused the gateway's access (HTTP 403${safeCode ? ` ${safeCode}` : ''})`, {
      sourceId,
      status,
      upstreamCode: safeCode,
      logLevel: 'warn',
    });
  }
  if (status === 400 || status === 422) {
    const detail = code && /^[a-z_]{1,64}$/.test(code) ? ` ${code}` : '';
    return new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" refused the request (HTTP ${status}${detail})`, {
      sourceId,
      status,
    });
  }
  return undefined;
}
