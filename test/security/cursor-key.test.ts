/**
 * The cursor key never derives from public data: without `server.cursorSecret` it comes from
 * the config's credentials alone; with none to derive from, or under NODE_ENV=production, the
 * gateway refuses to start and names the key.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startGateway } from '../../src/cli.js';
import { ConfigError } from '../../src/config/config.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import { createCursorCodec } from '../../src/core/cursor.js';
import { createGateway, deriveCursorSecret } from '../../src/gateway/gateway.js';
import { createLogger } from '../../src/core/logger.js';

const logger = createLogger('silent');
const jwksAuth = { mode: 'jwt', jwt: { jwksUrl: 'https://auth.example.com/jwks.json', audience: 'chat-gateway' } };
const forwarding = { kind: 'rest', id: 'legacy', baseUrl: 'http://127.0.0.1:9/v1', access: 'forward' };

describe('cursor key', () => {
  it('refuses to start when no credential is configured to derive it from', async () => {
    const config = await validateConfig({ auth: jwksAuth, sources: [forwarding] });
    expect(deriveCursorSecret(config)).toBeUndefined();
    const error = await createGateway(config, logger).then(() => undefined, (caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/^server\.cursorSecret: required/);
    await (await createGateway(await validateConfig({ auth: jwksAuth, server: { cursorSecret: 'x'.repeat(32) }, sources: [forwarding] }), logger)).close();
  });

  it('derives from credentials only: public fields change nothing, a credential changes it', async () => {
    const base = { auth: { mode: 'header' }, server: { host: '127.0.0.1' } };
    const key = async (source: Record<string, unknown>) =>
      deriveCursorSecret(await validateConfig({ ...base, sources: [{ kind: 'dify', id: 'assistant', baseUrl: 'https://api.dify.ai/v1', apiKey: 'app-secret-1', ...source }] }))!;
    const original = await key({});
    expect(await key({ id: 'renamed', baseUrl: 'https://dify.internal/v1', timeoutMs: 5000 })).toEqual(original);
    expect(await key({ apiKey: 'app-secret-2' })).not.toEqual(original);
    // Nor is it what anyone could compute from Query.sources (the former derivation's inputs).
    const fromPublic = createHash('sha256').update('chat-gateway cursor key').update('\u0000assistant\u0000dify').digest();
    expect(original).not.toEqual(fromPublic);
  });

  it('a cursor signed with a key built from public data is refused', async () => {
    const gateway = await createGateway(
      await validateConfig({ auth: { mode: 'header' }, server: { host: '127.0.0.1' }, sources: [{ kind: 'rest', id: 'legacy', baseUrl: 'http://127.0.0.1:9/v1', token: 'rest-secret-token' }] }),
      logger,
    );
    const forged = createCursorCodec(createHash('sha256').update('chat-gateway cursor key').update('\u0000legacy\u0000rest').digest());
    const cursor = forged.encode('list', 'demo-user', { legacy: null });
    expect(() => gateway.cursors.decode('list', 'demo-user', cursor)).toThrow(/invalid cursor/);
    await gateway.close();
  });

  it('under NODE_ENV=production, refuses to start without server.cursorSecret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-gateway-cursor-'));
    const file = join(dir, 'gateway.yaml');
    const yaml = (server: string) =>
      `server: { host: 127.0.0.1${server} }\nauth: { mode: header }\nsources: [{ id: legacy, kind: rest, baseUrl: "http://127.0.0.1:9/v1", token: rest-secret-token }]\n`;
    writeFileSync(file, yaml(''));
    const env = { NODE_ENV: 'production', LOG_LEVEL: 'silent' };
    const options = { configFile: file, port: 0, help: false };
    const error = await startGateway(options, env).then(() => undefined, (caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/server\.cursorSecret: required when NODE_ENV=production/);
    writeFileSync(file, yaml(', cursorSecret: a-production-cursor-secret'));
    await (await startGateway(options, env)).stop();
  });
});

describe('REST access: forward', () => {
  it('requires jwt mode with an audience', async () => {
    for (const auth of [{ mode: 'header' }, { mode: 'jwt', jwt: { secret: 'a-long-enough-hs256-secret' } }]) {
      const error = await validateConfig({ auth, server: { host: '127.0.0.1' }, sources: [forwarding] }).then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error?.message).toContain('sources.0.access: access "forward" needs auth.mode "jwt" with auth.jwt.audience set');
    }
    await expect(validateConfig({ auth: jwksAuth, sources: [forwarding] })).resolves.toBeTruthy();
  });
});
