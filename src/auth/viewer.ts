/**
 * Who a request runs as. `header` mode trusts `x-chat-user` / `x-chat-roles` / `x-chat-email`
 * set by an authenticating proxy in front of the gateway, once the request has shown it came
 * through that proxy (`auth.header`, src/auth/header-trust.ts). `jwt` mode verifies `Authorization: Bearer <JWT>` (src/auth/jwt.ts) and ignores the
 * `x-chat-*` headers. In demo mode a request without `x-chat-user` runs as the seeded demo user.
 */
import type { AuthConfig } from '../config/config.js';
import { GatewayError } from '../core/errors.js';
import type { Viewer } from '../core/records.js';
import { createProxyCheck, type RequestPeer } from './header-trust.js';
import { createJwtVerifier, InvalidTokenError, type JwtVerifierOptions } from './jwt.js';

export type { RequestPeer } from './header-trust.js';

/**
 * Resolves a request's viewer; null when it carries none. Throws UNAUTHENTICATED for bad
 * credentials, and in header mode for a request that did not come through the proxy.
 * @param peer the TCP peer (header mode with `auth.header.trustedProxies` refuses a request without one)
 */
export type ViewerResolver = (request: Request, peer?: RequestPeer) => Promise<Viewer | null>;

export interface ViewerResolverOptions {
  auth: AuthConfig;
  /** Viewer for requests without one (demo mode only; never used in jwt mode). */
  defaultViewer?: Viewer;
  /** JWKS caching (jwt mode with `jwksUrl`). */
  jwks?: JwtVerifierOptions;
}

const MAX_ID_LENGTH = 256;

/** Splits a comma- or space-separated role list into lower-case names. */
export function parseRoles(value: string | null | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(/[,\s]+/).map((role) => role.trim().toLowerCase()).filter(Boolean))];
}

/**
 * Reads the viewer from the trusted-proxy headers.
 * @throws GatewayError UNAUTHENTICATED when `x-chat-user` is present but empty or over 256 chars
 */
export function viewerFromHeaders(headers: Headers): Viewer | null {
  const raw = headers.get('x-chat-user');
  if (raw === null) return null;
  const id = raw.trim();
  if (id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new GatewayError('UNAUTHENTICATED', `x-chat-user must be 1–${MAX_ID_LENGTH} characters`);
  }
  const email = headers.get('x-chat-email')?.trim();
  return { id, roles: parseRoles(headers.get('x-chat-roles')), ...(email ? { email } : {}) };
}

/**
 * Reads the bearer token of `Authorization`; null when the header is absent.
 * @throws InvalidTokenError for another scheme or an empty token
 */
export function bearerToken(headers: Headers): string | null {
  const raw = headers.get('authorization');
  if (raw === null) return null;
  const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(raw);
  if (!match) throw new InvalidTokenError('the Authorization header must be "Bearer <token>"');
  return match[1]!;
}

/** Builds the resolver for the configured auth mode. */
export function createViewerResolver(options: ViewerResolverOptions): ViewerResolver {
  const { auth } = options;
  if (auth.mode === 'jwt') {
    const verify = createJwtVerifier(auth.jwt, options.jwks);
    return async (request) => {
      const token = bearerToken(request.headers);
      return token === null ? null : verify(token);
    };
  }
  const checkProxy = createProxyCheck(auth.header);
  return async (request, peer) => {
    checkProxy?.(request, peer);
    return viewerFromHeaders(request.headers) ?? options.defaultViewer ?? null;
  };
}
