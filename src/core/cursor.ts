/**
 * Opaque cursors. A cursor is `base64url(JSON payload) "." base64url(HMAC)`, where the HMAC
 * (SHA-256, truncated to 128 bits) covers the payload, the connection it came from (`scope`,
 * e.g. one conversation's messages) and the viewer. A cursor therefore cannot be forged, widened,
 * moved to another connection or replayed by another viewer: any of those is `BAD_USER_INPUT`.
 */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { badInput } from './errors.js';

/** Encodes and checks cursors with one secret. */
export interface CursorCodec {
  /** @returns an opaque cursor string for `payload` (any JSON value) */
  encode(scope: string, viewerId: string, payload: unknown): string;
  /**
   * @returns the payload given to `encode`
   * @throws GatewayError BAD_USER_INPUT when the cursor is malformed, tampered with, or was
   *   issued for another connection or viewer
   */
  decode(scope: string, viewerId: string, cursor: string): unknown;
}

/** Longest cursor accepted, characters: anything longer is refused before any work. */
const MAX_CURSOR_LENGTH = 4096;

/** @param secret HMAC key, at least 16 bytes of entropy */
export function createCursorCodec(secret: string | Buffer): CursorCodec {
  // Imported once: a raw secret would be turned into a key again on every HMAC.
  const key = createSecretKey(typeof secret === 'string' ? Buffer.from(secret) : secret);
  const sign = (scope: string, viewerId: string, body: string) =>
    createHmac('sha256', key).update(`${scope}\u0000${viewerId}\u0000${body}`).digest().subarray(0, 16);

  return {
    encode(scope, viewerId, payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${sign(scope, viewerId, body).toString('base64url')}`;
    },
    decode(scope, viewerId, cursor) {
      const invalid = () => badInput('invalid cursor: use a cursor returned by this connection');
      if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH) throw invalid();
      const [body, mac, extra] = cursor.split('.');
      if (!body || !mac || extra !== undefined) throw invalid();
      const expected = sign(scope, viewerId, body);
      const given = Buffer.from(mac, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      try {
        return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
      } catch {
        throw invalid();
      }
    },
  };
}
