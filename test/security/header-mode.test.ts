/**
 * Header mode is opt-in and proven: `auth.mode` must be set, header mode on a non-loopback
 * host does not start without `auth.header.proxySecret` / `trustedProxies`, and with them a
 * request that lacks the secret or comes from another peer is refused (401) over real HTTP.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProxyCheck, isLoopbackHost } from '../../src/auth/header-trust.js';
import { startGateway } from '../../src/cli.js';
import { ConfigError, validateConfig } from '../../src/config.js';
import type { RunningServer } from '../../src/server.js';

const PROXY_SECRET = 'proxy-shared-secret-0123456789';
const source = { id: 'legacy', kind: 'rest', baseUrl: 'http://127.0.0.1:9/v1', token: 't' };
const env = { LOG_LEVEL: 'silent', PROXY_SECRET };

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'chat-gateway-header-')), 'gateway.yaml');
  writeFileSync(file, `${yaml}\nsources: [{ id: legacy, kind: rest, baseUrl: "http://127.0.0.1:9/v1", token: t }]\n`);
  return file;
}

/** Starts the gateway as the CLI does, on a free port. */
async function start(yaml: string): Promise<RunningServer & { port: number }> {
  running = await startGateway({ configFile: configFile(yaml), port: 0, help: false }, env);
  return { ...running, port: Number(new URL(running.url).port) };
}

async function viewerOver(port: number, headers: Record<string, string>) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chat-user': 'mallory', 'x-chat-roles': 'agent', ...headers },
    body: JSON.stringify({ query: '{ viewer { externalId roles } }' }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('auth.mode is required', () => {
  it('refuses a config without auth, naming the key', async () => {
    const error = await validateConfig({ sources: [source] }).then(() => new Error('started'), (caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/auth: required: set auth.mode/);
  });
});

describe('header mode on a non-loopback host', () => {
  it('does not start on 0.0.0.0 without a proxy secret or trusted proxies', async () => {
    const error = await start('server: { host: 0.0.0.0 }\nauth: { mode: header }').then(() => new Error('started'), (caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('auth.header: header mode on the non-loopback server.host "0.0.0.0"');
    expect(running).toBeUndefined();
  });

  it('with a proxy secret, refuses a request lacking it (or carrying a wrong one) and serves one with it', async () => {
    const { port } = await start(
      'server: { host: 0.0.0.0 }\nauth: { mode: header, header: { proxySecret: { header: x-proxy-secret, value: "${PROXY_SECRET}" } } }',
    );
    const lacking = await viewerOver(port, {});
    expect(lacking.status).toBe(401);
    expect(lacking.body.data ?? null).toBeNull();
    expect(lacking.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(lacking.body)).not.toContain(PROXY_SECRET);
    for (const wrong of ['nope', `${PROXY_SECRET}x`, PROXY_SECRET.slice(0, -1)]) {
      expect((await viewerOver(port, { 'x-proxy-secret': wrong })).status).toBe(401);
    }
    const proxied = await viewerOver(port, { 'x-proxy-secret': PROXY_SECRET });
    expect(proxied.status).toBe(200);
    expect(proxied.body.data.viewer).toEqual({ externalId: 'mallory', roles: ['agent'] });
  });

  it('with trusted proxies, refuses a peer outside them and serves one inside', async () => {
    const outside = await start('server: { host: 0.0.0.0 }\nauth: { mode: header, header: { trustedProxies: [10.0.0.0/8, "fd00::/8"] } }');
    expect((await viewerOver(outside.port, {})).status).toBe(401);
    // The audio route resolves its viewer the same way, from the same peer.
    const audio = (port: number) => fetch(`http://127.0.0.1:${port}/audio/messages/not-an-id`, { headers: { 'x-chat-user': 'mallory' } });
    expect((await audio(outside.port)).status).toBe(401);
    await outside.stop();
    const inside = await start('server: { host: 0.0.0.0 }\nauth: { mode: header, header: { trustedProxies: [127.0.0.0/8] } }');
    const answer = await viewerOver(inside.port, {});
    expect(answer.status).toBe(200);
    expect(answer.body.data.viewer.externalId).toBe('mallory');
    expect((await audio(inside.port)).status).toBe(400);
  });

  it('starts on loopback without either, for a proxy on the same machine', async () => {
    const { port } = await start('server: { host: 127.0.0.1 }\nauth: { mode: header }');
    expect((await viewerOver(port, {})).status).toBe(200);
  });

  it('refuses a bad proxy config naming the field', async () => {
    for (const [header, field] of [
      [{ proxySecret: { header: 'x-proxy-secret', value: 'short' } }, 'auth.header.proxySecret.value'],
      [{ proxySecret: { header: 'x-chat-user', value: PROXY_SECRET } }, 'auth.header.proxySecret.header'],
      [{ trustedProxies: ['10.0.0.0/33'] }, 'auth.header.trustedProxies.0'],
      [{ trustedProxies: [] }, 'auth.header.trustedProxies'],
    ] as const) {
      const error = await validateConfig({ auth: { mode: 'header', header }, sources: [source] }).then(() => new Error('started'), (caught: unknown) => caught as Error);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toContain(field);
      expect(error.message).not.toContain(PROXY_SECRET);
    }
  });
});

describe('proxy check', () => {
  const request = (headers: Record<string, string> = {}) => new Request('http://gateway.test/graphql', { headers });

  it('tells loopback listening addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.3.2.1', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'gateway.example.com']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('matches IPv4-mapped peers against IPv4 ranges, and refuses a request without a peer', () => {
    const check = createProxyCheck({ trustedProxies: ['10.0.0.0/8', '192.0.2.7'] })!;
    expect(() => check(request(), { address: '::ffff:10.1.2.3' })).not.toThrow();
    expect(() => check(request(), { address: '192.0.2.7' })).not.toThrow();
    expect(() => check(request(), { address: '192.0.2.8' })).toThrow(/did not come through the authenticating proxy/);
    expect(() => check(request(), {})).toThrow(/did not come through/);
  });

  it('needs both proofs when both are configured', () => {
    const check = createProxyCheck({ proxySecret: { header: 'X-Proxy-Secret', value: PROXY_SECRET }, trustedProxies: ['10.0.0.0/8'] })!;
    expect(() => check(request({ 'x-proxy-secret': PROXY_SECRET }), { address: '10.0.0.2' })).not.toThrow();
    expect(() => check(request({ 'x-proxy-secret': PROXY_SECRET }), { address: '172.16.0.1' })).toThrow();
    expect(() => check(request(), { address: '10.0.0.2' })).toThrow();
  });
});
