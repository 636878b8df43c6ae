import { SignJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { LONGEST_TIMER_MS, onTokenExpiry, tokenExpiresAt } from '../../src/live/token-expiry.js';

const secret = new TextEncoder().encode('a-test-secret-that-is-long-enough');
const viewer = (token?: string) => ({ id: 'u1', roles: [], ...(token === undefined ? {} : { token }) });

describe('tokenExpiresAt', () => {
  it("reads a signed token's exp as epoch ms", async () => {
    const token = await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(1_900_000_000).sign(secret);
    expect(tokenExpiresAt(viewer(token))).toBe(1_900_000_000_000);
  });

  it('is undefined without a token, without exp, or for something that is not a compact JWS', async () => {
    const noExp = await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    const stringExp = `e30.${Buffer.from(JSON.stringify({ exp: '1900000000' })).toString('base64url')}.sig`;
    const arrayPayload = `e30.${Buffer.from('[1]').toString('base64url')}.sig`;
    for (const token of [undefined, '', noExp, 'opaque-token', 'a.b', 'a.%%%.c', 'a.bm90LWpzb24.c', stringExp, arrayPayload, 'a.b.c.d.e']) {
      expect(tokenExpiresAt(viewer(token))).toBeUndefined();
    }
  });
});

describe('onTokenExpiry', () => {
  it('re-arms a wait longer than one timer instead of firing early', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const fired: number[] = [];
      onTokenExpiry(3 * LONGEST_TIMER_MS + 5, () => fired.push(Date.now()));
      vi.advanceTimersByTime(3 * LONGEST_TIMER_MS);
      expect(fired).toEqual([]);
      vi.advanceTimersByTime(5);
      expect(fired).toEqual([3 * LONGEST_TIMER_MS + 5]);
    } finally {
      vi.useRealTimers();
    }
  });
});
