/**
 * When a viewer's bearer token expires: live streams outlive the request that opened them, so
 * they end at the token's `exp` instead of serving a viewer whose credentials have lapsed.
 */
import type { Viewer } from '../providers/types.js';

/**
 * The viewer's token expiry in epoch ms, or undefined when it has no token, it is not a compact
 * JWS (three base64url parts with a JSON object payload) or has no numeric `exp`. Only reads
 * the payload: the token was verified when the viewer was resolved. Decoded here rather than
 * with jose's `decodeJwt` so that gateways without JWT auth never load jose.
 */
export function tokenExpiresAt(viewer: Viewer): number | undefined {
  if (!viewer.token) return undefined;
  const parts = viewer.token.split('.');
  if (parts.length !== 3 || !/^[\w-]+$/.test(parts[1]!)) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    const { exp } = payload as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Longest single timer, ms: `setTimeout` overflows past ~24.8 days, so longer waits are re-armed. */
export const LONGEST_TIMER_MS = 86_400_000;

/**
 * Calls `onExpired` once, when `expiresAt` (epoch ms) has passed — however far away it is. A
 * wait longer than one timer is re-armed in steps of at most `LONGEST_TIMER_MS`, so a token
 * with days left is never reported expired early. The timers do not keep the process alive.
 * @returns a function that cancels the wait
 */
export function onTokenExpiry(expiresAt: number, onExpired: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = expiresAt - Date.now();
    if (left <= 0) {
      onExpired();
      return;
    }
    timer = setTimeout(arm, Math.min(left, LONGEST_TIMER_MS));
    timer.unref?.();
  };
  arm();
  return () => clearTimeout(timer);
}
