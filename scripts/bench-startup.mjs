#!/usr/bin/env node
/**
 * `npm run bench:startup`: how long the built gateway takes from process start to a listening
 * socket (a TCP connect succeeds), and how long `--help` takes, as the median of a few runs.
 * Config mode uses one Dify source on a closed loopback port (start-up does not wait for it);
 * demo mode also starts the three simulators. Prints figures; asserts nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(root, 'bin', 'chat-gateway.js');
const runs = Number(process.env.RUNS ?? 5);
spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux); unlike wall time it
 * hardly changes when other processes compete for the cores. NaN where /proc is missing.
 */
function cpuMs(pid) {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return Number.NaN;
  const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Wall and CPU milliseconds from spawn until the port accepts a connection. */
async function timeToListen(args, env) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args, '--port', String(port)], {
    env: { ...process.env, CHAT_GATEWAY_CONFIG: '', PORT: '', LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  const elapsed = await new Promise((resolve) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve({ wall: performance.now() - started, cpu: cpuMs(child.pid) });
      });
      socket.once('error', () => setTimeout(attempt, 2));
    };
    attempt();
  });
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('close', resolve));
  return elapsed;
}

function timeHelp() {
  const started = performance.now();
  spawnSync(process.execPath, [bin, '--help'], { stdio: 'ignore' });
  return performance.now() - started;
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const config = join(dir, 'gateway.yaml');
writeFileSync(
  config,
  `server: { host: 127.0.0.1, shutdownDelayMs: 0 }\nauth: { mode: header }\nsources:\n  - id: assistant\n    kind: dify\n    baseUrl: http://127.0.0.1:${await freePort()}/v1\n    apiKey: k\n`,
);
const figures = { config: [], 'config CPU': [], demo: [], 'demo CPU': [], help: [] };
for (let i = 0; i < runs; i++) {
  const configured = await timeToListen(['--config', config], {});
  figures.config.push(configured.wall);
  figures['config CPU'].push(configured.cpu);
  const demo = await timeToListen([], {});
  figures.demo.push(demo.wall);
  figures['demo CPU'].push(demo.cpu);
  figures.help.push(timeHelp());
}
console.log(`node ${process.version}, ${runs} runs each, median (min–max) ms; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
for (const [name, values] of Object.entries(figures)) {
  const sorted = [...values].sort((a, b) => a - b);
  const label = {
    config: 'start to listening (config)',
    'config CPU': '  CPU time used by then',
    demo: 'start to listening (demo)',
    'demo CPU': '  CPU time used by then',
    help: '--help',
  }[name];
  console.log(`${label.padEnd(30)} ${median(values).toFixed(0).padStart(6)} (${sorted[0].toFixed(0)}–${sorted.at(-1).toFixed(0)})`);
}
