import { CloseCode } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { LiveCloseCode } from '../../src/server/ws.js';

describe('LiveCloseCode', () => {
  it("uses graphql-ws's own codes for an expired token and refused credentials", () => {
    expect(LiveCloseCode.TokenExpired).toBe(CloseCode.Unauthorized);
    expect(LiveCloseCode.Forbidden).toBe(CloseCode.Forbidden);
  });
});
