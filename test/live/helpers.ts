/**
 * Live-update test kit over real sockets: a listening gateway on the simulators (optionally on
 * a shared Redis), an SSE subscriber (eventsource-parser), a graphql-ws subscriber, and a
 * Chatwoot webhook sender that signs like Chatwoot does (DESIGN §6).
 */
import type { Plugin } from 'graphql-yoga';
import { createHmac } from 'node:crypto';
import { createParser } from 'eventsource-parser';
import { createClient, type Client } from 'graphql-ws';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { createViewerResolver } from '../../src/auth/viewer.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import { DEMO_CHATWOOT_WEBHOOK_SECRET, startDemoBackends, type DemoBackends, type DemoOptions } from '../../src/demo/demo.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import { createLogger } from '../../src/core/logger.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { createGatewayYoga } from '../../src/yoga/yoga.js';
import type { LiveExecutionCounter } from '../../src/plugins/use-shared-live-execution.js';

export const WEBHOOK_SECRET = DEMO_CHATWOOT_WEBHOOK_SECRET;

export interface LiveGateway {
  url: string;
  gateway: Gateway;
  running: RunningServer;
  backends: DemoBackends;
  close(): Promise<void>;
}

export interface LiveGatewayOptions {
  /** Reuse running simulators (several gateways on one upstream); they are then not closed. */
  backends?: DemoBackends;
  redisUrl?: string;
  configure?: (config: Record<string, any>) => void;
  /** Options of the simulators this gateway starts (not with `backends`). */
  demo?: DemoOptions;
  /** Point the Chatwoot simulator's webhook at this gateway. @default true when it starts the simulators */
  connectWebhook?: boolean;
  /** The gateway's logger. @default silent */
  logger?: Logger;
  /** Keep the gateway's info-level log lines here (parsed), instead of a silent logger (ignored with `logger`). */
  logs?: Array<Record<string, unknown>>;
  /** Counts executions of live events (src/plugins/use-shared-live-execution.ts). */
  liveExecutions?: LiveExecutionCounter;
  /** Extra yoga plugins (e.g. one that observes operations' contexts). */
  plugins?: Plugin[];
}

/** A gateway listening on a free loopback port; the Chatwoot source verifies `WEBHOOK_SECRET`. */
export async function startLiveGateway(options: LiveGatewayOptions = {}): Promise<LiveGateway> {
  const backends = options.backends ?? (await startDemoBackends({ chatwootReplyDelayMs: null, ...options.demo }));
  const raw: Record<string, any> = structuredClone(backends.config);
  for (const source of raw.sources) {
    if (source.kind === 'chatwoot') source.webhookSecret = WEBHOOK_SECRET;
    source.pollIntervalMs = 100;
  }
  if (options.redisUrl) raw.redis = { url: options.redisUrl, commandTimeoutMs: 300 };
  options.configure?.(raw);
  const config = await validateConfig(raw);
  const logs = options.logs;
  const sink = logs && {
    write(line: string) {
      for (const text of line.split('\n')) if (text) logs.push(JSON.parse(text) as Record<string, unknown>);
    },
  };
  const gateway = await createGateway(config, options.logger ?? (sink ? createLogger('info', sink) : createLogger('silent')));
  const resolveViewer = createViewerResolver({ auth: config.auth });
  const yoga = createGatewayYoga(gateway, { resolveViewer, liveExecutions: options.liveExecutions, plugins: options.plugins });
  const running = await startServer(yoga, gateway, { port: 0, host: '127.0.0.1', resolveViewer });
  if (options.connectWebhook ?? !options.backends) backends.connectChatwootWebhook(running.url);
  return {
    url: running.url,
    gateway,
    running,
    backends,
    async close() {
      await running.stop();
      if (!options.backends) await backends.close();
    },
  };
}

export function viewerHeaders(id: string, roles: string[] = []): Record<string, string> {
  return { 'x-chat-user': id, ...(roles.length ? { 'x-chat-roles': roles.join(',') } : {}) };
}

/** POSTs one operation over HTTP and returns the JSON body. */
export async function graphql(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: any[] };
}

/** Waits for `promise`, or fails after `ms`. */
export function within<T>(ms: number, promise: Promise<T>, what = 'event'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

/** A stream of results as a queue the test pulls from. */
export class ResultQueue {
  private items: any[] = [];
  private waiters: Array<(value: any) => void> = [];
  ended = false;
  push(item: any) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }
  end() {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
  /** The next result (undefined once the stream ended), failing after `ms`. */
  next(ms = 5_000): Promise<any> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    if (this.ended) return Promise.resolve(undefined);
    return within(ms, new Promise((resolve) => this.waiters.push(resolve)), 'subscription result');
  }
  /** Results that arrived and were not pulled yet. */
  pending(): any[] {
    return [...this.items];
  }
}

/** A GraphQL-over-SSE subscription (yoga's distinct-connections mode). */
export async function subscribeSse(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const abort = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const queue = new ResultQueue();
  const parser = createParser({
    onEvent(event) {
      if (event.event === 'complete') return queue.end();
      if (event.data) queue.push(JSON.parse(event.data));
    },
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted
    }
    queue.end();
  })();
  return { status: response.status, queue, close: () => abort.abort() };
}

/** A graphql-ws client on `/graphql`. */
export function wsClient(url: string, options: { headers?: Record<string, string>; connectionParams?: Record<string, unknown> } = {}) {
  const closes: Array<{ code: number; reason: string }> = [];
  const client: Client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: options.headers });
      }
    },
    connectionParams: options.connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event: any) => void closes.push({ code: event.code, reason: String(event.reason) }) },
  });
  return {
    client,
    closes,
    subscribe(query: string, variables: Record<string, unknown>) {
      const queue = new ResultQueue();
      const dispose = client.subscribe(
        { query, variables },
        { next: (result) => queue.push(result), error: (error) => (queue.push({ transportError: error }), queue.end()), complete: () => queue.end() },
      );
      return { queue, close: dispose };
    },
  };
}

/** Headers Chatwoot sends with a signed webhook. */
export function signWebhook(
  body: string,
  { secret = WEBHOOK_SECRET, timestamp = Math.floor(Date.now() / 1000), delivery = crypto.randomUUID() } = {},
): Record<string, string> {
  const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  return {
    'content-type': 'application/json',
    'x-chatwoot-timestamp': String(timestamp),
    'x-chatwoot-signature': signature,
    'x-chatwoot-delivery': delivery,
  };
}

export async function postWebhook(url: string, sourceId: string, body: string, headers: Record<string, string>, query = '') {
  return fetch(`${url}/webhooks/${sourceId}${query}`, { method: 'POST', headers, body });
}

let nextMessageId = 900_000;

/**
 * A `message_created` body as Chatwoot's `Message#webhook_data` renders it: string
 * `message_type`, ISO `created_at`, the conversation's `webhook_data` with `id` = display id.
 */
export function messageCreated(
  displayId: number,
  { content = 'hello', messageType = 'incoming', isPrivate = false, id = nextMessageId++ } = {},
): { id: number; body: string } {
  const sender =
    messageType === 'incoming'
      ? { id: 1, name: 'Demo User', type: 'contact' }
      : { id: 1, name: 'Priya Agent', email: 'priya@example.com', type: 'user' };
  const now = new Date();
  return {
    id,
    body: JSON.stringify({
      event: 'message_created',
      id,
      content,
      content_type: 'text',
      content_attributes: {},
      additional_attributes: {},
      created_at: now.toISOString(),
      message_type: messageType,
      private: isPrivate,
      source_id: null,
      sender,
      account: { id: 1, name: 'Acme Support' },
      inbox: { id: 1, name: 'Website' },
      conversation: {
        id: displayId,
        inbox_id: 1,
        status: 'open',
        channel: 'Channel::WebWidget',
        additional_attributes: {},
        can_reply: true,
        contact_inbox: { source_id: 'abc' },
        meta: { sender: { id: 1, name: 'Demo User' }, assignee: null },
        messages: [],
        labels: [],
        unread_count: 1,
        created_at: Math.floor(now.getTime() / 1000) - 3600,
        last_activity_at: Math.floor(now.getTime() / 1000),
        timestamp: Math.floor(now.getTime() / 1000),
      },
    }),
  };
}

/**
 * A bare graphql-transport-ws socket (no client library), acknowledged: tests drive the protocol
 * message by message, in bursts a client library would never send.
 */
export async function rawWs(url: string, headers: Record<string, string>, init: Record<string, unknown> = { type: 'connection_init' }) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers });
  const messages: any[] = [];
  let closed: { code: number; reason: string } | undefined;
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  socket.on('close', (code, reason) => (closed = { code, reason: String(reason) }));
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  /** Resolves with the first message `match` accepts, failing after `ms`. */
  const waitFor = (match: (message: any) => boolean, ms = 5_000, what = 'message') =>
    within(
      ms,
      (async () => {
        for (;;) {
          const found = messages.find(match);
          if (found) return found;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })(),
      what,
    );
  socket.send(JSON.stringify(init));
  await waitFor((message) => message.type === 'connection_ack', 5_000, 'connection_ack');
  return {
    socket,
    messages,
    closed: () => closed,
    waitFor,
    send: (message: unknown) => socket.send(JSON.stringify(message)),
  };
}

/** A logger that keeps every JSON line it writes, for checking levels and contents. */
export function capturedLogger(): { logger: Logger; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}
