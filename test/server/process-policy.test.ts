/**
 * The process policy in a real child process: a stray rejection is logged at error level and the
 * process keeps serving; an uncaught exception is logged at fatal level and ends it with 1.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const policy = fileURLToPath(new URL('../../src/server/process-policy.ts', import.meta.url));

/** Runs `body` after installing the policy with a pino logger on stdout; returns status and log lines. */
function run(body: string): Promise<{ code: number | null; lines: any[] }> {
  const script = `
    import pino from 'pino';
    import { installProcessPolicy } from ${JSON.stringify(policy)};
    installProcessPolicy(pino(pino.destination({ dest: 1, sync: true })));
    ${body}`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 }, (error, stdout) => {
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, lines });
    });
  });
}

describe('process policy', () => {
  it('logs an unhandled rejection at error level and keeps serving', async () => {
    const { code, lines } = await run(`
      void Promise.reject(new Error('dropped promise'));
      setTimeout(() => console.log(JSON.stringify({ alive: true })), 200);`);
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'unhandled promise rejection: still serving', err: { message: 'dropped promise' } });
    expect(lines[1]).toEqual({ alive: true });
  }, 30_000);

  it('logs an uncaught exception at fatal level and exits with 1', async () => {
    const { code, lines } = await run(`
      setTimeout(() => { throw new Error('broken state'); }, 10);
      setTimeout(() => console.log(JSON.stringify({ alive: true })), 500);`);
    expect(code).toBe(1);
    expect(lines).toEqual([expect.objectContaining({ level: 60, msg: 'uncaught exception: exiting', err: expect.objectContaining({ message: 'broken state' }) })]);
  }, 30_000);
});
