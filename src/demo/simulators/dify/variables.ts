/**
 * Conversation variables (a chatflow's per-conversation state), as Dify's Service API serves
 * them (api/controllers/service_api/app/conversation.py `ConversationVariablesApi`,
 * `ConversationVariableDetailApi`; api/services/conversation_service.py):
 * - `GET /conversations/{id}/variables?user&last_id&limit&variable_name`: the conversation's
 *   variables oldest first (`created_at`), `limit` 1–100 (default 20), the page after `last_id`
 *   (an unknown one: 404), `{limit, has_more, data}`; another user's conversation: 404.
 * - `PUT /conversations/{id}/variables/{variable_id}` `{value, user}`: the value must fit the
 *   variable's `value_type` (else 400 `bad_request` "Type mismatch: …"); answers the variable.
 * Each conversation has the app's declared variables, with their defaults until set. `value`
 * is shown as the document says: a string, JSON text for other types.
 */
import type { SimulatorReply } from '../http-server.js';
import { ownConversation, type DifyCall, type DifySimVariable, type DifyState } from './state.js';
import { difyError, limitArg, seconds, unprocessable, uuidFrom, type PydanticError } from './validation.js';

/** The app's declared conversation variables: name, type, default, description. */
const DECLARED: Array<[string, string, unknown, string]> = [
  ['customer_tier', 'string', 'standard', 'Support tier the assistant answers for'],
  ['open_tickets', 'number', 0, 'Tickets the user still has open'],
  ['preferences', 'object', { language: 'en' }, 'What the user asked the assistant to remember'],
  ['topics', 'array[string]', [], 'Topics discussed so far'],
];

const CONVERSATION_NOT_FOUND = difyError(404, 'not_found', 'Conversation Not Exists.');
const VARIABLE_NOT_FOUND = difyError(404, 'not_found', 'Conversation Variable Not Exists.');

/** The conversation's variables, created from the declarations on first use. */
export function variablesOf(state: DifyState, conversationId: string, createdAtMs: number): DifySimVariable[] {
  let variables = state.variables.get(conversationId);
  if (!variables) {
    variables = DECLARED.map(([name, valueType, value, description], index) => ({
      id: uuidFrom(`variable:${conversationId}:${name}`),
      name,
      valueType,
      value: structuredClone(value),
      description,
      // One second apart: Dify pages with `created_at > last.created_at`.
      createdAtMs: createdAtMs + index * 1000,
      updatedAtMs: createdAtMs + index * 1000,
    }));
    state.variables.set(conversationId, variables);
  }
  return variables;
}

function item(variable: DifySimVariable) {
  return {
    id: variable.id,
    name: variable.name,
    value_type: variable.valueType,
    value: typeof variable.value === 'string' ? variable.value : JSON.stringify(variable.value),
    description: variable.description,
    created_at: seconds(variable.createdAtMs),
    updated_at: seconds(variable.updatedAtMs),
  };
}

/** `GET /conversations/{conversation_id}/variables`. */
export function listVariables({ request, params, user, state }: DifyCall): SimulatorReply {
  const errors: PydanticError[] = [];
  const limit = limitArg(request.query, errors);
  if (errors.length) return unprocessable(errors);
  const conversation = ownConversation(state, user, params[0]!);
  if (!conversation) return CONVERSATION_NOT_FOUND;
  let rows = variablesOf(state, conversation.id, conversation.createdAtMs);
  const lastId = request.query.get('last_id');
  if (lastId) {
    const last = rows.find((row) => row.id === lastId);
    if (!last) return VARIABLE_NOT_FOUND;
    rows = rows.filter((row) => row.createdAtMs > last.createdAtMs);
  }
  const name = request.query.get('variable_name');
  if (name) rows = rows.filter((row) => row.name === name);
  return { status: 200, body: { limit, has_more: rows.length > limit, data: rows.slice(0, limit).map(item) } };
}

/** Whether `value` fits a Dify `SegmentType` (api/core/variables/types.py `is_valid`). */
function fits(valueType: string, value: unknown): boolean {
  const array = /^array\[(\w+)\]$/.exec(valueType);
  if (array) return Array.isArray(value) && (array[1] === 'any' || value.every((entry) => fits(array[1]!, entry)));
  switch (valueType) {
    case 'string':
    case 'secret':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
    case 'file':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

/** `PUT /conversations/{conversation_id}/variables/{variable_id}`. */
export function updateVariable({ params, user, body, state }: DifyCall): SimulatorReply {
  if (!('value' in body)) return difyError(400, 'invalid_param', 'value is required');
  const conversation = ownConversation(state, user, params[0]!);
  if (!conversation) return CONVERSATION_NOT_FOUND;
  const variable = variablesOf(state, conversation.id, conversation.createdAtMs).find((row) => row.id === params[1]);
  if (!variable) return VARIABLE_NOT_FOUND;
  if (!fits(variable.valueType, body.value)) {
    const got = Array.isArray(body.value) ? 'list' : body.value === null ? 'NoneType' : typeof body.value === 'object' ? 'dict' : typeof body.value;
    return difyError(400, 'bad_request', `Type mismatch: variable '${variable.name}' expects ${variable.valueType}, but got ${got} type`);
  }
  variable.value = structuredClone(body.value);
  variable.updatedAtMs = state.now();
  return { status: 200, body: item(variable) };
}
