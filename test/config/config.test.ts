import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, interpolateEnv } from '../../src/config/config.js';
import { loadConfigFile, validateConfig } from '../../src/gateway/load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'chat-gateway-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SECRET = 'sk-very-secret-value-123456';

const goodYaml = `
server: { port: 4100 }
auth: { mode: header, header: { trustedProxies: [10.0.0.0/8] } }
sources:
  - id: assistant
    kind: dify
    baseUrl: https://api.dify.ai/v1
    apiKey: \${DIFY_API_KEY}
  - id: support
    kind: chatwoot
    baseUrl: https://app.chatwoot.com
    accountId: 1
    apiAccessToken: \${CHATWOOT_TOKEN}
  - id: legacy
    kind: rest
    baseUrl: https://api.example-ai.com/v1
    token: \${LEGACY_TOKEN}
    timeoutMs: 5000
    retries: 1
`;
const env = { DIFY_API_KEY: SECRET, CHATWOOT_TOKEN: 'cw-token', LEGACY_TOKEN: 'legacy-token' };

describe('config', () => {
  it('loads YAML with ${ENV} interpolation and defaults', async () => {
    const config = await loadConfigFile(file('good.yaml', goodYaml), env);
    expect(config.server.port).toBe(4100);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.sources.map((source) => source.id)).toEqual(['assistant', 'support', 'legacy']);
    expect(config.sources[0]).toMatchObject({ kind: 'dify', apiKey: SECRET, timeoutMs: 10_000, retries: 2 });
    expect(config.sources[2]).toMatchObject({ timeoutMs: 5000, retries: 1 });
  });

  it('loads the same config from JSON', async () => {
    const json = JSON.stringify({
      server: { host: '127.0.0.1' },
      auth: { mode: 'header' },
      sources: [{ id: 'assistant', kind: 'dify', baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'k' }],
    });
    const config = await loadConfigFile(file('good.json', json), {});
    expect(config.auth).toEqual({ mode: 'header' });
    expect(config.sources).toHaveLength(1);
  });

  it('names the path of a missing environment variable', async () => {
    const rejection = loadConfigFile(file('missing-env.yaml', goodYaml), { DIFY_API_KEY: SECRET, CHATWOOT_TOKEN: 'x' });
    await expect(rejection).rejects.toThrow(ConfigError);
    await expect(rejection).rejects.toThrow('sources.2.token: environment variable LEGACY_TOKEN is not set (source "legacy")');
  });

  it('rejects an unknown kind and lists the known ones', async () => {
    await expect(
      validateConfig({ sources: [{ id: 'x', kind: 'intercom', baseUrl: 'https://example.com' }] }),
    ).rejects.toThrow(/sources\.0\.kind: unknown kind "intercom" \(expected one of: .*chatwoot.*dify.*rest.*\) \(source "x"\)/);
  });

  it('names every bad field and never prints a value', async () => {
    const bad = {
      server: { port: 70000 },
      sources: [
        { id: 'Bad_Id', kind: 'dify', baseUrl: 'not a url', apiKey: SECRET, extra: SECRET },
        { id: 'ok', kind: 'chatwoot', baseUrl: 'https://x.example', apiAccessToken: SECRET },
      ],
    };
    const error = await validateConfig(bad).catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('server.port');
    expect(message).toContain('sources.0.id');
    expect(message).toContain('sources.0.baseUrl');
    expect(message).toMatch(/sources\.0.*extra/);
    expect(message).toContain('sources.1.accountId');
    expect(message).not.toContain(SECRET);
  });

  it('rejects duplicate source ids', async () => {
    const source = { id: 'same', kind: 'dify', baseUrl: 'https://x.example/v1', apiKey: 'k' };
    await expect(validateConfig({ auth: { mode: 'header' }, server: { host: '::1' }, sources: [source, source] })).rejects.toThrow(
      'sources.1.id: duplicate source id "same" (source "same")',
    );
  });

  it('reports an unreadable file and unparsable YAML without the file content', async () => {
    await expect(loadConfigFile(join(dir, 'nope.yaml'), {})).rejects.toThrow(/cannot read config file .*ENOENT/);
    const broken = file('broken.yaml', `sources: [\n  apiKey: "${SECRET}`);
    const error = await loadConfigFile(broken, {}).catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/cannot parse/);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('interpolates inside nested strings and leaves other values alone', () => {
    expect(interpolateEnv({ a: ['x-${A}-y', 3, true], b: { c: '${B}' } }, { A: '1', B: '2' })).toEqual({
      a: ['x-1-y', 3, true],
      b: { c: '2' },
    });
  });
});

/** The error a promise rejects with (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error as Error,
  );
}

describe('config from the environment', () => {
  const base = (extra: string) => `
server:
  host: 127.0.0.1
  port: \${GW_PORT}
  graphiql: "\${GRAPHIQL:-false}"
auth: { mode: header }
sources:
  - id: assistant
    kind: dify
    baseUrl: \${DIFY_URL:-https://api.dify.ai/v1}
    apiKey: \${DIFY_API_KEY}
  - id: support
    kind: chatwoot
    baseUrl: https://app.chatwoot.com
    accountId: \${CW_ACCOUNT}
    apiAccessToken: \${CHATWOOT_TOKEN}
${extra}`;

  it('coerces whole-value placeholders to the field type and keeps secrets strings', async () => {
    const config = await loadConfigFile(file('coerce.yaml', base('')), {
      GW_PORT: '4100',
      CW_ACCOUNT: '7',
      DIFY_API_KEY: '123456',
      CHATWOOT_TOKEN: 'cw',
    });
    expect(config.server.port).toBe(4100);
    expect(config.server.graphiql).toBe(false);
    expect(config.sources[1]).toMatchObject({ accountId: 7 });
    // All digits, but the field is a string: left alone.
    expect(config.sources[0]).toMatchObject({ apiKey: '123456', baseUrl: 'https://api.dify.ai/v1' });
  });

  it('takes ${VAR:-default} when VAR is unset or empty, the value otherwise, and $${ as a literal', () => {
    const raw = { a: '${A:-fallback}', b: '${B:-fallback}', c: '${C:-}', d: 'price $${X}' };
    expect(interpolateEnv(raw, { A: 'set', B: '' })).toEqual({ a: 'set', b: 'fallback', c: '', d: 'price ${X}' });
  });

  it('names the variable, not its value, when it cannot be read as the field type', async () => {
    const error = await rejectionOf(loadConfigFile(file('not-a-number.yaml', base('')), {
      GW_PORT: 'eighty-eighty',
      CW_ACCOUNT: '7',
      DIFY_API_KEY: 'k',
      CHATWOOT_TOKEN: 'cw',
    }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('server.port: expected number, but ${GW_PORT} is not one');
    expect(error.message).not.toContain('eighty-eighty');
  });

  it('reports every problem at once, naming sources by id, with "did you mean" for misspelt keys', async () => {
    const text = `${base('    retrys: 3')}
  - id: legacy
    kind: rest
    baseURL: https://api.example-ai.com/v1
    token: \${LEGACY_TOKEN}
sorces: []
`;
    const error = await rejectionOf(loadConfigFile(file('many.yaml', text), { GW_PORT: '4100', CHATWOOT_TOKEN: SECRET }));
    expect(error).toBeInstanceOf(ConfigError);
    const lines = error.message.split('\n').map((line) => line.trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        'sources.0.apiKey: environment variable DIFY_API_KEY is not set (source "assistant")',
        'sources.1.accountId: environment variable CW_ACCOUNT is not set (source "support")',
        'sources.2.token: environment variable LEGACY_TOKEN is not set (source "legacy")',
        'sources.1.retrys: unknown key (did you mean "retries"?) (source "support")',
        'sources.2.baseURL: unknown key (did you mean "baseUrl"?) (source "legacy")',
        'sources.2.baseUrl: required (string) (source "legacy")',
        'sorces: unknown key (did you mean "sources"?)',
      ]),
    );
    expect(error.message).not.toContain(SECRET);
  });

  it('accepts corsOrigins as "*" or a comma-separated string', async () => {
    const source = { id: 'a', kind: 'dify', baseUrl: 'https://x.example/v1', apiKey: 'k' };
    expect((await validateConfig({ server: { host: '127.0.0.1', corsOrigins: '*' }, auth: { mode: 'header' }, sources: [source] })).server.corsOrigins).toEqual(['*']);
    const two = await validateConfig({
      server: { host: '127.0.0.1', corsOrigins: 'https://a.example, https://b.example' },
      auth: { mode: 'header' },
      sources: [source],
    });
    expect(two.server.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });
});

describe('config messages for empty and unset variables', () => {
  const example = fileURLToPath(new URL('../../gateway.example.yaml', import.meta.url));
  const filled = { DIFY_API_KEY: SECRET, CHATWOOT_API_TOKEN: SECRET, LEGACY_API_TOKEN: SECRET, JWT_SECRET: 'j'.repeat(32), CURSOR_SECRET: 'c'.repeat(32) };
  const linesOf = async (env: Record<string, string>) =>
    (await rejectionOf(loadConfigFile(example, env))).message.split('\n').map((line) => line.trim()).filter((line) => line !== 'invalid config:');

  it('names the variable and the key when a variable is empty (what compose passes for ${VAR:-})', async () => {
    expect(await linesOf({ ...filled, DIFY_API_KEY: '' })).toEqual([
      'sources.0.apiKey: environment variable DIFY_API_KEY is empty (source "assistant")',
    ]);
    expect(await linesOf({ ...filled, JWT_SECRET: '' })).toEqual([
      'auth.jwt.secret: environment variable JWT_SECRET is empty (needs at least 16 characters)',
    ]);
  });

  it('names the variable when its value is too short, without printing the value', async () => {
    const lines = await linesOf({ ...filled, CURSOR_SECRET: 'short-secret' });
    expect(lines).toEqual(['server.cursorSecret: environment variable CURSOR_SECRET is too short (needs at least 16 characters)']);
    expect(lines.join('\n')).not.toContain('short-secret');
  });

  it('gives one line for an unset JWT_SECRET', async () => {
    const { JWT_SECRET: _unset, ...env } = filled;
    expect(await linesOf(env)).toEqual(['auth.jwt.secret: environment variable JWT_SECRET is not set']);
  });
});
