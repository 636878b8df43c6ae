/**
 * Two gateway processes (the CLI, run from source with tsx) on one real Redis, with `REDIS_URL`
 * from the environment: an idempotency key used on one replays on the other; a webhook posted to
 * one reaches a subscriber on the other; Redis stopped mid-test ends that subscription with
 * UPSTREAM_UNAVAILABLE while reads still answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { globalIdOf } from '../../src/core/global-id.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { graphql, messageCreated, postWebhook, signWebhook, subscribeSse, viewerHeaders, WEBHOOK_SECRET } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CONTACT = viewerHeaders('demo-user');

interface GatewayProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

let redis: TestRedis;
let backends: DemoBackends;
const processes: GatewayProcess[] = [];

async function startProcess(configFile: string): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), '--config', configFile, '--port', '0'], {
    cwd: root,
    env: { ...process.env, REDIS_URL: redis.url, PORT: '', LOG_LEVEL: 'info', NODE_ENV: 'test' },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line in: ${output}`)), 25_000);
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  const started = { url, child, exited };
  processes.push(started);
  return started;
}

let a: GatewayProcess;
let b: GatewayProcess;
let conversation: { id: string; externalId: string };

beforeAll(async () => {
  redis = await startRedis();
  backends = await startDemoBackends({ chatwootReplyDelayMs: null });
  const config = {
    server: { host: '127.0.0.1' },
    auth: { mode: 'header' },
    sources: backends.config.sources.map((source) =>
      source.kind === 'chatwoot' ? { ...source, webhookSecret: WEBHOOK_SECRET } : source,
    ),
  };
  const file = join(mkdtempSync(join(tmpdir(), 'chat-gateway-replicas-')), 'gateway.json');
  writeFileSync(file, JSON.stringify(config));
  [a, b] = await Promise.all([startProcess(file), startProcess(file)]);
  const mine = await graphql(a.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, CONTACT);
  conversation = mine.data.source.conversations.edges[0].node;
}, 60_000);

afterAll(async () => {
  for (const started of processes) started.child.kill('SIGTERM');
  await Promise.all(processes.map((started) => started.exited));
  await backends?.close();
  await redis?.stop();
});

describe('two gateway processes on one Redis', () => {
  it('an idempotency key used on one replica replays on the other without calling the upstream', async () => {
    const dify = backends.simulators.assistant;
    const mine = dify.data.find((item) => item.user === 'demo-user')!;
    const input = { conversationId: globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: mine.id }), text: 'Once only', idempotencyKey: 'replica-key' };
    const send = `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messages { id text } } }`;
    const posts = () => dify.requests.filter((request) => request.method === 'POST' && request.path === '/v1/chat-messages').length;
    const first = await graphql(a.url, send, { input }, CONTACT);
    expect(first.errors).toBeUndefined();
    const sent = posts();
    const replayed = await graphql(b.url, send, { input }, CONTACT);
    expect(replayed.data.sendMessage).toEqual(first.data.sendMessage);
    expect(posts()).toBe(sent);
  });

  it('a webhook posted to one reaches a subscriber on the other, then Redis going away ends it', async () => {
    const onB = await subscribeSse(
      b.url,
      `subscription ($id: ID!) { messageAdded(conversationId: $id) { externalId text } }`,
      { id: conversation.id },
      CONTACT,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const message = messageCreated(Number(conversation.externalId), { content: 'from process A' });
    expect((await postWebhook(a.url, 'support', message.body, signWebhook(message.body))).status).toBe(200);
    expect((await onB.queue.next()).data.messageAdded).toEqual({ externalId: String(message.id), text: 'from process A' });

    await redis.stop();
    const ended = await onB.queue.next(5_000);
    expect(ended.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await onB.queue.next()).toBeUndefined();
    for (const replica of [a, b]) {
      const read = await graphql(replica.url, `query ($id: ID!) { conversation(id: $id) { id } }`, { id: conversation.id }, CONTACT);
      expect(read.errors).toBeUndefined();
      expect(read.data.conversation.id).toBe(conversation.id);
    }
    // A process drains and exits cleanly without its Redis.
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 30_000);
});
