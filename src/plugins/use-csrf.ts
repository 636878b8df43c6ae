/**
 * CSRF prevention: a request a browser could send cross-site without a CORS preflight (a GET,
 * or a POST of `text/plain`, `multipart/form-data` or `application/x-www-form-urlencoded`)
 * must carry one of `CSRF_HEADERS`, which no cross-site page can add without a preflight.
 * JSON POSTs (what GraphiQL and GraphQL clients send) are preflighted and pass. Refusals are
 * `FORBIDDEN` with HTTP 403. Built on `@graphql-yoga/plugin-csrf-prevention`; this wrapper only
 * gives its refusal an `extensions.code` and a message that says what to do.
 *
 * A GET query cannot write, yet it stays refused without a header: behind a proxy that turns a
 * session cookie into the viewer headers, any page could make a signed-in browser run queries
 * as its viewer. The page cannot read the answer, but it can time it or watch its size (whether
 * a conversation exists, how long a history is: XS-search), and spend the viewer's rate limit
 * and the backends' quota. Clients need one option at most (urql: `preferGetMethod: false`).
 */
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Headers accepted as proof of a preflighted request: yoga's own, and Apollo Client's two.
 * Headers a trusted proxy adds itself (`x-chat-user`, `authorization`) prove nothing and are
 * deliberately not among them.
 */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name'];

/**
 * What a refused client is told, with the fix for the usual case: urql sends queries as GET by
 * default (`preferGetMethod: 'within-url-limit'`), which only a CSRF header or a POST gets past.
 */
export const CSRF_REFUSAL =
  `a GET or form request must carry one of these headers: ${CSRF_HEADERS.join(', ')}. ` +
  'Or send the operation as a JSON POST (urql: `preferGetMethod: false`).';

/** Refuses unpreflighted requests without a `CSRF_HEADERS` header: HTTP 403, `FORBIDDEN`. */
export function useCsrf(): Plugin {
  const inner = useCSRFPrevention({ requestHeaders: CSRF_HEADERS }) as Plugin;
  return {
    onRequestParse(payload) {
      try {
        return inner.onRequestParse?.(payload);
      } catch {
        throw createGraphQLError(CSRF_REFUSAL, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
      }
    },
  };
}
