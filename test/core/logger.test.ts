/**
 * The logger's stdout (`batchedStdout`): lines are written in batches, yet none is lost when the
 * process exits right after logging (also on an uncaught exception), and a lone line goes out
 * soon, not at the next 4 KiB or at exit. Each case runs the built logger in its own process.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const logger = fileURLToPath(new URL('../../dist/core/logger.js', import.meta.url));

/** Runs `body` after `const log = createLogger('info')`; resolves with stdout once `until` says so or it exits. */
function runLogging(body: string, until: (stdout: string) => boolean = () => false): Promise<{ stdout: string; code: number | null }> {
  const script = `import { createLogger } from ${JSON.stringify(logger)};\nconst log = createLogger('info');\n${body}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no answer in time; stdout so far: ${stdout}`));
    }, 10_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (!until(stdout)) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ stdout, code: null });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ stdout, code });
    });
  });
}

const messages = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line).msg as string);

describe('the logger writing to stdout', () => {
  it('writes every line, in order, when the process exits right after logging', async () => {
    const { stdout, code } = await runLogging(`for (let i = 0; i < 300; i++) log.info({ i }, 'line ' + i);\nprocess.exit(3);`);
    expect(code).toBe(3);
    expect(messages(stdout)).toEqual(Array.from({ length: 300 }, (_, i) => `line ${i}`));
  });

  it('writes the lines logged before an uncaught exception', async () => {
    const { stdout, code } = await runLogging(`log.error('about to fail');\nthrow new Error('boom');`);
    expect(code).toBe(1);
    expect(messages(stdout)).toEqual(['about to fail']);
  });

  it('writes a lone line while the process keeps running', async () => {
    // The process would exit only after 30 s: the line must come from the flush timer.
    const { stdout, code } = await runLogging(`log.info('alone');\nsetTimeout(() => {}, 30_000);`, (out) => out.includes('\n'));
    expect(code).toBeNull();
    expect(messages(stdout)).toEqual(['alone']);
  });
});

describe('fields bound to a child logger', () => {
  it('appear once per line, also when a line repeats them', async () => {
    const { createLogger } = await import('../../src/core/logger.js');
    const lines: string[] = [];
    const root = createLogger('info', { write: (line: string) => void lines.push(line) });
    const child = root.child({ sourceId: 'assistant' }).child({ component: 'breaker' });
    child.warn({ sourceId: 'assistant', component: 'breaker', coolDownMs: 10 }, 'circuit opened');
    child.info('no object');
    expect(lines[0]!.match(/"sourceId"/g)).toHaveLength(1);
    expect(lines[0]!.match(/"component"/g)).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ sourceId: 'assistant', component: 'breaker', coolDownMs: 10, msg: 'circuit opened' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ sourceId: 'assistant', msg: 'no object' });
  });
});

describe('routeConsoleTo', () => {
  it("turns a library's console output into JSON log lines on stdout", async () => {
    const { stdout } = await runLogging(
      `const { routeConsoleTo } = await import(${JSON.stringify(logger)});\nrouteConsoleTo(log);\nconsole.error('Scalar with %s inputs', 'variable');\nconsole.log('plain');\nlog.flush();`,
      (out) => out.includes('plain'),
    );
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, console: true, msg: 'Scalar with variable inputs' }),
      expect.objectContaining({ level: 30, console: true, msg: 'plain' }),
    ]);
  });
});
