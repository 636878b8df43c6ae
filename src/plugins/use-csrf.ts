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
 *
 * Origin: a request whose `Origin` is another site's, not listed in `server.corsOrigins`, is
 * refused too (`isCrossSiteOrigin`). Browsers would block such a page from reading the answer,
 * but not a cookie-authenticated proxy from acting on it; the WebSocket upgrade (which no
 * header proof can protect) applies the same function (src/server/ws.ts).
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

/**
 * True when a page of another site sent this request: its `Origin` is present and is neither
 * the gateway's own (the scheme-less `Host` it was sent to, so TLS ended at a proxy still
 * matches) nor one of `corsOrigins` (`*` allows any). `Origin: null` (sandboxed frames, some
 * redirects) is cross-site. A request without `Origin` is not from a cross-site page: browsers
 * send it on every cross-origin request and on every WebSocket upgrade.
 */
export function isCrossSiteOrigin(origin: string | null | undefined, host: string | null | undefined, corsOrigins: readonly string[]): boolean {
  if (origin === null || origin === undefined || origin === '') return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return true;
  }
  if (parsed.origin === 'null') return true;
  if (host && parsed.host === host.toLowerCase()) return false;
  return !corsOrigins.some((allowed) => allowed === '*' || originOf(allowed) === parsed.origin);
}

const originOf = (value: string) => {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
};

/** The refusal of a cross-site request (HTTP 403, `FORBIDDEN`). */
export const crossSiteRefusal = () =>
  createGraphQLError('requests from another site are refused: list its origin in server.corsOrigins', {
    extensions: { code: 'FORBIDDEN', http: { status: 403 } },
  });

/**
 * Refuses unpreflighted requests without a `CSRF_HEADERS` header, and requests from another
 * site's origin: HTTP 403, `FORBIDDEN`.
 */
export function useCsrf(corsOrigins: readonly string[] = []): Plugin {
  const inner = useCSRFPrevention({ requestHeaders: CSRF_HEADERS }) as Plugin;
  return {
    onRequestParse(payload) {
      const { headers, url } = payload.request;
      if (isCrossSiteOrigin(headers.get('origin'), headers.get('host') ?? new URL(url).host, corsOrigins)) throw crossSiteRefusal();
      try {
        return inner.onRequestParse?.(payload);
      } catch {
        throw createGraphQLError(CSRF_REFUSAL, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
      }
    },
  };
}
