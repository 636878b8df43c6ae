/**
 * Who a request runs as. `header` mode trusts `x-chat-user` / `x-chat-roles` / `x-chat-email`
 * set by an authenticating proxy in front of the gateway; it must never face the internet
 * directly. In demo mode a request without `x-chat-user` runs as the seeded demo user.
 */
import type { AuthConfig } from '../config.js';
import { GatewayError } from '../providers/errors.js';
import type { Viewer } from '../providers/types.js';

/** Resolves a request's viewer; null when it carries none. Throws UNAUTHENTICATED for bad credentials. */
export type ViewerResolver = (request: Request) => Promise<Viewer | null>;

export interface ViewerResolverOptions {
  auth: AuthConfig;
  /** Viewer for requests without one (demo mode only). */
  defaultViewer?: Viewer;
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

/** Builds the resolver for the configured auth mode. */
export function createViewerResolver(options: ViewerResolverOptions): ViewerResolver {
  if (options.auth.mode !== 'header') {
    throw new Error(`auth mode "${options.auth.mode}" has no viewer resolver`);
  }
  return async (request) => viewerFromHeaders(request.headers) ?? options.defaultViewer ?? null;
}
