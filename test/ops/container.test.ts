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
import { DockerfileParser } from 'dockerfile-ast';
import { parse as parseYaml } from 'yaml';
import { loadConfigFile } from '../../src/gateway/load-config.js';
import { startDifySimulator } from '../../src/demo/simulators/dify/server.js';
import { root, spawnGateway, writeTempFile } from './cli-process.js';

const dockerfile = DockerfileParser.parse(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const finalStage = dockerfile.getFROMs().length - 1;

interface Instruction {
  name: string;
  /** Words after the keyword, quotes and line continuations resolved. */
  words: string[];
  stage: number;
}

/** Dockerfile instructions (parsed by dockerfile-ast), each with its build stage's index. */
function instructions(): Instruction[] {
  let stage = -1;
  return dockerfile.getInstructions().map((instruction) => {
    const name = instruction.getKeyword();
    if (name === 'FROM') stage += 1;
    return { name, words: instruction.getArguments().map((argument) => argument.getValue()), stage };
  });
}

function runtimeEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { words } of instructions().filter((entry) => entry.name === 'ENV' && entry.stage === finalStage)) {
    for (const word of words) {
      const [key, value] = word.split(/=(.*)/s);
      env[key!] = value!;
    }
  }
  return env;
}

/** The exec-form (JSON) argv of the final stage's CMD, or of HEALTHCHECK's CMD. */
function jsonArgs(name: 'CMD' | 'HEALTHCHECK'): string[] {
  const instruction = dockerfile.getInstructions().find((entry) => entry.getKeyword() === name)!;
  const text = instruction.getArgumentsContent()!.replace(/^(?:--\S+\s+)*CMD\s+/, '');
  return JSON.parse(text) as string[];
}

/** The `-e NAME` variables of a `docker run` command (continuation lines joined, `# ` prefixes dropped). */
function dockerRunVariables(text: string): Set<string> {
  const joined = text.replace(/^#\s?/gm, '').replace(/\\\n\s*/g, ' ');
  const command = /docker run [^\n]*/.exec(joined);
  expect(command, 'no docker run command').not.toBeNull();
  return new Set([...command![0].matchAll(/(?:-e|--env)[ =]([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1]!));
}

/** The variables gateway.example.yaml refers to without a default (`${VAR}`, not `${VAR:-x}`). */
function requiredExampleVariables(): string[] {
  const text = readFileSync(join(root, 'gateway.example.yaml'), 'utf8').replace(/#.*$/gm, '');
  return [...new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((match) => match[1]!))].sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('Dockerfile', () => {
  it('builds on a Node LTS the package declares (24 or a later even major) and runs as an unprivileged user', () => {
    const froms = dockerfile.getFROMs();
    expect(froms.length).toBe(2);
    const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    for (const from of froms) {
      expect(from.getImageName()).toBe('node');
      const major = Number(/^(\d+)(?:[.-]|$)/.exec(from.getImageTag() ?? '')?.[1]);
      expect(major >= 24 && major % 2 === 0, `${from.getImage()} is not a Node LTS >= 24`).toBe(true);
      expect(engines, `engines.node does not name ${major}`).toMatch(new RegExp(`\\^${major}\\.`));
    }
    const users = instructions().filter((entry) => entry.name === 'USER' && entry.stage === finalStage);
    expect(users.length).toBe(1);
    expect(users[0]!.words[0]).not.toMatch(/^(root|0)(:|$)/);
    // USER comes before CMD, so the gateway never runs as root.
    const names = instructions().filter((entry) => entry.stage === finalStage).map((entry) => entry.name);
    expect(names.indexOf('USER')).toBeLessThan(names.indexOf('CMD'));
    const runs = instructions().filter((entry) => entry.name === 'RUN' && entry.stage === finalStage).map((entry) => entry.words.join(' '));
    expect(runs.some((run) => run.includes('npm ci --omit=dev --ignore-scripts'))).toBe(true);
  });

  it('copies only files that exist after `npm run build`, none of them excluded by .dockerignore', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);
    const copies = dockerfile.getCOPYs();
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const from = copy.getFromFlag()?.getValue();
      const sources = copy.getArguments().map((argument) => argument.getValue()).slice(0, -1);
      for (const source of sources) {
        // From the build stage: /app/<path> is what `node scripts/build.mjs` left in the repository.
        const path = from ? source.replace(/^\/app\//, '') : source;
        expect(existsSync(join(root, path)), `${copy.getArgumentsContent()}: ${path} is missing`).toBe(true);
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
    // The gateway is PID 1 (no npm or shell in between), so SIGTERM reaches it.
    expect(dockerfile.getENTRYPOINTs()).toEqual([]);
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

  it('every variable gateway.example.yaml needs is passed by compose.yaml and by the documented docker run', () => {
    const required = requiredExampleVariables();
    expect(required).toEqual(expect.arrayContaining(['CURSOR_SECRET', 'JWT_SECRET', 'DIFY_API_KEY']));
    const compose = parseYaml(readFileSync(join(root, 'compose.yaml'), 'utf8')) as any;
    expect(Object.keys(compose.services.gateway.environment)).toEqual(expect.arrayContaining(required));
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const containerSection = readme.slice(readme.indexOf('### Container image'));
    expect([...required].filter((name) => !dockerRunVariables(containerSection).has(name)), 'README docker run').toEqual([]);
    const dockerfileText = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect([...required].filter((name) => !dockerRunVariables(dockerfileText).has(name)), 'Dockerfile comment').toEqual([]);
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
