/**
 * HTTP calls for a Dify app's description (`/parameters`, `/info`, `/meta`, `/site`) and its
 * conversation variables, on the same injected HTTP factory as client.ts (so the same pool,
 * time-outs and circuit breaker) with the same credentials and error mapping.
 */
import { GatewayError, isGatewayError } from '../../core/errors.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import type { AdapterServices, SourceCommonConfig } from '../contract.js';
import { mapDifyError } from './client.js';
import {
  difyInfoSchema,
  difyMetaSchema,
  difyParametersSchema,
  difySiteSchema,
  difyVariablePageSchema,
  difyVariableSchema,
  type DifyInfo,
  type DifyMeta,
  type DifyParameters,
  type DifySite,
  type DifyVariable,
  type DifyVariablePage,
} from './app-schemas.js';

/**
 * The calls. The four description reads take no `user` (Dify's `validate_app_token` without
 * `fetch_user_arg`, api/controllers/service_api/app/app.py and site.py): they describe the app,
 * the same for every end user. Every method throws `GatewayError` (client.ts `mapDifyError`).
 */
export interface DifyAppClient {
  /** `GET /parameters`. */
  parameters(scope?: RequestScope): Promise<DifyParameters>;
  /** `GET /info`. */
  info(scope?: RequestScope): Promise<DifyInfo>;
  /** `GET /meta`. */
  meta(scope?: RequestScope): Promise<DifyMeta>;
  /** `GET /site`; null for Dify's 403 `forbidden` "Site not found" (an app without a web app site). */
  site(scope?: RequestScope): Promise<DifySite | null>;
  /**
   * `GET /conversations/{id}/variables?user&last_id&limit&variable_name`: the conversation's
   * variables, oldest first, `limit` 1–100.
   * @throws GatewayError NOT_FOUND for a missing or foreign conversation (or an unknown `lastId`)
   */
  variables(
    user: string,
    conversationId: string,
    page: { lastId: string | null; limit: number; name?: string },
    scope?: RequestScope,
  ): Promise<DifyVariablePage>;
  /**
   * `PUT /conversations/{id}/variables/{variable_id}` `{ value, user }` → the updated variable.
   * Never retried (setting the same value twice leaves the same state, but a write is a write).
   * @throws GatewayError NOT_FOUND (conversation or variable absent or foreign), BAD_USER_INPUT
   *   (400 `bad_request`: the value does not match the variable's type)
   */
  updateVariable(user: string, conversationId: string, variableId: string, value: unknown, scope?: RequestScope): Promise<DifyVariable>;
}

/** Creates the app client of one Dify source. The API key goes into the headers only. */
export function createDifyAppClient(config: SourceCommonConfig & { apiKey: string }, http: AdapterServices['http']): DifyAppClient & { close(): Promise<void> } {
  const upstream = http({
    headers: { authorization: `Bearer ${config.apiKey}` },
    mapError: (answer) => mapDifyError(config.id, answer),
  });
  return {
    parameters: (scope) => upstream.getJson({ path: '/parameters', endpoint: '/parameters' }, difyParametersSchema, scope),
    info: (scope) => upstream.getJson({ path: '/info', endpoint: '/info' }, difyInfoSchema, scope),
    meta: (scope) => upstream.getJson({ path: '/meta', endpoint: '/meta' }, difyMetaSchema, scope),
    site: async (scope) => {
      try {
        return await upstream.getJson({ path: '/site', endpoint: '/site' }, difySiteSchema, scope);
      } catch (error) {
        // api/controllers/service_api/app/site.py: `if not site: raise Forbidden()`.
        if (isGatewayError(error) && error.status === 403 && error.upstreamCode === 'forbidden') return null;
        throw error;
      }
    },
    variables: (user, conversationId, page, scope) =>
      upstream.getJson(
        {
          path: `/conversations/${encodeURIComponent(conversationId)}/variables`,
          endpoint: '/conversations/:id/variables',
          query: { user, last_id: page.lastId, limit: Math.min(100, Math.max(1, Math.floor(page.limit))), variable_name: page.name },
        },
        difyVariablePageSchema,
        scope,
      ),
    updateVariable: async (user, conversationId, variableId, value, scope) => {
      try {
        return (await upstream.send(
          {
            method: 'PUT',
            path: `/conversations/${encodeURIComponent(conversationId)}/variables/${encodeURIComponent(variableId)}`,
            endpoint: '/conversations/:id/variables/:variable_id',
            json: { value, user },
          },
          difyVariableSchema,
          scope,
        )) as DifyVariable;
      } catch (error) {
        // Dify answers a value of the wrong type with 400 `bad_request` (the document's
        // "Variable value type mismatch"): the viewer's value, not the gateway's request.
        if (isGatewayError(error) && error.status === 400 && error.upstreamCode === 'bad_request') {
          throw new GatewayError('BAD_USER_INPUT', "value does not match the variable's type", { sourceId: config.id, status: 400 });
        }
        throw error;
      }
    },
    close: () => upstream.close(),
  };
}
