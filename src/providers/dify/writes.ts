/**
 * Dify writes and management reads (DESIGN §7), each a module-level function on explicit
 * dependencies. Every call runs as the viewer's Dify `user`, so Dify's own isolation applies:
 * a foreign conversation or message answers 404, read here as NOT_FOUND like an absent one.
 * Writes are never retried (the HTTP client's `send`). Each takes the GraphQL request's
 * `RequestScope` last and hands it to every upstream call it makes (reads and writes alike).
 */
import { GatewayError, isGatewayError, notFound } from '../../core/errors.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import type {
  ConversationRecord,
  FeedbackRecord,
  MessageRecord,
  MessageRef,
  NumberedPage,
  SendMessageRequest,
  SendMessageResult,
  UpstreamStreamResult,
  Viewer,
} from '../../core/records.js';
import { getMessages, upstreamUser, type DifyReadDeps } from './reads.js';
import { mapAppFeedback, mapCompletion, mapConversation, mapExchange, normalizeDifyId, parseMessageKey } from './mapping.js';
import type { DifyChatCompletion } from './schemas.js';
import { uploadFiles } from './files.js';

/** The read dependencies plus the role that may read every end user's feedback. */
export interface DifyWriteDeps extends DifyReadDeps {
  /** Config `adminRole` (lower case). */
  adminRole: string;
}

function userOf(deps: DifyReadDeps, viewer: Viewer, what: string): string {
  const user = upstreamUser(viewer, deps.userFrom);
  if (user === null) throw notFound(what, deps.sourceId);
  return user;
}

/** A message ref → the Dify message id of its ASSISTANT half. @throws BAD_USER_INPUT for a USER half */
function assistantMessageId(deps: DifyReadDeps, ref: MessageRef, action: string): string {
  const key = parseMessageKey(ref.key);
  if (!key || !normalizeDifyId(ref.conversationExternalId)) throw notFound('message', deps.sourceId);
  if (key.half === 'u') {
    throw new GatewayError('BAD_USER_INPUT', `only assistant messages can be ${action}; this is the user's half of the exchange`, {
      sourceId: deps.sourceId,
    });
  }
  return key.id;
}

/** Dify's 404 names the conversation; for a message the graph says "message". */
function asMessageNotFound(deps: DifyReadDeps) {
  return (error: unknown): never => {
    if (isGatewayError(error) && error.code === 'NOT_FOUND') throw notFound('message', deps.sourceId);
    throw error;
  };
}

/**
 * `rateMessage` → `POST /messages/{id}/feedbacks`. Clearing a rating that is not there is done
 * already (Dify answers that with 400 `invalid_param`).
 * @throws GatewayError BAD_USER_INPUT for a USER half, NOT_FOUND for a foreign or absent message
 */
export async function rateMessage(
  deps: DifyReadDeps,
  viewer: Viewer,
  ref: MessageRef,
  rating: 'LIKE' | 'DISLIKE' | null,
  content: string | null,
  requestScope?: RequestScope,
): Promise<void> {
  const messageId = assistantMessageId(deps, ref, 'rated');
  const user = userOf(deps, viewer, 'message');
  // Dify's feedback endpoint does not check that the message belongs to the conversation in
  // the global ID: the read confirms both before anything is written.
  const [found] = await getMessages(deps, viewer, [ref], undefined, requestScope);
  if (found instanceof Error) throw found;
  if (!found) throw notFound('message', deps.sourceId);
  const upstreamRating = rating === null ? null : rating === 'LIKE' ? 'like' : 'dislike';
  try {
    await deps.client.rate(user, messageId, upstreamRating, content, requestScope);
  } catch (error) {
    if (rating === null && isGatewayError(error) && error.status === 400 && !found.feedback) return;
    asMessageNotFound(deps)(error);
  }
}

/** `renameConversation` → `POST /conversations/{id}/name`; answers the renamed conversation. */
export async function renameConversation(
  deps: DifyReadDeps,
  viewer: Viewer,
  conversationExternalId: string,
  rename: { name: string | null; autoGenerate: boolean },
  requestScope?: RequestScope,
): Promise<ConversationRecord> {
  const conversationId = normalizeDifyId(conversationExternalId);
  if (!conversationId) throw notFound('conversation', deps.sourceId);
  const user = userOf(deps, viewer, 'conversation');
  return mapConversation(await deps.client.rename(user, conversationId, rename, requestScope));
}

/** `deleteConversation` → `DELETE /conversations/{id}` (JSON body `{ user }`, 204). */
export async function deleteConversation(
  deps: DifyReadDeps,
  viewer: Viewer,
  conversationExternalId: string,
  requestScope?: RequestScope,
): Promise<void> {
  const conversationId = normalizeDifyId(conversationExternalId);
  if (!conversationId) throw notFound('conversation', deps.sourceId);
  await deps.client.deleteConversation(userOf(deps, viewer, 'conversation'), conversationId, requestScope);
}

/**
 * `sendMessage` → `POST /chat-messages`, blocking: the created exchange as its USER and
 * ASSISTANT halves. A null conversation starts a new one. `private` has no meaning in Dify.
 * Files are uploaded first (files.ts: one failed upload and nothing is sent); the blocking
 * answer does not list them, so the exchange is then read back (`GET /messages?limit=1`) for
 * the USER half's `attachments` as every later read shows them. When that read fails or
 * finds another exchange (a send racing this one), the payload goes without attachments: the
 * send itself succeeded and is not failed for it.
 */
export async function sendMessage(
  deps: DifyReadDeps,
  viewer: Viewer,
  request: SendMessageRequest,
  requestScope?: RequestScope,
): Promise<SendMessageResult> {
  const { user, conversationId } = authorizeSend(deps, viewer, request);
  const files = request.files?.length ? await uploadFiles(deps.client, user, request.files, requestScope) : [];
  const completion = await deps.client.chat(user, { query: request.text, conversationId, inputs: request.inputs, files }, requestScope);
  const messages = files.length > 0 ? await readBackExchange(deps, user, completion, requestScope) : null;
  return { conversationExternalId: completion.conversation_id, messages: messages ?? mapCompletion(completion, request.text, user) };
}

/** The stored exchange of a blocking send, or null when the newest one is not it or the read fails. */
async function readBackExchange(
  deps: DifyReadDeps,
  user: string,
  completion: DifyChatCompletion,
  requestScope: RequestScope | undefined,
): Promise<MessageRecord[] | null> {
  try {
    const page = await deps.client.listMessages(user, { conversationId: completion.conversation_id, firstId: null, limit: 1 }, requestScope);
    const stored = page.data.find((exchange) => exchange.id === completion.message_id);
    return stored ? mapExchange(stored, { conversationId: completion.conversation_id, upstreamUser: user }) : null;
  } catch {
    return null;
  }
}

/**
 * What a send checks before its upstream call (Dify scopes the conversation to the user itself).
 * @returns the upstream user and the Dify conversation id (null: a new conversation)
 * @throws GatewayError NOT_FOUND (a malformed id, a viewer without identity), NOT_SUPPORTED (private)
 */
export function authorizeSend(deps: DifyReadDeps, viewer: Viewer, request: SendMessageRequest): { user: string; conversationId: string | null } {
  let conversationId: string | null = null;
  if (request.conversationExternalId !== null) {
    conversationId = normalizeDifyId(request.conversationExternalId);
    if (!conversationId) throw notFound('conversation', deps.sourceId);
  }
  if (request.private) {
    throw new GatewayError('NOT_SUPPORTED', `source "${deps.sourceId}" has no private notes`, { sourceId: deps.sourceId });
  }
  return { user: userOf(deps, viewer, 'conversation'), conversationId };
}

/** `transcribeAudio` → `POST /audio-to-text` (multipart `file`, `user`). */
export async function transcribeAudio(
  deps: DifyReadDeps,
  viewer: Viewer,
  file: Blob & { name?: string },
  requestScope?: RequestScope,
): Promise<string> {
  const user = upstreamUser(viewer, deps.userFrom);
  if (user === null) throw new GatewayError('FORBIDDEN', 'the viewer has no identity for this source', { sourceId: deps.sourceId });
  const name = file.name || 'audio';
  return deps.client.audioToText(user, await withDifyAudioType(file, name), name, requestScope);
}

/** Dify's `ALLOWED_EXTENSIONS` for `/audio-to-text`, which it checks as the part's MIME type `audio/<ext>`. */
const DIFY_AUDIO_EXTENSIONS = ['mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'wav', 'webm', 'amr'];

/**
 * The upload retyped as `audio/<ext>` from its file name when its own MIME type is not one Dify
 * accepts: curl sends `application/octet-stream` for any `-F file=@x.wav`, and some browsers
 * `audio/x-wav` or `audio/wave`, all of which Dify refuses with 415 although the audio is fine.
 * A known type (parameters such as `;codecs=opus` aside) or an unknown extension is left alone.
 */
export async function withDifyAudioType(file: Blob, name: string): Promise<Blob> {
  const type = file.type.split(';')[0]!.trim().toLowerCase();
  if (DIFY_AUDIO_EXTENSIONS.some((ext) => type === `audio/${ext}`)) return file;
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (!ext || !DIFY_AUDIO_EXTENSIONS.includes(ext)) return file;
  // A platform Blob whatever class the multipart parser used; the upload is capped and in memory.
  return new Blob([await file.arrayBuffer()], { type: `audio/${ext}` });
}

/**
 * `Source.feedbacks` → `GET /app/feedbacks?page&limit`: every end user's feedback, so only for
 * viewers with `adminRole`. Dify gives no has-more flag: one extra row is asked for to know.
 * @throws GatewayError FORBIDDEN for other viewers
 */
export async function listFeedbacks(
  deps: DifyWriteDeps,
  viewer: Viewer,
  page: NumberedPage,
  requestScope?: RequestScope,
): Promise<{ items: FeedbackRecord[]; hasMore: boolean }> {
  if (!viewer.roles.includes(deps.adminRole)) {
    throw new GatewayError('FORBIDDEN', `only viewers with role "${deps.adminRole}" may read every user's feedback`, {
      sourceId: deps.sourceId,
    });
  }
  const answer = await deps.client.appFeedbacks(page.page, page.limit, requestScope);
  const rows = answer.data.slice(0, page.limit);
  // A full page may have more; a short one is the end.
  return {
    items: rows.map(mapAppFeedback).filter((row): row is FeedbackRecord => row !== null),
    hasMore: answer.data.length >= page.limit,
  };
}

/**
 * `Message.suggestedQuestions` → `GET /messages/{id}/suggested`: `[]` for a USER half.
 * @throws GatewayError NOT_SUPPORTED when the app has the feature off, NOT_FOUND when foreign
 */
export async function suggestedQuestions(
  deps: DifyReadDeps,
  viewer: Viewer,
  ref: MessageRef,
  requestScope?: RequestScope,
): Promise<string[]> {
  const key = parseMessageKey(ref.key);
  if (!key || key.half === 'u') return [];
  const user = userOf(deps, viewer, 'message');
  return deps.client.suggested(user, key.id, requestScope).catch(asMessageNotFound(deps));
}

/**
 * The audio route → `POST /text-to-audio`. Dify does not scope `message_id` to the user, so the
 * message is first read as the viewer: a foreign or absent one is NOT_FOUND before any audio call.
 */
export async function textToAudio(
  deps: DifyReadDeps,
  viewer: Viewer,
  ref: MessageRef,
  requestScope?: RequestScope,
): Promise<UpstreamStreamResult> {
  const messageId = assistantMessageId(deps, ref, 'read aloud');
  const user = userOf(deps, viewer, 'message');
  const [found] = await getMessages(deps, viewer, [ref], undefined, requestScope);
  if (found instanceof Error) throw found;
  if (!found) throw notFound('message', deps.sourceId);
  const answer = await deps.client.textToAudio(user, messageId, requestScope);
  const type = answer.headers['content-type'];
  const length = Number(answer.headers['content-length']);
  return {
    contentType: (Array.isArray(type) ? type[0] : type) ?? 'application/octet-stream',
    contentLength: Number.isFinite(length) && length >= 0 ? length : null,
    body: answer.body,
  };
}
