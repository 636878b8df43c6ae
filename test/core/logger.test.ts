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
