/**
 * Subscribers of `npm run bench:live`, in their own process so that the clients are not the
 * server's bottleneck nor share its event loop. Forked through `forkWithReady` (sends
 * `{ ready: true }` first); then it answers `LiveClientRequest`s on the IPC channel, each reply
 * carrying the request's `seq`. One subscriber = one connection (an SSE POST over `node:http`
 * with no agent, or one `graphql-transport-ws` socket from `ws`), one `messageAdded`
 * subscription. Times are wall-clock epoch ms (`performance.timeOrigin + performance.now()`),
 * comparable with the parent's on the same machine. Exits when the IPC channel closes.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { createParser } from 'eventsource-parser';
import WebSocket from 'ws';

/** One subscriber to open. */
export interface SubscriberSpec {
  /** Sent as `x-chat-user` (with `x-chat-roles: agent`). */
  viewer: string;
  transport: 'sse' | 'ws';
}

/** Requests from the parent. */
export type LiveClientRequest =
  | {
      seq: number;
      type: 'open';
      /** GraphQL endpoint, `http://127.0.0.1:<port>/graphql`. */
      url: string;
      query: string;
      variables: Record<string, unknown>;
      subscribers: SubscriberSpec[];
      /** Opens in flight at once. */
      concurrency: number;
      /** An open not answered by then counts as failed, ms. */
      timeoutMs: number;
    }
  /** → `{ live, lastLiveAt }`: subscribers that received any event, and when the last one did. */
  | { seq: number; type: 'live' }
  /** → `{}`: `externalId` is the next measured event (sent before its webhook is posted). */
  | { seq: number; type: 'expect'; externalId: string }
  /** → `{ count }`: subscribers that received `externalId`. */
  | { seq: number; type: 'received'; externalId: string }
  /** → `LiveClientReport` over the measured `externalIds` (in the order they were posted). */
  | { seq: number; type: 'report'; externalIds: string[] }
  /** → `{}` once every connection is closed. */
  | { seq: number; type: 'close' };

/** Reply to `open`. */
export interface OpenResult {
  opened: number;
  /** Failure reasons (HTTP status, error code, `timeout`, …) → count. */
  failures: Record<string, number>;
  /** When the last subscriber was answered (SSE response headers; graphql-ws `connection_ack` and `subscribe` sent), epoch ms. */
  lastOpenedAt: number;
}

/** Reply to `report`. */
export interface LiveClientReport {
  /** externalId → receipt times (epoch ms), one per subscriber that got it. */
  receipts: Record<string, number[]>;
  /** Measured events a subscriber got more than once. */
  duplicates: number;
  /** Measured events a subscriber got after a later one. */
  outOfOrder: number;
  /** Streams that ended or reported an error after opening, by reason. */
  ended: Record<string, number>;
}

interface Subscriber {
  gotAny: boolean;
  /** Position (in the measured list) of the latest measured event received; -1 before any. */
  lastPosition: number;
  seen: Set<string>;
  close(): void;
}

const now = () => performance.timeOrigin + performance.now();
const subscribers: Subscriber[] = [];
const receipts = new Map<string, number[]>();
const ended: Record<string, number> = {};
let duplicates = 0;
let outOfOrder = 0;
let live = 0;
let lastLiveAt = 0;
/** Measured externalId → its position; events outside it (probes) only mark a subscriber live. */
const measured = new Map<string, number>();
let closing = false;

const tally = (table: Record<string, number>, key: string) => void (table[key] = (table[key] ?? 0) + 1);

/** Records one result for `subscriber`. */
function onResult(subscriber: Subscriber, result: any) {
  if (result?.errors) return tally(ended, `error ${result.errors[0]?.extensions?.code ?? result.errors[0]?.message ?? 'unknown'}`);
  const at = now();
  if (!subscriber.gotAny) {
    subscriber.gotAny = true;
    live += 1;
    lastLiveAt = at;
  }
  const externalId = String(result?.data?.messageAdded?.externalId);
  const position = measured.get(externalId);
  if (position === undefined) return;
  if (subscriber.seen.has(externalId)) return void (duplicates += 1);
  subscriber.seen.add(externalId);
  if (position < subscriber.lastPosition) outOfOrder += 1;
  subscriber.lastPosition = Math.max(subscriber.lastPosition, position);
  let times = receipts.get(externalId);
  if (!times) receipts.set(externalId, (times = []));
  times.push(at);
}

/**
 * The one answer of a subscriber being opened: the first `finish` resolves it (with a reason it
 * also counts as a failure); after `timeoutMs` the connection is closed by `abort` and it
 * finishes as 'timeout'. `answered()` tells later events apart from the opening's.
 */
function answerOnce(
  timeoutMs: number,
  abort: () => void,
  fail: (reason: string) => void,
  resolve: (result: Subscriber | undefined) => void,
): { finish: (result: Subscriber | undefined, reason?: string) => void; answered: () => boolean } {
  let answered = false;
  const finish = (result: Subscriber | undefined, reason?: string) => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    if (reason) fail(reason);
    resolve(result);
  };
  const timer = setTimeout(() => {
    abort();
    finish(undefined, 'timeout');
  }, timeoutMs);
  return { finish, answered: () => answered };
}

/** Opens one SSE subscription; resolves once the response headers arrived (or it failed). */
function openSse(url: URL, body: string, viewer: string, timeoutMs: number, fail: (reason: string) => void): Promise<Subscriber | undefined> {
  return new Promise((resolve) => {
    const subscriber: Subscriber = { gotAny: false, lastPosition: -1, seen: new Set(), close: () => request.destroy() };
    const { finish, answered } = answerOnce(timeoutMs, () => request.destroy(), fail, resolve);
    const request: ClientRequest = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'content-length': Buffer.byteLength(body),
        'x-chat-user': viewer,
        'x-chat-roles': 'agent',
      },
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (answered()) {
        if (!closing) tally(ended, `sse ${error.code ?? 'error'}`);
      } else finish(undefined, error.code ?? 'error');
    });
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return finish(undefined, `HTTP ${response.statusCode}`);
      }
      const parser = createParser({ onEvent: (event) => event.data && onResult(subscriber, JSON.parse(event.data)) });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => parser.feed(chunk));
      response.on('close', () => void (closing || tally(ended, 'sse stream ended')));
      finish(subscriber);
    });
    request.end(body);
  });
}

/** Opens one graphql-ws socket with one subscription; resolves once `subscribe` was sent (or it failed). */
function openWs(url: URL, payload: unknown, viewer: string, timeoutMs: number, fail: (reason: string) => void): Promise<Subscriber | undefined> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url.href.replace(/^http/, 'ws'), 'graphql-transport-ws', {
      headers: { 'x-chat-user': viewer, 'x-chat-roles': 'agent' },
      perMessageDeflate: false,
    });
    const subscriber: Subscriber = { gotAny: false, lastPosition: -1, seen: new Set(), close: () => socket.terminate() };
    const { finish, answered } = answerOnce(timeoutMs, () => socket.terminate(), fail, resolve);
    socket.on('error', (error: NodeJS.ErrnoException) => finish(undefined, error.code ?? error.message));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('close', (code) => {
      if (answered() && !closing) tally(ended, `ws closed ${code}`);
      finish(undefined, `ws closed ${code}`);
    });
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw));
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload }));
        finish(subscriber);
      } else if (message.type === 'next') onResult(subscriber, message.payload);
      else if (message.type === 'error') tally(ended, `ws error ${message.payload?.[0]?.extensions?.code ?? 'unknown'}`);
      else if (message.type === 'complete') tally(ended, 'ws complete');
      else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
  });
}

/** Opens every subscriber, `concurrency` at a time. */
async function open(request: Extract<LiveClientRequest, { type: 'open' }>): Promise<OpenResult> {
  const url = new URL(request.url);
  const payload = { query: request.query, variables: request.variables };
  const body = JSON.stringify(payload);
  const result: OpenResult = { opened: 0, failures: {}, lastOpenedAt: 0 };
  const fail = (reason: string) => tally(result.failures, reason);
  let next = 0;
  const worker = async () => {
    while (next < request.subscribers.length) {
      const spec = request.subscribers[next++]!;
      const subscriber =
        spec.transport === 'sse'
          ? await openSse(url, body, spec.viewer, request.timeoutMs, fail)
          : await openWs(url, payload, spec.viewer, request.timeoutMs, fail);
      if (!subscriber) continue;
      subscribers.push(subscriber);
      result.opened += 1;
      result.lastOpenedAt = now();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, request.concurrency) }, worker));
  return result;
}

if (process.send) {
  process.on('message', async (request: LiveClientRequest) => {
    let reply: object;
    if (request.type === 'open') reply = await open(request);
    else if (request.type === 'live') reply = { live, lastLiveAt };
    else if (request.type === 'expect') {
      if (!measured.has(request.externalId)) measured.set(request.externalId, measured.size);
      reply = {};
    } else if (request.type === 'received') reply = { count: receipts.get(request.externalId)?.length ?? 0 };
    else if (request.type === 'report') {
      const report: LiveClientReport = {
        receipts: Object.fromEntries(request.externalIds.map((id) => [id, receipts.get(id) ?? []])),
        duplicates,
        outOfOrder,
        ended,
      };
      reply = report;
    } else {
      closing = true;
      for (const subscriber of subscribers.splice(0)) subscriber.close();
      reply = {};
    }
    process.send!({ seq: request.seq, ...reply });
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
}
