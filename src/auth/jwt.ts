/**
 * Bearer-token viewers (`auth.mode: jwt`). A token is verified with `jose` against either a
 * shared secret (HS256 only) or a JSON Web Key Set fetched from `jwksUrl` (RS256, PS256 or
 * ES256 only; keys cached and re-fetched when a token names an unknown `kid`). The allowed
 * algorithms are pinned per key type, so `alg: none` and HS/RS confusion (an HS256 token
 * "signed" with the public RSA key) are refused before any signature check.
 */
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config/config.js';
import { GatewayError } from '../core/errors.js';
import type { Viewer } from '../core/records.js';

/** The `auth.jwt` config block. */
export type JwtConfig = Extract<AuthConfig, { mode: 'jwt' }>['jwt'];

/** Algorithms accepted with a shared secret. */
export const SECRET_ALGORITHMS = ['HS256'];
/** Algorithms accepted with keys from a JWKS (asymmetric only). */
export const JWKS_ALGORITHMS = ['RS256', 'PS256', 'ES256'];

/** Longest token read, characters; longer ones are refused before parsing. */
const MAX_TOKEN_LENGTH = 8192;
const MAX_ID_LENGTH = 256;
const MAX_ROLES = 100;

type Jose = typeof import('jose');
let josePromise: Promise<Jose> | undefined;

/**
 * `jose`, loaded on the first token to verify: only `auth.mode: jwt` needs it, and importing it
 * costs every other gateway start-up time for nothing.
 */
function loadJose(): Promise<Jose> {
  josePromise ??= import('jose');
  return josePromise;
}

/** Verifies one bearer token and returns its viewer. */
export type JwtVerifier = (token: string) => Promise<Viewer>;

export interface JwtVerifierOptions {
  /**
   * How long fetched JWKS keys are trusted before being fetched again, ms. A token naming an
   * unknown `kid` triggers a re-fetch sooner (at most once per 30 s). @default 600000
   */
  jwksCacheMaxAgeMs?: number;
  /** Time-out of one JWKS fetch, ms. @default 5000 */
  jwksTimeoutMs?: number;
}

/**
 * Builds the verifier for an `auth.jwt` config.
 * @returns a function that resolves to the viewer (`sub` → id, roles claim → roles, `email` →
 *   email unless `email_verified` is false, the raw token → `token`)
 * @throws (from the returned function) GatewayError UNAUTHENTICATED for a token that is
 *   malformed, badly signed, of a refused algorithm, expired, not yet valid, of another issuer
 *   or audience, or without `sub`/`exp`; UPSTREAM_UNAVAILABLE when the JWKS cannot be fetched.
 */
export function createJwtVerifier(config: JwtConfig, options: JwtVerifierOptions = {}): JwtVerifier {
  let keyOf: (jose: Jose) => Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (config.secret) {
    const secret = new TextEncoder().encode(config.secret);
    keyOf = () => secret;
    algorithms = SECRET_ALGORITHMS;
  } else if (config.jwksUrl) {
    const url = new URL(config.jwksUrl);
    let keySet: JWTVerifyGetKey | undefined;
    // One key set (and so one key cache) per verifier, made once jose is loaded.
    keyOf = (jose) =>
      (keySet ??= jose.createRemoteJWKSet(url, {
        cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
        timeoutDuration: options.jwksTimeoutMs ?? 5_000,
      }));
    algorithms = JWKS_ALGORITHMS;
  } else {
    throw new Error('auth.jwt needs a secret or a jwksUrl');
  }

  return async (token) => {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalidToken('malformed bearer token');
    const checks = {
      algorithms,
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: config.clockToleranceSeconds,
      requiredClaims: ['sub', 'exp'],
    };
    const jose = await loadJose();
    const key = keyOf(jose);
    let payload: JWTPayload;
    try {
      ({ payload } = typeof key === 'function' ? await jose.jwtVerify(token, key, checks) : await jose.jwtVerify(token, key, checks));
    } catch (error) {
      throw verificationError(jose.errors, error, typeof key === 'function');
    }
    return viewerFromClaims(payload, config.rolesClaim, token);
  };
}

/**
 * Maps verified claims to a viewer.
 * @throws GatewayError UNAUTHENTICATED when `sub` is not a 1–256 character string
 */
export function viewerFromClaims(payload: JWTPayload, rolesClaim: string, token: string): Viewer {
  const id = typeof payload.sub === 'string' ? payload.sub.trim() : '';
  if (id.length === 0 || id.length > MAX_ID_LENGTH) throw invalidToken(`the token's sub must be 1–${MAX_ID_LENGTH} characters`);
  const email = typeof payload.email === 'string' && payload.email_verified !== false ? payload.email.trim() : '';
  return { id, roles: rolesOf(claimAt(payload, rolesClaim)), ...(email ? { email } : {}), token };
}

/**
 * Reads a claim by its exact name first (Auth0-style names such as `https://example.com/roles`
 * contain dots), then as a dotted path (`realm_access.roles` in Keycloak tokens).
 */
function claimAt(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** An array of strings or a space/comma-separated string → lower-case role names. */
function rolesOf(value: unknown): string[] {
  const names = Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : typeof value === 'string'
      ? value.split(/[,\s]+/)
      : [];
  const roles = names.map((role) => role.trim().toLowerCase()).filter((role) => role.length > 0 && role.length <= 100);
  return [...new Set(roles)].slice(0, MAX_ROLES);
}

/**
 * `jose` failures → coded errors. Messages name the rule broken, never the token or key.
 * @param errors jose's error classes
 * @param remote keys come from a JWKS URL (only then can a failure be the key server's fault)
 */
function verificationError(errors: Jose['errors'], error: unknown, remote: boolean): GatewayError {
  if (error instanceof errors.JWTExpired) return invalidToken('the bearer token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    // A required claim that is absent is not a failed check of its value.
    if (error.reason === 'missing') return invalidToken(`the bearer token has no "${error.claim}" claim (it is required)`);
    return invalidToken(`the bearer token failed its "${error.claim}" check`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return invalidToken('the bearer token uses an algorithm that is not accepted');
  if (
    remote &&
    (error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      !(error instanceof errors.JOSEError) ||
      error.code === errors.JOSEError.code)
  ) {
    // The key set could not be fetched or read: the issuer's problem, not the client's.
    return new GatewayError('UPSTREAM_UNAVAILABLE', 'the token signing keys are unavailable', { cause: error });
  }
  return invalidToken('invalid bearer token');
}

/**
 * A refused bearer token: UNAUTHENTICATED, answered with HTTP 401 and
 * `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750; see `maskGatewayError`).
 */
export class InvalidTokenError extends GatewayError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message);
    this.name = 'InvalidTokenError';
  }
}

function invalidToken(message: string): InvalidTokenError {
  return new InvalidTokenError(message);
}
