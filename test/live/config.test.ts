/**
 * Misuse of the live-update config keys: each bad value stops the gateway with the path of the
 * field and never its value (a Redis URL may carry a password).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, redisFromUrl } from '../../src/config/config.js';
import { validateConfig } from '../../src/gateway/load-config.js';

const auth = { mode: 'header' } as const;
const server = { host: '127.0.0.1' };
const chatwoot = { id: 'support', kind: 'chatwoot', baseUrl: 'http://127.0.0.1:1', accountId: 1, apiAccessToken: 'token' };

async function problem(raw: unknown): Promise<string> {
  try {
    await validateConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('config was accepted');
}

describe('live config', () => {
  it('has defaults: 20 subscriptions per viewer, polls every 5 s, no Redis, no webhook', async () => {
    const config = await validateConfig({ auth, server, sources: [chatwoot] });
    expect(config.server.limits.maxSubscriptionsPerViewer).toBe(20);
    expect(config.sources[0]!.pollIntervalMs).toBe(5_000);
    expect(config.redis).toBeUndefined();
    const redis = await validateConfig({ auth, server, sources: [chatwoot], redis: { url: 'redis://127.0.0.1:6379' } });
    expect(redis.redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      keyPrefix: 'chat-gateway:',
      commandTimeoutMs: 1_000,
      pollLeaseMs: 10_000,
      pollRenewMs: 3_000,
    });
  });

  it('wants the poll lease renewed at least twice per lease time', async () => {
    const message = await problem({ auth, server, sources: [chatwoot], redis: { url: 'redis://x:1', pollLeaseMs: 1_000, pollRenewMs: 600 } });
    expect(message).toContain('redis.pollRenewMs');
    const fine = await validateConfig({ auth, server, sources: [chatwoot], redis: { url: 'redis://x:1', pollLeaseMs: 1_000, pollRenewMs: 500 } });
    expect(fine.redis).toMatchObject({ pollLeaseMs: 1_000, pollRenewMs: 500 });
  });

  it('names the bad field, never its value', async () => {
    const secretUrl = 'http://user:hunter2-password@redis.internal:6379';
    const message = await problem({ auth, server, sources: [chatwoot], redis: { url: secretUrl } });
    expect(message).toContain('redis.url');
    expect(message).not.toContain('hunter2');
    expect(await problem({ auth, server, sources: [chatwoot], redis: { url: 'redis://x:1', extra: 1 } })).toContain('redis');
    expect(await problem({ auth, sources: [chatwoot], server: { ...server, limits: { maxSubscriptionsPerViewer: 0 } } })).toContain(
      'server.limits.maxSubscriptionsPerViewer',
    );
    expect(await problem({ auth, server, sources: [{ ...chatwoot, pollIntervalMs: 1 }] })).toContain('sources.0.pollIntervalMs');
    expect(await problem({ auth, server, sources: [{ ...chatwoot, webhookToken: 'short' }] })).toContain('sources.0.webhookToken');
  });

  it('REDIS_URL must be a redis URL; the error does not print it', () => {
    expect(() => redisFromUrl('postgres://user:pw-secret@db:5432')).toThrow(ConfigError);
    try {
      redisFromUrl('postgres://user:pw-secret@db:5432');
    } catch (error) {
      expect((error as Error).message).toContain('REDIS_URL');
      expect((error as Error).message).not.toContain('pw-secret');
    }
    expect(redisFromUrl('rediss://cache.example.com:6380').url).toBe('rediss://cache.example.com:6380');
  });
});
