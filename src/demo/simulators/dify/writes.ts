/**
 * The Dify simulator's management endpoints (api/controllers/service_api/app/{message,
 * conversation}.py, api/services/{message,conversation}_service.py), each visible in the next
 * read:
 * - `POST /messages/{id}/feedbacks` `{rating: like|dislike|null, user, content}`: sets or
 *   replaces the end user's feedback; `null` deletes it and is 400 `invalid_param` when there is
 *   none. Any exchange of the user can be rated. Answers `{"result":"success"}`.
 * - `GET /app/feedbacks?page&limit`: every end user's feedback, newest first, `{data}` only (no
 *   `has_more`); times are naive ISO datetimes (UTC), as `MessageFeedback.to_dict()` writes them.
 * - `POST /conversations/{id}/name` `{name, auto_generate, user}`: answers the conversation;
 *   a blank `name` without `auto_generate` is 400 `invalid_param`.
 * - `DELETE /conversations/{id}` `{user}`: 204 with no body; later reads answer 404.
 * - `GET /messages/{id}/suggested?user`: three follow-ups, or 403
 *   `app_suggested_questions_after_answer_disabled` when the app has the feature off.
 */
import type { SimulatorReply } from '../http-server.js';
import { cannedSuggestions, generatedName } from './answers.js';
import { conversationItem } from './reads.js';
import { findExchange, ownConversation, type DifyCall } from './state.js';
import { difyError, intArg, pydanticMessage, unprocessable, uuidFrom, type PydanticError } from './validation.js';

const SUCCESS: SimulatorReply = { status: 200, body: { result: 'success' } };
const MESSAGE_NOT_FOUND = difyError(404, 'not_found', 'Message Not Exists.');
const CONVERSATION_NOT_FOUND = difyError(404, 'not_found', 'Conversation Not Exists.');
/** The app every simulated feedback belongs to. */
export const DIFY_APP_ID = uuidFrom('app:brightdesk-assistant');

/** `POST /messages/{message_id}/feedbacks`. */
export function rateMessage({ params, user, body, state }: DifyCall): SimulatorReply {
  const rating = body.rating ?? null;
  if (rating !== null && rating !== 'like' && rating !== 'dislike') {
    const error: PydanticError = { type: 'literal_error', loc: ['rating'], msg: "Input should be 'like' or 'dislike'", input: String(rating) };
    return difyError(400, 'invalid_param', pydanticMessage('MessageFeedbackPayload', [error]));
  }
  if (body.content !== undefined && body.content !== null && typeof body.content !== 'string') {
    return difyError(400, 'invalid_param', 'content must be a string');
  }
  const found = findExchange(state, user, params[0]!);
  if (!found) return MESSAGE_NOT_FOUND;
  const { exchange } = found;
  if (rating === null) {
    if (!exchange.feedback) return difyError(400, 'invalid_param', 'rating cannot be None when feedback not exists');
    exchange.feedback = null;
    exchange.feedbackContent = null;
    delete exchange.feedbackAtMs;
    delete exchange.feedbackUpdatedAtMs;
    return SUCCESS;
  }
  const now = state.now();
  if (!exchange.feedback) exchange.feedbackAtMs = now;
  exchange.feedback = rating;
  exchange.feedbackContent = (body.content as string | undefined) ?? null;
  exchange.feedbackUpdatedAtMs = now;
  return SUCCESS;
}

/** `GET /app/feedbacks?page&limit` (no `user`: the app's whole feedback). */
export function listAppFeedbacks({ request, state }: DifyCall): SimulatorReply {
  const errors: PydanticError[] = [];
  const page = intArg(request.query, 'page', errors, 1, 1, Number.MAX_SAFE_INTEGER);
  const limit = intArg(request.query, 'limit', errors, 20, 1, 101);
  if (errors.length > 0) return unprocessable(errors);
  const rows = state.conversations.flatMap((conversation) =>
    conversation.exchanges
      .filter((exchange) => exchange.feedback)
      .map((exchange) => {
        const createdAtMs = exchange.feedbackAtMs ?? exchange.createdAtMs + 90_000;
        return { conversation, exchange, createdAtMs, updatedAtMs: exchange.feedbackUpdatedAtMs ?? createdAtMs };
      }),
  );
  rows.sort((a, b) => b.createdAtMs - a.createdAtMs || a.exchange.id.localeCompare(b.exchange.id));
  const data = rows.slice((page - 1) * limit, page * limit).map(({ conversation, exchange, createdAtMs, updatedAtMs }) => ({
    id: uuidFrom(`feedback:${exchange.id}`),
    app_id: DIFY_APP_ID,
    conversation_id: conversation.id,
    message_id: exchange.id,
    rating: exchange.feedback,
    content: exchange.feedbackContent ?? null,
    from_source: 'user',
    from_end_user_id: uuidFrom(`end-user:${conversation.user}`),
    from_account_id: null,
    created_at: naiveIso(createdAtMs),
    updated_at: naiveIso(updatedAtMs),
  }));
  return { status: 200, body: { data } };
}

/** `POST /conversations/{conversation_id}/name`. */
export function renameConversation({ params, user, body, state }: DifyCall): SimulatorReply {
  const autoGenerate = body.auto_generate === true;
  const name = typeof body.name === 'string' ? body.name : '';
  if (!autoGenerate && name.trim() === '') {
    return difyError(400, 'invalid_param', 'name is required when auto_generate is false');
  }
  const conversation = ownConversation(state, user, params[0]!);
  if (!conversation) return CONVERSATION_NOT_FOUND;
  conversation.name = autoGenerate ? generatedName(conversation.exchanges[0]?.query ?? '') : name.trim();
  conversation.updatedAtMs = state.now();
  return { status: 200, body: conversationItem(conversation) };
}

/** `DELETE /conversations/{conversation_id}` with a JSON body `{user}`. */
export function deleteConversation({ params, user, state }: DifyCall): SimulatorReply {
  const conversation = ownConversation(state, user, params[0]!);
  if (!conversation) return CONVERSATION_NOT_FOUND;
  state.conversations.splice(state.conversations.indexOf(conversation), 1);
  return { status: 204 };
}

/** `GET /messages/{message_id}/suggested?user`. */
export function suggestedQuestions({ params, user, state }: DifyCall): SimulatorReply {
  const found = findExchange(state, user, params[0]!);
  if (!found) return MESSAGE_NOT_FOUND;
  if (!state.suggestedQuestions) {
    return difyError(403, 'app_suggested_questions_after_answer_disabled', 'Function Suggested questions after answer disabled.');
  }
  return { status: 200, body: { result: 'success', data: cannedSuggestions(found.exchange.query, found.exchange.answer) } };
}

/** Python's `datetime.isoformat()` of a naive UTC datetime: no offset, no fraction. */
function naiveIso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '');
}
