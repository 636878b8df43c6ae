/**
 * When a viewer's bearer token expires: live streams outlive the request that opened them, so
 * they end at the token's `exp` instead of serving a viewer whose credentials have lapsed.
 */
import { decodeJwt } from 'jose';
import type { Viewer } from '../providers/types.js';

/** The viewer's token expiry in epoch ms, or undefined when it has no token or no `exp`. */
export function tokenExpiresAt(viewer: Viewer): number | undefined {
  if (!viewer.token) return undefined;
  try {
    const { exp } = decodeJwt(viewer.token);
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
