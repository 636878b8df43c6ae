import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, interpolateEnv } from '../../../src/config/config.js';
import { validateConfig } from '../../../src/gateway/load-config.js';

const PRESETS = join(import.meta.dirname, '../../../presets');
const auth = { mode: 'header', header: { trustedProxies: ['10.0.0.0/8'] } };

/** A preset as a user copies it: one source, `${VAR}`s filled from `env` (every variable set to a dummy). */
function presetSource(file: string): Record<string, unknown> {
  const raw = parse(readFileSync(join(PRESETS, file), 'utf8')) as unknown;
  const variables = [...readFileSync(join(PRESETS, file), 'utf8').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
  const env = Object.fromEntries(variables.map((name) => [name, name.endsWith('URL') ? 'http://127.0.0.1:1/v1' : 'dummy-secret']));
  return interpolateEnv(raw, env) as Record<string, unknown>;
}

async function problems(source: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string[]> {
  try {
    await validateConfig({ auth, sources: [source], ...extra });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split('\n').slice(1).map((line) => line.trim());
  }
}

const minimal = {
  id: 'chat',
  kind: 'http',
  baseUrl: 'http://127.0.0.1:1',
  visibility: 'shared',
  messages: {
    request: { path: '/threads/{conversation.id}/messages' },
    select: 'data',
    fields: { id: 'id', createdAt: { path: 'created_at', format: 'epoch-seconds' } },
  },
};

describe('http kind config', () => {
  const presets = readdirSync(PRESETS).filter((name) => name.endsWith('.yaml'));

  it.each(presets)('accepts the shipped preset %s', async (file) => {
    expect(await problems(presetSource(file))).toEqual([]);
  });

  it('accepts a minimal source and fills the defaults', async () => {
    const config = await validateConfig({ auth, sources: [minimal] });
    expect(config.sources[0]).toMatchObject({
      auth: { type: 'none' },
      identity: 'id',
      maxCallsPerRead: 20,
      messages: { request: { method: 'GET', query: {} }, paging: { strategy: 'none', maxPageSize: 100 } },
      errors: { status: {}, body: [] },
    });
  });

  it('reports every problem at once, naming each key and never a value', async () => {
    const lines = await problems({
      ...minimal,
      visibility: 'per-viewer',
      auth: { type: 'bearer', token: 'sk-secret-never-shown' },
      settings: { team: 'a' },
      headers: { 'x-team': '{settings.tem}' },
      messages: {
        request: { path: 'threads/{conversation.id}', query: { user: '{viewer.nme}', cursor: '{page.cursor}' } },
        select: 'data[',
        fields: { id: 'id', createdAt: { path: 'ts', format: 'slack' }, txt: 'text' },
        paging: { strategy: 'cursor', backward: { query: { limit: '{page.limit}' } } },
      },
      errors: { status: { 4040: 'NOT_FOUND' }, body: [{ when: 'ok ==' }] },
    });
    const text = lines.join('\n');
    expect(text).not.toContain('sk-secret-never-shown');
    for (const key of [
      'sources.0.messages.request.path: must start with "/"',
      'sources.0.messages.select',
      'sources.0.messages.fields.createdAt',
      'sources.0.messages.fields.txt: unknown key (did you mean "text"?)',
      'sources.0.errors.status.4040',
      'sources.0.errors.body.0.when: not a valid JMESPath expression',
    ]) {
      expect(text).toContain(key);
    }
    expect(lines.length).toBeGreaterThanOrEqual(6);
  });

  it('checks templates and paging across keys once the keys parse', async () => {
    const lines = await problems({
      ...minimal,
      visibility: 'per-viewer',
      settings: { team: 'a' },
      headers: { 'x-team': '{settings.tem}' },
      messages: {
        ...minimal.messages,
        request: { path: '/t/{conversation.id}', query: { o: '{page.offset}' } },
        paging: { strategy: 'cursor', backward: { query: { limit: '{page.limit}' } } },
      },
      conversation: { request: { path: '/t/{conversation.id}', query: { user: '{viewer.nme}' } }, fields: { id: 'id' } },
      conversations: {
        request: { path: '/t', query: { c: '{conversation.id}' } },
        select: 'data',
        fields: { id: 'id' },
        paging: { strategy: 'next-url', backward: { nextUrl: 'links.next' } },
      },
    });
    const windowed = await problems({
      ...minimal,
      conversations: { request: { path: '/t', query: { before: '{page.anchor}' } }, select: 'data', fields: { id: 'id' }, paging: { strategy: 'time-window', forward: { query: {} } } },
    });
    expect(windowed).toEqual([
      'sources.0.conversations.fields.updatedAt: required with paging strategy "time-window" (the listing is paged on it) (source "chat")',
    ]);
    const text = lines.join('\n');
    for (const expected of [
      'sources.0.headers.x-team: unknown variable {settings.tem}: no such key under settings',
      'sources.0.conversation.request.query.user: unknown variable {viewer.nme}',
      'sources.0.messages.request.query.o: {page.offset} is not available with paging strategy "cursor"',
      'sources.0.messages.paging.backward.cursor: required with paging strategy "cursor"',
      'sources.0.messages.paging.backward.query: paging strategy "cursor" needs a parameter with {page.cursor}',
      'sources.0.conversations.request.query.c: {conversation.id} is not available here',
      'sources.0.conversations.paging.backward: a conversation listing pages forward only',
      'sources.0.visibility: a per-viewer source must carry the viewer upstream',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('requires jwt with an audience to forward the viewer token', async () => {
    const lines = await problems({ ...minimal, auth: { type: 'forward' } });
    expect(lines).toEqual(['sources.0.auth: auth type "forward" needs auth.mode "jwt" with auth.jwt.audience set (source "chat")']);
  });
});
