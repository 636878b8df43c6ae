/**
 * Where the published OpenAPI documents disagree with what the services really answer (read
 * from their source code; DESIGN §6 wins over the documents). Each row names the response it
 * applies to, what it excuses or the shape that answer really has, and why. The contract test
 * fails when a row never applies, so the table cannot go stale silently.
 */
import type { ContractException } from './openapi.js';

type Json = Record<string, unknown>;

const DIFY_ERROR: Json = {
  type: 'object',
  required: ['code', 'message', 'status'],
  additionalProperties: false,
  properties: { code: { type: 'string' }, message: { type: 'string' }, status: { type: 'integer' } },
};
const difyError = (code: string | RegExp): Json => ({
  ...DIFY_ERROR,
  properties: { ...(DIFY_ERROR.properties as Json), code: typeof code === 'string' ? { const: code } : { type: 'string', pattern: code.source } },
});

/** Exceptions for `test/contracts/specs/dify/openapi_chat.en.json`. */
export const DIFY_EXCEPTIONS: ContractException[] = [
  {
    response: / 401$/,
    actualSchema: difyError('unauthorized'),
    reason: 'Dify: every Service API route answers 401 `unauthorized` for a missing or wrong app key (wraps.py validate_app_token); the document lists no 401 anywhere',
  },
  {
    response: 'GET /messages 422',
    actualSchema: difyError('unprocessable_entity'),
    reason: 'Dify: newer builds validate /messages query args with pydantic and answer 422 `unprocessable_entity` (DESIGN §6); the document lists 400 and 404 only',
  },
  {
    response: 'GET /messages/{message_id}/suggested 403',
    actualSchema: difyError('app_suggested_questions_after_answer_disabled'),
    reason: 'Dify: with the feature off the answer is 403 `app_suggested_questions_after_answer_disabled` (DESIGN §6), not the documented 400 `bad_request`',
  },
  {
    response: 'POST /messages/{message_id}/feedbacks 400',
    actualSchema: difyError('invalid_param'),
    reason: 'Dify: `rating: null` without an existing feedback raises ValueError → 400 `invalid_param` (DESIGN §6); the document lists only 200 and 404',
  },
  {
    response: 'POST /text-to-audio 200',
    actualContentType: /^audio\/wav$/,
    reason: 'Dify: the content type is the TTS provider’s format (the document’s own description names audio/wav and audio/mp3); the simulator’s provider speaks WAV, the document lists audio/mpeg only',
  },
  {
    response: 'POST /text-to-audio 404',
    actualSchema: difyError('not_found'),
    reason: 'Dify: a message_id that exists nowhere in the app answers 404 `not_found` "Message Not Exists."; the document lists no 404 for this route',
  },
  {
    response: 'GET /app/feedbacks 200',
    error: { path: /^\/data\/\d+\/(created|updated)_at$/, keyword: 'format' },
    reason: 'Dify: MessageFeedback.to_dict() writes `datetime.isoformat()` of naive UTC datetimes ("2025-04-24T09:24:38", no offset, as the seed documents show); the document says RFC 3339 date-time',
  },
  {
    response: 'GET /parameters 200',
    error: { path: /^\/user_input_form\/\d+$/, keyword: 'oneOf' },
    reason:
      'Dify: the document’s `user_input_form` item is a oneOf of three object schemas with no `required` key, so any one-key item (its own example `{"text-input": …}` too) matches all three; Dify also sends kinds the document omits (`number`, `file`, `file-list`, `checkbox`: VariableEntityType in api/core/app/app_config/entities.py)',
  },
];

const CHATWOOT_ERROR: Json = {
  oneOf: [
    { type: 'object', required: ['error'], additionalProperties: false, properties: { error: { type: 'string' } } },
    { type: 'object', required: ['errors'], additionalProperties: false, properties: { errors: { type: 'array', items: { type: 'string' } } } },
  ],
};
const ANY = /^/;
/** A field of every rendered message, wherever it is nested (payload items, `messages[]`, `last_non_activity_message`, write answers). */
const MESSAGE_FIELD = (field: string) => new RegExp(`(^|/payload/\\d+|/messages/\\d+|/last_non_activity_message)/${field}$`);
/** A field of every rendered conversation (list items, show, contact conversations). */
const CONVERSATION_FIELD = (field: string) => new RegExp(`^(/data/payload/\\d+|/payload/\\d+)?/${field}$`);

/** Exceptions for `test/contracts/specs/chatwoot/swagger.json`. */
export const CHATWOOT_EXCEPTIONS: ContractException[] = [
  {
    response: / (401|404|422)$/,
    actualSchema: CHATWOOT_ERROR,
    reason: 'Chatwoot: error bodies are `{"error": "…"}` (or `{"errors": […]}` from Devise without a token), not the `bad_request_error` schema; no access is 401, not 403; write validation is 422 (DESIGN §6) — statuses the document often does not list',
  },
  {
    response: / 429$/,
    actualContentType: /^text\/plain/,
    reason: 'Chatwoot: Rack::Attack answers 429 with the plain-text body "Retry later" (DESIGN §6); the document lists no 429',
  },
  {
    response: ANY,
    error: { path: MESSAGE_FIELD('sender_type'), keyword: 'enum' },
    reason: 'Chatwoot: `sender_type` is the polymorphic class name (Contact, User, AgentBot, Captain::Assistant), not the lower-case names the document lists',
  },
  {
    response: ANY,
    error: { path: MESSAGE_FIELD('sender_type'), keyword: 'type' },
    reason: 'Chatwoot: activity and template messages have no sender, so `sender_type` is null',
  },
  {
    response: ANY,
    error: { path: MESSAGE_FIELD('sender_id'), keyword: 'type' },
    reason: 'Chatwoot: activity and template messages have no sender, so `sender_id` is null',
  },
  {
    response: ANY,
    error: { path: MESSAGE_FIELD('source_id'), keyword: 'type' },
    reason: 'Chatwoot: `source_id` is null for messages that did not come from an external channel',
  },
  {
    response: ANY,
    error: { path: MESSAGE_FIELD('updated_at'), keyword: 'type' },
    reason: 'Chatwoot: Message#push_event_data converts only created_at to epoch seconds; updated_at stays a Rails timestamp (ISO string)',
  },
  {
    response: ANY,
    error: { path: MESSAGE_FIELD('message_type'), keyword: 'enum' },
    reason: 'Chatwoot: message_type 3 (template) exists beside 0 incoming, 1 outgoing, 2 activity (DESIGN §4); the document lists 0–2',
  },
  {
    response: ANY,
    error: { path: MESSAGE_FIELD('content_type'), keyword: 'enum' },
    reason: 'Chatwoot: content_type has more values than the document lists, e.g. `input_csat` for CSAT survey messages',
  },
  {
    response: ANY,
    error: { path: CONVERSATION_FIELD('status'), keyword: 'enum' },
    reason: 'Chatwoot: conversations can be `snoozed` (the document’s own toggle_status lists it); the conversation schema lists open, resolved, pending only',
  },
  {
    response: ANY,
    error: { path: CONVERSATION_FIELD('timestamp'), keyword: 'type' },
    reason: 'Chatwoot: `timestamp` is last_activity_at in epoch seconds (an integer), not a string',
  },
  {
    response: ANY,
    error: { path: CONVERSATION_FIELD('snoozed_until'), keyword: 'type' },
    reason: 'Chatwoot: snoozed_until is null (snoozed until the next reply, or not snoozed) or a Rails timestamp, not a number',
  },
  {
    response: ANY,
    error: { path: CONVERSATION_FIELD('(priority|sla_policy_id)'), keyword: 'type' },
    reason: 'Chatwoot: priority and sla_policy_id are null until set; the document marks neither nullable',
  },
  {
    response: ANY,
    error: { path: /\/meta\/sender\/(email|identifier|phone_number)$/, keyword: 'type' },
    reason: 'Chatwoot: contacts may lack an email, identifier or phone number (null); the document marks none nullable',
  },
  {
    response: 'GET /api/v1/accounts/{account_id}/contacts/search 200',
    error: { path: /^\/meta\/current_page$/, keyword: 'type' },
    reason: 'Chatwoot: the search meta echoes the `page` parameter as received (a string when given), not a number',
  },
  {
    response: 'GET /api/v1/accounts/{account_id}/conversations/{conversation_id}/messages 200',
    error: { path: /^\/meta\/(assignee\/custom_role_id|assignee_last_seen_at|agent_last_seen_at)$/, keyword: 'type' },
    reason: 'Chatwoot: custom_role_id (no custom role) and assignee_last_seen_at / agent_last_seen_at (never seen) are null; the document marks none nullable',
  },
  {
    response: 'GET /api/v1/accounts/{account_id}/conversations/{conversation_id}/messages 200',
    error: { path: /^\/meta\/assignee\/availability_status$/, keyword: 'enum' },
    reason: 'Chatwoot: the User availability enum is online, busy, offline (a user view renders `online`); the document’s agent schema says available, busy, offline',
  },
  {
    response: 'GET /api/v1/accounts/{account_id}/agents 200',
    error: { path: /^\/\d+\/custom_role_id$/, keyword: 'type' },
    reason: 'Chatwoot: the agent partial (api/v1/models/_agent.json.jbuilder) renders custom_role_id null for an agent without a custom role; the document says integer',
  },
  {
    response: 'GET /api/v1/accounts/{account_id}/agents 200',
    error: { path: /^\/\d+\/availability_status$/, keyword: 'enum' },
    reason: 'Chatwoot: the agent partial renders User#availability_status (online, busy, offline); the document says available, busy, offline',
  },
  {
    response: 'POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/assignments 200',
    error: { path: /^$/, keyword: 'type' },
    reason: 'Chatwoot: unassigning (assignee_id null, or an id that is no user of the account) answers `render json: nil`, the body `null` (AssignmentsController#render_agent); the document says a user object',
  },
];
