/**
 * What one GraphiQL page load costs the gateway: bytes sent (as a browser asks for it, with
 * `accept-encoding: br, gzip`), the page's decoded size, time per load and the process's RSS
 * after each load. Runs the built CLI in demo mode on a free port.
 *
 *   npx tsx scripts/bench-graphiql.ts [loads=10]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const loads = Number(process.argv[2] ?? 10);
const bin = fileURLToPath(new URL('../bin/chat-gateway.js', import.meta.url));
const child = spawn(process.execPath, [bin, '--port', '0'], { env: { ...process.env, LOG_LEVEL: 'silent', CHAT_GATEWAY_CONFIG: '', PORT: '' } });
let output = '';
child.stdout.on('data', (chunk) => (output += chunk));
const url = await new Promise<string>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no start line: ${output}`)), 20_000);
  child.stdout.on('data', () => {
    const match = /GraphiQL: (http:\/\/\S+\/graphql)/.exec(output);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]!);
    }
  });
});

function rssMiB(): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** One page load: bytes on the wire, content-encoding, decoded length is not needed here. */
function load(etag?: string): Promise<{ status: number; bytes: number; encoding: string; etag?: string; cache?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'text/html', 'accept-encoding': 'br, gzip' };
    if (etag) headers['if-none-match'] = etag;
    request(url, { headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () =>
        resolve({
          status: response.statusCode!,
          bytes,
          encoding: String(response.headers['content-encoding'] ?? 'identity'),
          etag: response.headers.etag,
          cache: response.headers['cache-control'],
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

const plain = await new Promise<number>((resolve) => {
  request(url, { headers: { accept: 'text/html' } }, (response) => {
    let bytes = 0;
    response.on('data', (chunk: Buffer) => (bytes += chunk.length));
    response.on('end', () => resolve(bytes));
  }).end();
});
console.log(`page: ${(plain / 1e6).toFixed(2)} MB uncompressed`);
const before = rssMiB();
console.log(`RSS before loads: ${before.toFixed(0)} MiB`);
let last: Awaited<ReturnType<typeof load>> | undefined;
const started = performance.now();
for (let index = 1; index <= loads; index++) {
  last = await load();
  console.log(`load ${index}: ${last.status} ${(last.bytes / 1e6).toFixed(2)} MB ${last.encoding}, RSS ${rssMiB().toFixed(0)} MiB`);
}
console.log(`mean time per load: ${((performance.now() - started) / loads).toFixed(0)} ms; cache-control: ${last?.cache ?? '(none)'}`);
if (last?.etag) {
  const again = await load(last.etag);
  console.log(`reload with If-None-Match: ${again.status}, ${again.bytes} bytes`);
}
await new Promise((resolve) => setTimeout(resolve, 2_000));
console.log(`RSS 2 s after the last load: ${rssMiB().toFixed(0)} MiB (+${(rssMiB() - before).toFixed(0)} MiB)`);
child.kill('SIGTERM');
