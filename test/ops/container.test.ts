/**
 * The container image, checked without a container runtime: what the Dockerfile copies exists
 * (dist/ after `npm run build`) and is not excluded by .dockerignore, everything the built code
 * imports is a production dependency (the image installs with `--omit=dev`), its CMD started
 * with its ENV serves a mounted config, its HEALTHCHECK passes against it, and compose.yaml
 * and the example config agree with the image.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfigFile } from '../../src/gateway/load-config.js';
import { startDifySimulator } from '../../src/demo/simulators/dify/server.js';
import { root, spawnGateway, writeTempFile } from './cli-process.js';

interface Instruction {
  name: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(): Instruction[] {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  let stage = -1;
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, name, args] = /^(\S+)\s+(.*)$/.exec(line)!;
      if (name!.toUpperCase() === 'FROM') stage += 1;
      return { name: name!.toUpperCase(), args: args!.trim(), stage };
    });
}

function runtimeEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructions().filter((entry) => entry.name === 'ENV' && entry.stage === 1)) {
    for (const [, key, value] of args.matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
  }
  return env;
}

function jsonArgs(name: string): string[] {
  const found = instructions().find((entry) => entry.name === name);
  const args = found!.args.replace(/^(?:--\S+\s+)*CMD\s+/, '');
  return JSON.parse(args) as string[];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('Dockerfile', () => {
  it('builds on node:20-slim in two stages and runs as a non-root user', () => {
    const all = instructions();
    expect(all.filter((entry) => entry.name === 'FROM').map((entry) => entry.args)).toEqual(['node:20-slim AS build', 'node:20-slim']);
    expect(all.find((entry) => entry.name === 'USER' && entry.stage === 1)?.args).toBe('node');
    const runs = all.filter((entry) => entry.name === 'RUN' && entry.stage === 1).map((entry) => entry.args);
    expect(runs.some((run) => run.includes('npm ci --omit=dev --ignore-scripts'))).toBe(true);
  });

  it('copies only files that exist after `npm run build`, none of them excluded by .dockerignore', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);
    const copies = instructions().filter((entry) => entry.name === 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/);
      const from = parts.find((part) => part.startsWith('--from='));
      const sources = parts.filter((part) => !part.startsWith('--')).slice(0, -1);
      for (const source of sources) {
        // From the build stage: /app/<path> is what `node scripts/build.mjs` left in the repository.
        const path = from ? source.replace(/^\/app\//, '') : source;
        expect(existsSync(join(root, path)), `${copy.args}: ${path} is missing`).toBe(true);
        if (!from) expect(ignored, `${path} is excluded by .dockerignore`).not.toContain(path.split('/')[0]);
      }
    }
    expect(existsSync(join(root, 'dist', 'cli.js'))).toBe(true);
  });

  it('needs no dev dependency at run time: everything dist/ imports is in dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const builtins = new Set(builtinModules);
    const imported = new Set<string>();
    for (const file of filesUnder(join(root, 'dist')).filter((path) => path.endsWith('.js'))) {
      const text = readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([@a-z][^'"\s]*)['"]/g)) {
        if (specifier!.startsWith('node:') || builtins.has(specifier!)) continue;
        const parts = specifier!.split('/');
        imported.add(specifier!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    const missing = [...imported].filter((name) => !(name in pkg.dependencies));
    expect(missing).toEqual([]);
  });

  it('its CMD, with its ENV and a mounted config, starts the gateway and passes its HEALTHCHECK', async () => {
    const env = runtimeEnv();
    expect(env).toMatchObject({ NODE_ENV: 'production', PORT: '4000', CHAT_GATEWAY_CONFIG: '/etc/chat-gateway/gateway.yaml' });
    const cmd = jsonArgs('CMD');
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe('bin/chat-gateway.js');
    const nodeFlags = cmd.slice(1, -1);
    expect(nodeFlags.every((flag) => flag.startsWith('--'))).toBe(true);
    const dify = await startDifySimulator();
    // The mounted file, somewhere writable here; port 0 instead of 4000 (tests use free ports).
    const config = writeTempFile(
      'gateway.yaml',
      `server:\n  host: 127.0.0.1\n  shutdownDelayMs: 0\n  cursorSecret: \${CURSOR_SECRET}\nauth:\n  mode: jwt\n  jwt:\n    secret: \${JWT_SECRET}\nsources:\n  - id: assistant\n    kind: dify\n    baseUrl: ${dify.origin}/v1\n    apiKey: \${DIFY_API_KEY}\n`,
    );
    // spawnGateway runs `node <nodeFlags> bin/chat-gateway.js`: the CMD checked above.
    const gateway = await spawnGateway([], {
      nodeFlags,
      env: { ...env, CHAT_GATEWAY_CONFIG: config, PORT: '0', JWT_SECRET: 'a-long-enough-test-secret-0123', DIFY_API_KEY: 'k', CURSOR_SECRET: 'a-cursor-secret-for-the-test' },
    });
    const port = new URL(gateway.url).port;
    const healthcheck = (): Promise<number | null> =>
      new Promise((resolve) => {
        const [command, ...args] = jsonArgs('HEALTHCHECK');
        expect(command).toBe('node');
        const child = spawn(process.execPath, args, { env: { ...process.env, PORT: port }, stdio: 'ignore' });
        child.on('close', resolve);
      });
    try {
      expect(await healthcheck()).toBe(0);
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
      await dify.close();
    }
    expect(await healthcheck()).toBe(1);
  });
});

describe('compose.yaml and the example config', () => {
  it('runs the gateway with Redis, the config mounted where the image reads it, a long enough stop grace', () => {
    const compose = parseYaml(readFileSync(join(root, 'compose.yaml'), 'utf8')) as any;
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'redis']);
    const gateway = compose.services.gateway;
    expect(gateway.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(gateway.volumes.some((volume: string) => volume.includes(`:${runtimeEnv().CHAT_GATEWAY_CONFIG}`))).toBe(true);
    expect(gateway.depends_on.redis.condition).toBe('service_healthy');
    // stop_grace_period must outlast shutdownDelayMs + shutdownTimeoutMs (defaults 5 s + 30 s).
    expect(Number.parseInt(gateway.stop_grace_period, 10)).toBeGreaterThan(35);
  });

  it('gateway.example.yaml is a valid config once its variables are set', async () => {
    const config = await loadConfigFile(join(root, 'gateway.example.yaml'), {
      JWT_SECRET: 'a-long-enough-test-secret-0123',
      CURSOR_SECRET: 'a-cursor-secret-for-the-test',
      DIFY_API_KEY: 'k',
      CHATWOOT_API_TOKEN: 't',
      LEGACY_API_TOKEN: 't',
    });
    expect(config.server.port).toBe(4000);
    expect(config.sources.map((source) => source.id)).toEqual(['assistant', 'support', 'legacy']);
    expect(config.sources[1]).toMatchObject({ accountId: 1 });
  });
});
