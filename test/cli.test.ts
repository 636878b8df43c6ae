import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../src/cli.js';
import { startDemoBackends } from '../src/demo/demo.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'chat-gateway.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('parseCli', () => {
  it('applies --port > PORT and --config > CHAT_GATEWAY_CONFIG', () => {
    expect(parseCli(['--port', '5000', '--config', 'a.yaml'], { PORT: '6000', CHAT_GATEWAY_CONFIG: 'b.yaml' })).toEqual({
      port: 5000,
      configFile: 'a.yaml',
      help: false,
      version: false,
    });
    expect(parseCli([], { PORT: '6000', CHAT_GATEWAY_CONFIG: 'b.yaml' })).toEqual({ port: 6000, configFile: 'b.yaml', help: false, version: false });
    expect(parseCli([], {})).toEqual({ port: undefined, configFile: undefined, help: false, version: false });
  });

  it('takes short flags', () => {
    expect(parseCli(['-c', 'a.yaml', '-p', '5000', '-h', '-v'], {})).toEqual({
      port: 5000,
      configFile: 'a.yaml',
      help: true,
      version: true,
    });
  });

  it('rejects unknown flags and bad ports', () => {
    expect(() => parseCli(['--verbose'], {})).toThrow(UsageError);
    expect(() => parseCli(['--port', 'abc'], {})).toThrow(UsageError);
    expect(() => parseCli([], { PORT: '70000' })).toThrow(UsageError);
  });
});

describe('chat-gateway command', () => {
  it('prints usage and exits 2 on an unknown flag', async () => {
    const result = await run(['--nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: chat-gateway');
  });

  it('exits 1 naming the field for a bad config, without printing its secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-gateway-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'sources:\n  - id: a\n    kind: dify\n    baseUrl: nope\n    apiKey: super-secret-key-42\n');
    const result = await run(['--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('sources.0.baseUrl');
    expect(result.stderr + result.stdout).not.toContain('super-secret-key-42');
  });

  it('exits 1 with one line naming --port when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as { port: number };
      const result = await run(['--port', String(port)], { LOG_LEVEL: 'silent' });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `chat-gateway: failed to start: listen EADDRINUSE: address already in use 127.0.0.1:${port} (choose another with --port N or PORT=N)`,
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('exits 1 when a set config path is unreadable (never demo mode)', async () => {
    const result = await run([], { CHAT_GATEWAY_CONFIG: '/nonexistent/config.yaml' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot read config file');
  });

  it('answers --help, -h and --version', async () => {
    for (const flag of ['--help', '-h']) {
      const result = await run([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('usage: chat-gateway');
    }
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('--help lists every flag, every environment variable the gateway reads, the simulators and the example config', async () => {
    const help = (await run(['--help'])).stdout;
    for (const flag of ['--config', '-c', '--port', '-p', '--help', '-h', '--version', '-v']) expect(help).toContain(flag);
    // Every variable the source reads by name (`env.NAME`), found in the code rather than listed here.
    const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
    const read = new Set(sources.flatMap((name) => [...readFileSync(join(root, 'src', name), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((match) => match[1]!)));
    expect([...read]).toEqual(expect.arrayContaining(['CHAT_GATEWAY_CONFIG', 'PORT', 'LOG_LEVEL', 'NODE_ENV', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT']));
    for (const name of read) expect(help).toContain(name);
    expect(help).toContain('npm run simulators');
    expect(help).toContain('gateway.example.yaml');
  });

  it('reports every usage error in one style, prefixed and naming the flag or variable', async () => {
    const cases: Array<[string[], Record<string, string>, string]> = [
      [['--port', 'abc'], {}, 'chat-gateway: invalid --port: abc (expected 0-65535)'],
      [[], { PORT: '99999' }, 'chat-gateway: invalid PORT: 99999 (expected 0-65535)'],
      [['--config'], {}, 'chat-gateway: option --config needs a value'],
      [['--bogus'], {}, 'chat-gateway: unknown option --bogus'],
      [['extra'], {}, 'chat-gateway: unexpected argument extra'],
    ];
    for (const [args, env, line] of cases) {
      const result = await run(args, env);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(line);
      expect(result.stderr).toContain("chat-gateway --help");
    }
  });

  it('refuses an unknown LOG_LEVEL listing the valid ones', async () => {
    const result = await run([], { LOG_LEVEL: 'verbose', CHAT_GATEWAY_CONFIG: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('chat-gateway: LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got "verbose")');
  });

  it('refuses demo mode under NODE_ENV=production', async () => {
    const result = await run([], { NODE_ENV: 'production', CHAT_GATEWAY_CONFIG: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('demo mode');
  });

  it('serves real-shaped upstreams from a YAML config with ${ENV} secrets', async () => {
    const backends = await startDemoBackends();
    const dir = mkdtempSync(join(tmpdir(), 'chat-gateway-cli-'));
    const file = join(dir, 'gateway.yaml');
    const env: Record<string, string> = {};
    const lines = ['server: { host: 127.0.0.1 }', 'auth: { mode: header }', 'sources:'];
    for (const [id, simulator] of Object.entries(backends.simulators)) {
      lines.push(`  - id: ${id}`);
      for (const [key, value] of Object.entries(simulator.sourceConfig)) {
        if (/token|key/i.test(key)) {
          const name = `${id.toUpperCase()}_SECRET`;
          env[name] = String(value);
          lines.push(`    ${key}: \${${name}}`);
        } else {
          lines.push(`    ${key}: ${JSON.stringify(value)}`);
        }
      }
    }
    writeFileSync(file, lines.join('\n'));
    const child = spawn(process.execPath, [bin, '--config', file, '--port', '0'], {
      cwd: root,
      env: { ...process.env, ...env, PORT: '', LOG_LEVEL: 'info' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line in: ${output}`)), 15_000);
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      const answer = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user' },
        body: JSON.stringify({ query: '{ sources { name } conversations(first: 50) { edges { node { source { name } } } } }' }),
      });
      const body = await answer.json();
      expect(body.errors).toBeUndefined();
      expect(body.data.sources.map((source: { name: string }) => source.name)).toEqual(['assistant', 'support', 'legacy']);
      expect(new Set(body.data.conversations.edges.map((edge: any) => edge.node.source.name))).toEqual(
        new Set(['assistant', 'support', 'legacy']),
      );
      const anonymous = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ sources { name } }' }),
      });
      expect(anonymous.status).toBe(401);
      for (const secret of Object.values(env)) expect(output).not.toContain(secret);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await backends.close();
    }
  });

  it('starts in demo mode, serves data, health and GraphiQL offline, and drains on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0'], {
      cwd: root,
      env: { ...process.env, CHAT_GATEWAY_CONFIG: '', PORT: '', LOG_LEVEL: 'info' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner in: ${output}`)), 15_000);
      child.stdout.on('data', () => {
        const match = /GraphiQL: (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect(output).toMatch(/DEMO MODE.*SIMULATED/);
    // The banner's curl example works as printed.
    const curl = /curl -s (\S+) -H 'content-type: application\/json' \\\n\s+-d '([^']+)'/.exec(output);
    expect(curl?.[1]).toBe(`${url}/graphql`);
    const example = await fetch(curl![1]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: curl![2] });
    expect((await example.json()).data.conversations.edges).toHaveLength(3);

    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    const readyBody = await ready.json();
    expect(readyBody.status).toBe('ready');
    expect(Object.keys(readyBody.sources)).toEqual(['assistant', 'support', 'legacy']);
    expect(JSON.stringify(readyBody)).not.toMatch(/127\.0\.0\.1|http/);

    const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain('RecentConversations');
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdn\./);

    // The banner links the example inbox, served from the built dist/ as `npm start` runs it.
    expect(output).toContain(`Inbox:    ${url}/inbox`);
    const inbox = await fetch(`${url}/inbox`);
    expect(inbox.status).toBe(200);
    const inboxHtml = await inbox.text();
    const script = /src="(\/inbox\/assets\/[^"]+\.js)"/.exec(inboxHtml)?.[1];
    expect((await fetch(`${url}${script}`)).status).toBe(200);
    expect(inboxHtml).not.toMatch(/https?:\/\//);

    const answer = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { externalId } conversations(first: 30) { edges { node { source { name } } } } }' }),
    });
    const body = await answer.json();
    expect(body.data.viewer.externalId).toBe('demo-user');
    const names = new Set(body.data.conversations.edges.map((edge: any) => edge.node.source.name));
    expect(names).toEqual(new Set(['assistant', 'support', 'legacy']));

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
