/**
 * Child processes of `npm run bench:peer`: servers started in their own process, told apart
 * from the load generator, and measured from the outside through `/proc/<pid>` (Linux), so a
 * server's own figures do not depend on it reporting them.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A server running in a child process. */
export interface ServerProcess {
  name: string;
  pid: number;
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:41234/graphql`. */
  url: string;
  /** Wall-clock ms from spawning to the first line that gave `url`. */
  startupMs: number;
  stop(): Promise<void>;
}

/** CPU time and memory of one process, from `/proc/<pid>/stat` and `/proc/<pid>/status`. */
export interface ProcessSample {
  /** User + system CPU time of every thread, ms (clock-tick resolution: 10 ms). */
  cpuMs: number;
  /** Resident set size, MB. */
  rssMB: number;
}

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = 100;

/** @throws when the process is gone or `/proc` is not Linux's */
export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKB = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return { cpuMs: (ticks * 1000) / CLOCK_TICKS, rssMB: rssKB / 1024 };
}

/**
 * Spawns `command` and waits for a stdout line matching `ready` (its first group: the URL).
 * The rest of its stdout is read and dropped; stderr goes to ours.
 * @throws when the process exits or `timeoutMs` passes before the line
 */
export function startServerProcess(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; ready: RegExp; timeoutMs?: number; cwd?: string },
): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name}: ${reason}${seen ? `; its output:\n${seen.slice(-2000)}` : ''}`));
    };
    const timer = setTimeout(() => fail('not listening in time'), options.timeoutMs ?? 60_000);
    const onExit = (code: number | null) => fail(`exited (${code}) before listening`);
    child.once('exit', onExit);
    child.stdout!.setEncoding('utf8');
    const onData = (chunk: string) => {
      seen += chunk;
      const match = options.ready.exec(seen);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({ name, pid: child.pid!, url: match[1]!, startupMs: performance.now() - started, stop: () => stopChild(child) });
    };
    child.stdout!.on('data', onData);
  });
}

/**
 * Forks a TypeScript module through tsx with an IPC channel and waits for its first message.
 * @returns the child and that message
 */
export function forkWithReady<T>(modulePath: string, timeoutMs = 30_000): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(modulePath, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${modulePath}: no ready message in time`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${modulePath} exited (${code}) before it was ready`));
    });
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve({ child, ready: message as T });
    });
  });
}

/** Sends `request` to a forked child and resolves with its next message. */
export function ask<T>(child: ChildProcess, request: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as T));
    child.send(request);
  });
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
