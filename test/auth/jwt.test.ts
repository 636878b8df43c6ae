import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createViewerResolver, type ViewerResolver } from '../../src/auth/viewer.js';
import { isGatewayError } from '../../src/core/errors.js';
import {
  AUDIENCE,
  hsToken,
  ISSUER,
  newKey,
  noneToken,
  SECRET,
  signedToken,
  startJwksServer,
  validClaims,
  type JwksServer,
  type KeyEntry,
} from './tokens.js';

const jwtAuth = (jwt: Record<string, unknown>) =>
  ({ mode: 'jwt', jwt: { rolesClaim: 'roles', clockToleranceSeconds: 30, issuer: ISSUER, audience: AUDIENCE, ...jwt } }) as const;

function request(headers: Record<string, string>): Request {
  return new Request('http://gateway.test/graphql', { headers });
}

const bearer = (token: string) => request({ authorization: `Bearer ${token}` });

/** The code and message a resolver rejects with. */
async function refusal(resolve: ViewerResolver, req: Request): Promise<{ code: string; message: string }> {
  try {
    await resolve(req);
  } catch (error) {
    if (isGatewayError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('jwt mode with a shared secret (HS256)', () => {
  const resolve = createViewerResolver({ auth: jwtAuth({ secret: SECRET }) as never });

  it('maps sub, roles, email and keeps the raw token', async () => {
    const token = await hsToken({ claims: { roles: ['Agent', 'auditor'], email: 'Ann@Example.com' } });
    expect(await resolve(bearer(token))).toEqual({ id: 'demo-user', roles: ['agent', 'auditor'], email: 'Ann@Example.com', token });
  });

  it('reads space-separated roles, namespaced claim names and dotted paths', async () => {
    const spaced = createViewerResolver({ auth: jwtAuth({ secret: SECRET, rolesClaim: 'scope' }) as never });
    expect((await spaced(bearer(await hsToken({ claims: { scope: 'agent  read' } }))))?.roles).toEqual(['agent', 'read']);
    const namespaced = createViewerResolver({ auth: jwtAuth({ secret: SECRET, rolesClaim: 'https://example.com/roles' }) as never });
    const token = await hsToken({ claims: { 'https://example.com/roles': ['agent'] } });
    expect((await namespaced(bearer(token)))?.roles).toEqual(['agent']);
    const nested = createViewerResolver({ auth: jwtAuth({ secret: SECRET, rolesClaim: 'realm_access.roles' }) as never });
    expect((await nested(bearer(await hsToken({ claims: { realm_access: { roles: ['agent'] } } }))))?.roles).toEqual(['agent']);
  });

  it('drops an email the issuer marks unverified', async () => {
    const viewer = await resolve(bearer(await hsToken({ claims: { email: 'x@example.com', email_verified: false } })));
    expect(viewer?.email).toBeUndefined();
  });

  it('ignores x-chat-* headers: no token means no viewer', async () => {
    expect(await resolve(request({ 'x-chat-user': 'alice', 'x-chat-roles': 'agent' }))).toBeNull();
    const token = await hsToken();
    const viewer = await resolve(request({ authorization: `Bearer ${token}`, 'x-chat-user': 'alice', 'x-chat-roles': 'agent' }));
    expect(viewer).toMatchObject({ id: 'demo-user', roles: [] });
  });

  it('accepts a token expired within the clock tolerance, refuses one beyond it', async () => {
    expect(await resolve(bearer(await hsToken({ expiresIn: -10 })))).toMatchObject({ id: 'demo-user' });
    expect(await refusal(resolve, bearer(await hsToken({ expiresIn: -120 })))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'the bearer token has expired',
    });
  });

  it.each([
    ['a token that is not yet valid', () => hsToken({ notBefore: 600 }), /"nbf"/],
    ['a wrong audience', () => hsToken({ audience: 'another-app' }), /"aud"/],
    ['a wrong issuer', () => hsToken({ issuer: 'https://evil.test/' }), /"iss"/],
    ['a token without exp', () => hsToken({ expiresIn: null }), /"exp"/],
    ['a token without sub', () => hsToken({ sub: null }), /"sub"/],
    ['a blank sub', () => hsToken({ sub: '   ' }), /sub must be/],
    ['a sub over 256 characters', () => hsToken({ sub: 'x'.repeat(257) }), /sub must be/],
    ['another secret', () => hsToken({}, 'another-secret-0123456789abcdef'), /invalid bearer token/],
    ['alg: none', async () => noneToken(validClaims()), /algorithm|invalid/],
    ['garbage', async () => 'not.a.jwt', /invalid bearer token/],
    ['a token over 8 KB', async () => 'a'.repeat(9000), /malformed/],
  ])('refuses %s as UNAUTHENTICATED', async (_name, make, message) => {
    const result = await refusal(resolve, bearer(await make()));
    expect(result.code).toBe('UNAUTHENTICATED');
    expect(result.message).toMatch(message);
  });

  it('refuses a tampered payload (sub switched after signing)', async () => {
    const [header, , signature] = (await hsToken()).split('.');
    const forged = Buffer.from(JSON.stringify(validClaims({ sub: 'alice' }))).toString('base64url');
    expect((await refusal(resolve, bearer(`${header}.${forged}.${signature}`))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses an RS256 token: a secret accepts HS256 only', async () => {
    const key = await newKey('RS256', 'k1');
    const result = await refusal(resolve, bearer(await signedToken(key.privateKey, 'RS256', 'k1')));
    expect(result).toEqual({ code: 'UNAUTHENTICATED', message: 'the bearer token uses an algorithm that is not accepted' });
  });

  it.each(['Basic ZGVtbzpkZW1v', 'Bearer', 'Bearer a b', 'Token abc'])('refuses the Authorization header %j', async (value) => {
    expect((await refusal(resolve, request({ authorization: value }))).code).toBe('UNAUTHENTICATED');
  });
});

describe('jwt mode with a JWKS URL', () => {
  let jwks: JwksServer;
  let rsa: KeyEntry;
  let ec: KeyEntry;
  let resolve: ViewerResolver;

  beforeAll(async () => {
    rsa = await newKey('RS256', 'rsa-1');
    ec = await newKey('ES256', 'ec-1');
    jwks = await startJwksServer([rsa, ec]);
    resolve = createViewerResolver({ auth: jwtAuth({ jwksUrl: jwks.url }) as never });
  });
  afterAll(() => jwks.close());

  it('verifies RS256 and ES256 tokens against the published keys, fetching the set once', async () => {
    const hitsBefore = jwks.hits;
    expect(await resolve(bearer(await signedToken(rsa.privateKey, 'RS256', 'rsa-1')))).toMatchObject({ id: 'demo-user' });
    expect(await resolve(bearer(await signedToken(ec.privateKey, 'ES256', 'ec-1')))).toMatchObject({ id: 'demo-user' });
    expect(jwks.hits - hitsBefore).toBeLessThanOrEqual(1);
  });

  it('picks up a rotated key by re-fetching the set for an unknown kid', async () => {
    const rotated = await newKey('RS256', 'rsa-2');
    jwks.keys = [rotated];
    // A fresh resolver: the cooldown between re-fetches is per key set.
    const fresh = createViewerResolver({ auth: jwtAuth({ jwksUrl: jwks.url }) as never });
    await fresh(bearer(await signedToken(rsa.privateKey, 'RS256', 'rsa-1'))).catch(() => undefined);
    expect(await fresh(bearer(await signedToken(rotated.privateKey, 'RS256', 'rsa-2')))).toMatchObject({ id: 'demo-user' });
    jwks.keys = [rsa, ec];
  });

  it('refuses HS/RS confusion: an HS256 token keyed with the public key', async () => {
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(rsa.publicJwk));
    const forged = await hsToken({}, publicKeyBytes);
    expect(await refusal(resolve, bearer(forged))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'the bearer token uses an algorithm that is not accepted',
    });
    const withKid = noneToken(validClaims());
    expect((await refusal(resolve, bearer(withKid))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed by a key that is not published', async () => {
    const stranger = await newKey('RS256', 'rsa-1');
    expect((await refusal(resolve, bearer(await signedToken(stranger.privateKey, 'RS256', 'rsa-1')))).code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('answers UPSTREAM_UNAVAILABLE, not UNAUTHENTICATED, when the key set cannot be fetched', async () => {
    const down = await startJwksServer([rsa]);
    down.failWith = 503;
    const resolveDown = createViewerResolver({ auth: jwtAuth({ jwksUrl: down.url }) as never });
    const result = await refusal(resolveDown, bearer(await signedToken(rsa.privateKey, 'RS256', 'rsa-1')));
    expect(result).toEqual({ code: 'UPSTREAM_UNAVAILABLE', message: 'the token signing keys are unavailable' });
    await down.close();
  });
});
