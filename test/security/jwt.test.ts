/**
 * jwt mode over HTTP: refused tokens answer 401 with a `WWW-Authenticate: Bearer` challenge and
 * no data; `x-chat-*` headers count for nothing; keys may come from a JWKS on a loopback server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
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
} from '../auth/tokens.js';
import { codes, post } from './helpers.js';

const DATA_QUERY = `{ viewer { externalId roles } conversations(first: 5) { edges { node { id title } } } }`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('jwt mode with a shared secret', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      configure: (config) => ({ ...config, auth: { mode: 'jwt', jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } } }),
    });
  });
  afterAll(() => gateway.close());

  it('runs a valid token as its sub with its roles', async () => {
    const response = await post(gateway.yoga, DATA_QUERY, {}, bearer(await hsToken({ claims: { roles: ['agent'] } })));
    expect(response.status).toBe(200);
    expect(response.body.data.viewer).toEqual({ externalId: 'demo-user', roles: ['agent'] });
    expect(response.body.data.conversations.edges.length).toBeGreaterThan(0);
  });

  it.each([
    ['expired', () => hsToken({ expiresIn: -3600 })],
    ['not yet valid', () => hsToken({ notBefore: 3600 })],
    ['for another audience', () => hsToken({ audience: 'billing' })],
    ['from another issuer', () => hsToken({ issuer: 'https://evil.test/' })],
    ['signed with another secret', () => hsToken({}, 'some-other-secret-0123456789abcd')],
    ['unsigned (alg: none)', async () => noneToken(validClaims({ roles: ['agent'] }))],
    ['tampered (sub switched)', async () => {
      const [header, , signature] = (await hsToken()).split('.');
      return `${header}.${Buffer.from(JSON.stringify(validClaims({ sub: 'alice' }))).toString('base64url')}.${signature}`;
    }],
    ['RS256 where only HS256 is accepted', async () => {
      const key = await newKey('RS256', 'k');
      return signedToken(key.privateKey, 'RS256', 'k');
    }],
    ['garbage', async () => 'e30.e30.e30'],
  ])('refuses a token %s: 401, WWW-Authenticate, no data', async (_name, make) => {
    const response = await post(gateway.yoga, DATA_QUERY, {}, { ...bearer(await make()), 'x-chat-user': 'demo-user' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(response.body.data).toBeUndefined();
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('ignores x-chat-user: without a token the request has no viewer', async () => {
    const response = await post(gateway.yoga, DATA_QUERY, {}, { 'x-chat-user': 'demo-user', 'x-chat-roles': 'agent' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    // The hint names what this mode reads, never the header it ignores.
    expect(response.body.errors[0].message).toBe('a viewer is required: send Authorization: Bearer <token>');
  });

  it('says a token without exp lacks the claim, not that it failed the check', async () => {
    const response = await post(gateway.yoga, DATA_QUERY, {}, bearer(await hsToken({ expiresIn: null })));
    expect(response.status).toBe(401);
    expect(response.body.errors[0].message).toBe('the bearer token has no "exp" claim (it is required)');
  });

  it('ignores x-chat-roles next to a valid token', async () => {
    const response = await post(gateway.yoga, `{ viewer { roles } }`, {}, { ...bearer(await hsToken()), 'x-chat-roles': 'agent' });
    expect(response.body.data.viewer.roles).toEqual([]);
  });

  it('still answers introspection and __typename without a token, but not with a bad one', async () => {
    expect((await post(gateway.yoga, `{ __typename }`)).body).toEqual({ data: { __typename: 'Query' } });
    expect((await post(gateway.yoga, `{ __typename }`, {}, bearer('bad'))).status).toBe(401);
  });
});

describe('jwt mode with a JWKS served over loopback HTTP', () => {
  let gateway: TestGateway;
  let jwks: JwksServer;
  let rsa: KeyEntry;
  let ec: KeyEntry;
  beforeAll(async () => {
    rsa = await newKey('RS256', 'rsa-1');
    ec = await newKey('ES256', 'ec-1');
    jwks = await startJwksServer([rsa, ec]);
    gateway = await startTestGateway({
      configure: (config) => ({ ...config, auth: { mode: 'jwt', jwt: { jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE } } }),
    });
  });
  afterAll(async () => {
    await gateway.close();
    await jwks.close();
  });

  it('accepts RS256 and ES256 tokens signed by published keys', async () => {
    for (const [key, alg] of [[rsa, 'RS256'], [ec, 'ES256']] as const) {
      const response = await post(gateway.yoga, `{ viewer { externalId } }`, {}, bearer(await signedToken(key.privateKey, alg, key.kid)));
      expect(response.body).toEqual({ data: { viewer: { externalId: 'demo-user' } } });
    }
  });

  it('refuses HS/RS confusion: HS256 keyed with the published public key', async () => {
    const forged = await hsToken({ claims: { roles: ['agent'] } }, new TextEncoder().encode(JSON.stringify(rsa.publicJwk)));
    const response = await post(gateway.yoga, DATA_QUERY, {}, bearer(forged));
    expect(response.status).toBe(401);
    expect(response.body.data).toBeUndefined();
  });

  it('refuses an expired token and one for another audience', async () => {
    for (const options of [{ expiresIn: -3600 }, { audience: 'billing' }]) {
      const response = await post(gateway.yoga, DATA_QUERY, {}, bearer(await signedToken(rsa.privateKey, 'RS256', 'rsa-1', options)));
      expect(response.status).toBe(401);
      expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('answers 503 UPSTREAM_UNAVAILABLE, not 401, while the key server is down', async () => {
    const down = await startJwksServer([rsa]);
    down.failWith = 500;
    const broken = await startTestGateway({
      configure: (config) => ({ ...config, auth: { mode: 'jwt', jwt: { jwksUrl: down.url, issuer: ISSUER, audience: AUDIENCE } } }),
    });
    try {
      const response = await post(broken.yoga, DATA_QUERY, {}, bearer(await signedToken(rsa.privateKey, 'RS256', 'rsa-1')));
      expect(response.status).toBe(503);
      expect(codes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(response.body.data).toBeUndefined();
    } finally {
      await broken.close();
      await down.close();
    }
  });
});
