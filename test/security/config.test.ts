/**
 * The security-related config keys: defaults, and mistakes refused at start with the field named.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { validateConfig } from '../../src/gateway/load-config.js';

const source = { id: 'legacy', kind: 'rest', baseUrl: 'http://127.0.0.1:9/v1', token: 't' };
const auth = { mode: 'jwt', jwt: { secret: 'a-long-enough-hs256-secret' } };

describe('security config', () => {
  it('has safe defaults: limits, no CORS, REST access by owner, no persisted-only mode', async () => {
    const config = await validateConfig({ auth, sources: [source] });
    expect(config.server.limits).toEqual({
      maxDepth: 12,
      maxAliases: 30,
      maxTokens: 2000,
      maxCost: 500_000,
      maxDirectives: 50,
      maxUpstreamCallsPerRequest: 200,
      maxBodyBytes: 1024 * 1024,
      maxUploadBytes: 15 * 1024 * 1024,
      maxUploadFiles: 5,
      uploadMediaTypes: ['*/*'],
      maxSubscriptionsPerViewer: 20,
      subscriberBufferEvents: 100,
      maxStalledWriteMs: 30_000,
      maxConnectionBufferBytes: 16 * 1024 * 1024,
    });
    expect(config.server.corsOrigins).toEqual([]);
    expect(config.server.persistedOperationsOnly).toBe(false);
    expect(config.sources[0]).toMatchObject({ access: 'owner', ownerFrom: 'id', ownerScanLimit: 1000 });
  });

  it('keeps the defaults of limits not given', async () => {
    const config = await validateConfig({ auth, server: { limits: { maxDepth: 8 } }, sources: [source] });
    expect(config.server.limits).toMatchObject({ maxDepth: 8, maxAliases: 30 });
  });

  it.each([
    [{ server: { persistedOperationsOnly: true } }, 'server.persistedOperationsOnly: needs server.persistedOperations'],
    [{ server: { limits: { maxDepht: 3 } } }, 'server.limits'],
    [{ server: { limits: { maxBodyBytes: 10 } } }, 'server.limits.maxBodyBytes'],
    [{ server: { corsOrigins: ['javascript:alert(1)'] } }, 'server.corsOrigins.0'],
    [{ auth: { mode: 'jwt', jwt: { secret: 'short' } } }, 'auth.jwt.secret'],
    [{ auth: { mode: 'jwt', jwt: { issuer: 'x' } } }, 'set exactly one of secret or jwksUrl'],
    [{ sources: [{ ...source, access: 'everyone' }] }, 'sources.0.access'],
    [{ sources: [{ kind: 'dify', id: 'a', baseUrl: 'http://h/v1', apiKey: 'k', userFrom: 'name' }] }, 'sources.0.userFrom'],
    [{ sources: [{ kind: 'chatwoot', id: 'c', baseUrl: 'http://h', accountId: 1, apiAccessToken: 'k', contactMatch: 'phone' }] }, 'sources.0.contactMatch'],
  ])('refuses %j naming the field', async (raw, field) => {
    const error = await validateConfig({ auth, sources: [source], ...raw }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(field);
  });

  it('never prints the value of a refused secret', async () => {
    const error = (await validateConfig({ sources: [source], auth: { mode: 'jwt', jwt: { secret: 'tiny-secret' } } }).catch(
      (caught: unknown) => caught,
    )) as Error;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).not.toContain('tiny-secret');
  });
});
