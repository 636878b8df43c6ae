/**
 * Dify conversation variables: the state a (chatflow) app keeps per conversation. Read with
 * `GET /conversations/{id}/variables` and set with `PUT /conversations/{id}/variables/{variable_id}`,
 * both as the viewer's Dify `user`: Dify answers another user's conversation with 404, read here
 * as NOT_FOUND like an absent one.
 */
import type { ConversationVariableRecord, ConversationVariableSlice } from '../../core/app-records.js';
import { badInput, isGatewayError, notFound } from '../../core/errors.js';
import type { Viewer } from '../../core/records.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import type { DifyAppClient } from './app-client.js';
import { mapVariable } from './app-mapping.js';
import { normalizeDifyId } from './mapping.js';
import { upstreamUser, type DifyReadDeps } from './reads.js';

/** What the variable calls need: the read dependencies and the app client. */
export interface DifyVariableDeps extends Pick<DifyReadDeps, 'sourceId' | 'userFrom'> {
  appClient: DifyAppClient;
}

function target(deps: DifyVariableDeps, viewer: Viewer, conversationExternalId: string): { user: string; conversationId: string } {
  const conversationId = normalizeDifyId(conversationExternalId);
  const user = upstreamUser(viewer, deps.userFrom);
  if (!conversationId || user === null) throw notFound('conversation', deps.sourceId);
  return { user, conversationId };
}

/**
 * One page of a conversation's variables, oldest first (Dify's order): `first` (1–100) after
 * the variable `afterId` (null: from the start).
 * @throws GatewayError NOT_FOUND for a missing or foreign conversation
 */
export async function listConversationVariables(
  deps: DifyVariableDeps,
  viewer: Viewer,
  conversationExternalId: string,
  page: { afterId: string | null; first: number },
  scope?: RequestScope,
): Promise<ConversationVariableSlice> {
  const { user, conversationId } = target(deps, viewer, conversationExternalId);
  const answer = await deps.appClient.variables(user, conversationId, { lastId: page.afterId, limit: page.first }, scope);
  return { items: answer.data.map(mapVariable), hasMore: answer.has_more };
}

/**
 * Sets one variable's value, named by its id or its name (a name costs one filtered read
 * first). Never retried; repeating it with the same value leaves the same state.
 * @throws GatewayError NOT_FOUND (conversation or variable absent or foreign), BAD_USER_INPUT
 *   (the value does not fit the variable's type)
 */
export async function updateConversationVariable(
  deps: DifyVariableDeps,
  viewer: Viewer,
  conversationExternalId: string,
  variable: { externalId: string } | { name: string },
  value: unknown,
  scope?: RequestScope,
): Promise<ConversationVariableRecord> {
  const { user, conversationId } = target(deps, viewer, conversationExternalId);
  let variableId: string;
  if ('externalId' in variable) {
    const id = normalizeDifyId(variable.externalId);
    if (!id) throw notFound('conversation variable', deps.sourceId);
    variableId = id;
  } else {
    if (variable.name.length === 0 || variable.name.length > 255) throw badInput('name must be 1–255 characters', deps.sourceId);
    const found = await deps.appClient.variables(user, conversationId, { lastId: null, limit: 1, name: variable.name }, scope);
    const match = found.data.find((item) => item.name === variable.name);
    if (!match) throw notFound('conversation variable', deps.sourceId);
    variableId = match.id;
  }
  try {
    return mapVariable(await deps.appClient.updateVariable(user, conversationId, variableId, value, scope));
  } catch (error) {
    // Dify answers an absent variable and an absent conversation alike (404 `not_found`).
    if (isGatewayError(error) && error.code === 'NOT_FOUND') throw notFound('conversation variable', deps.sourceId);
    throw error;
  }
}
