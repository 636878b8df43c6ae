/**
 * Test tokens and a JWKS served from a real loopback HTTP server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

export const ISSUER = 'https://auth.test/';
export const AUDIENCE = 'chat-gateway';
export const SECRET = 'test-jwt-secret-0123456789abcdef';

export interface TokenOptions {
  sub?: string | null;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for an expired token; null for none. */
  expiresIn?: number | null;
  notBefore?: number;
  claims?: JWTPayload;
}

/** Signs a token with HS256 and `secret` (default: the test secret). */
export function hsToken(options: TokenOptions = {}, secret: string | Uint8Array = SECRET): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return build(options).setProtectedHeader({ alg: 'HS256' }).sign(key);
}

/** Signs a token with an asymmetric key and `kid`. */
export function signedToken(key: CryptoKey, alg: string, kid: string, options: TokenOptions = {}): Promise<string> {
  return build(options).setProtectedHeader({ alg, kid }).sign(key);
}

function build(options: TokenOptions): SignJWT {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...options.claims }).setIssuedAt(now);
  if (options.sub !== null) jwt.setSubject(options.sub ?? 'demo-user');
  jwt.setIssuer(options.issuer ?? ISSUER).setAudience(options.audience ?? AUDIENCE);
  if (options.expiresIn !== null) jwt.setExpirationTime(now + (options.expiresIn ?? 300));
  if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
  return jwt;
}

/** An unsigned `alg: none` token with the given claims. */
export function noneToken(claims: JWTPayload): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** Default valid claims for hand-built tokens. */
export function validClaims(extra: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { sub: 'demo-user', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...extra };
}

export interface KeyEntry {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Generates a key pair for `alg` with `kid`. */
export async function newKey(alg: 'RS256' | 'ES256', kid: string): Promise<KeyEntry> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export interface JwksServer {
  url: string;
  /** Keys currently published. */
  keys: KeyEntry[];
  /** GETs served so far. */
  hits: number;
  /** When set, every request answers this status instead of the key set. */
  failWith: number | null;
  close(): Promise<void>;
}

/** Serves `{ keys }` at `/jwks.json` on 127.0.0.1. */
export async function startJwksServer(keys: KeyEntry[]): Promise<JwksServer> {
  const state: JwksServer = { url: '', keys, hits: 0, failWith: null, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    state.hits += 1;
    if (state.failWith !== null || request.url !== '/jwks.json') {
      response.writeHead(state.failWith ?? 404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: state.keys.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/jwks.json`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
