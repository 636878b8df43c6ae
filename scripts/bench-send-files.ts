/**
 * Times `sendMessage` with one file against the built-in simulators, over a real socket to a
 * listening gateway: no file (the baseline), 1 KiB, 1 MiB and 9 MiB, to Dify (upload, send,
 * read back) and to Chatwoot (one multipart message create), nine sends each; prints the median
 * and the slowest in ms and the process's RSS after each size (gateway, simulators and client
 * share this process, so the figures are upper bounds for the gateway alone).
 *
 *   npx tsx scripts/bench-send-files.ts
 */
import { globalIdOf } from '../src/core/global-id.js';
import { startProxiedGateway } from '../test/helpers/proxied-gateway.js';

const RUNS = 9;
const QUERY = 'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messages { id attachments { id } } } }';
const TARGETS = {
  dify: { input: { sourceId: 'assistant' }, headers: { 'x-chat-user': 'demo-user' } },
  chatwoot: {
    input: { conversationId: globalIdOf({ type: 'Conversation', sourceId: 'support', conversationId: '19' }) },
    headers: { 'x-chat-user': 'priya', 'x-chat-roles': 'agent' },
  },
} as const;

const gw = await startProxiedGateway({ serverConfig: { limits: { maxUploadBytes: 10 * 1024 * 1024 } } });

/** One send with a file of `size` bytes (0: none); its duration in ms. */
async function send(target: keyof typeof TARGETS, size: number): Promise<number> {
  const { input, headers } = TARGETS[target];
  const form = new FormData();
  const variables = { input: { ...input, text: 'Please see the file.', ...(size > 0 ? { files: [null] } : {}) } };
  form.set('operations', JSON.stringify({ query: QUERY, variables }));
  if (size > 0) {
    form.set('map', JSON.stringify({ 0: ['variables.input.files.0'] }));
    form.set('0', new File([new Uint8Array(size).fill(1)], 'screenshot.png', { type: 'image/png' }));
  }
  const started = performance.now();
  const response = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { ...headers, 'x-graphql-yoga-csrf': '1' }, body: form });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(`${target} ${size} B: ${JSON.stringify(body.errors)}`);
  return performance.now() - started;
}

try {
  await send('dify', 1024); // warm-up: connections, JIT
  for (const target of Object.keys(TARGETS) as Array<keyof typeof TARGETS>) {
    for (const size of [0, 1024, 1024 * 1024, 9 * 1024 * 1024]) {
      const times: number[] = [];
      for (let run = 0; run < RUNS; run += 1) times.push(await send(target, size));
      times.sort((a, b) => a - b);
      const rss = (process.memoryUsage().rss / 1024 / 1024).toFixed(0);
      console.log(`${target.padEnd(8)} ${String(size).padStart(8)} B  median ${times[RUNS >> 1]!.toFixed(1).padStart(6)} ms  max ${times[RUNS - 1]!.toFixed(1).padStart(6)} ms  rss ${rss} MiB`);
    }
  }
} finally {
  await gw.close();
}
