/**
 * The vendor simulators behind the OpenAI, Matrix, Slack and Zendesk presets answer as their
 * published contracts say (see the sources cited at the top of each simulator), over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMatrixSimulator } from '../../../src/demo/simulators/matrix/server.js';
import { OPENAI_DEMO_KEY, startOpenAiSimulator } from '../../../src/demo/simulators/openai/server.js';
import { SLACK_DEMO_TOKEN, startSlackSimulator } from '../../../src/demo/simulators/slack/server.js';
import type { VendorSimulator } from '../../../src/demo/simulators/vendor-simulator.js';
import { ZENDESK_DEMO_EMAIL, ZENDESK_DEMO_TOKEN, startZendeskSimulator } from '../../../src/demo/simulators/zendesk/server.js';
import { MATRIX_DEMO_AS_TOKEN } from '../../../src/demo/simulators/matrix/server.js';

async function get(url: string, headers: Record<string, string>) {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain-text bodies (Zendesk's 429) stay text
  }
  return { status: response.status, headers: response.headers, body };
}

/** Every simulator seeds same-time groups in its long thread. */
function expectSharedTimes(times: number[]): void {
  expect(new Set(times).size).toBeLessThan(times.length);
}

describe('openai simulator', () => {
  let sim: VendorSimulator;
  const headers = { authorization: `Bearer ${OPENAI_DEMO_KEY}`, 'openai-beta': 'assistants=v2' };
  const list = (thread: string, query = '') => get(`${sim.origin}/v1/threads/${thread}/messages?${query}`, headers);
  beforeAll(async () => void (sim = await startOpenAiSimulator()));
  afterAll(() => sim.close());

  it('lists newest first, 20 by default, with first_id, last_id and has_more; order=asc reverses', async () => {
    const ids = sim.messageIds(sim.conversations.long);
    const { body } = await list(sim.conversations.long);
    expect(body).toMatchObject({ object: 'list', has_more: true, first_id: ids.at(-1), last_id: ids.at(-20) });
    expect(body.data).toHaveLength(20);
    expectSharedTimes((await list(sim.conversations.long, 'limit=100')).body.data.map((m: any) => m.created_at));
    const asc = await list(sim.conversations.long, `order=asc&after=${ids[4]}&limit=3`);
    expect(asc.body.data.map((m: any) => m.id)).toEqual(ids.slice(5, 8));
    const before = await list(sim.conversations.long, `order=asc&before=${ids[4]}&limit=3`);
    expect(before.body.data.map((m: any) => m.id)).toEqual(ids.slice(1, 4));
  });

  it('requires the OpenAI-Beta header and answers 404 alike for a thread of another project and an unknown one', async () => {
    expect((await get(`${sim.origin}/v1/threads/${sim.conversations.long}/messages`, { authorization: headers.authorization })).body.error.code).toBe('invalid_beta');
    const foreign = await list(sim.conversations.forbidden);
    expect(foreign).toMatchObject({ status: 404, body: { error: { message: `No thread found with id '${sim.conversations.forbidden}'.`, type: 'invalid_request_error' } } });
    expect((await list('thread_unknown')).status).toBe(404);
  });

  it('answers 429 with retry-after on demand', async () => {
    sim.throttle.limitNext(1, 3);
    const limited = await list(sim.conversations.long);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body.error.code).toBe('rate_limit_exceeded');
  });
});

describe('matrix simulator', () => {
  let sim: VendorSimulator;
  const headers = { authorization: `Bearer ${MATRIX_DEMO_AS_TOKEN}` };
  const messages = (room: string, query: string) =>
    get(`${sim.origin}/_matrix/client/v3/rooms/${encodeURIComponent(room)}/messages?user_id=${encodeURIComponent('@demo-user:example.org')}&${query}`, headers);
  beforeAll(async () => void (sim = await startMatrixSimulator()));
  afterAll(() => sim.close());

  it('pages backward from the newest until `end` is omitted, and forward from the start', async () => {
    const filter = encodeURIComponent('{"types":["m.room.message"]}');
    const seen: any[] = [];
    let from = '';
    for (;;) {
      const { body } = await messages(sim.conversations.long, `dir=b&limit=40&filter=${filter}${from}`);
      seen.push(...body.chunk);
      if (!body.end) break;
      from = `&from=${body.end}`;
    }
    expect(seen.map((event) => event.event_id).reverse()).toEqual(sim.messageIds(sim.conversations.long));
    expectSharedTimes(seen.map((event) => event.origin_server_ts));
    const forward = await messages(sim.conversations.long, 'dir=f&limit=5');
    expect(forward.body.chunk[0].type).toBe('m.room.create');
  });

  it('omits `end` for a room without messages, refuses a room the user is not in (or an unknown one) with 403', async () => {
    const empty = await messages(sim.conversations.empty, `dir=b&filter=${encodeURIComponent('{"types":["m.room.message"]}')}`);
    expect(empty.body.chunk).toEqual([]);
    expect(empty.body.end).toBeUndefined();
    const foreign = await messages(sim.conversations.forbidden, 'dir=b');
    expect(foreign).toMatchObject({ status: 403, body: { errcode: 'M_FORBIDDEN' } });
    expect((await messages('!unknown:example.org', 'dir=b')).status).toBe(403);
    expect((await messages(sim.conversations.long, 'limit=3')).body.errcode).toBe('M_INVALID_PARAM');
  });

  it('answers 429 M_LIMIT_EXCEEDED with retry_after_ms on demand', async () => {
    sim.throttle.limitNext(1, 2);
    expect(await messages(sim.conversations.long, 'dir=b')).toMatchObject({ status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 2000 } });
  });
});

describe('slack simulator', () => {
  let sim: VendorSimulator;
  const headers = { authorization: `Bearer ${SLACK_DEMO_TOKEN}` };
  const history = (query: string, auth = headers) => get(`${sim.origin}/api/conversations.history?${query}`, auth);
  beforeAll(async () => void (sim = await startSlackSimulator()));
  afterAll(() => sim.close());

  it('pages newest first by next_cursor; every ts is unique, same-second groups differ in µs', async () => {
    const seen: any[] = [];
    let cursor = '';
    for (;;) {
      const { body } = await history(`channel=${sim.conversations.long}&limit=40${cursor}`);
      seen.push(...body.messages);
      if (!body.response_metadata.next_cursor) break;
      cursor = `&cursor=${encodeURIComponent(body.response_metadata.next_cursor)}`;
    }
    const chat = seen.filter((message) => message.subtype !== 'channel_join').map((message) => message.ts);
    expect(chat.reverse()).toEqual(sim.messageIds(sim.conversations.long));
    expect(new Set(chat).size).toBe(chat.length);
    expectSharedTimes(chat.map((ts) => Math.floor(Number(ts))));
    const [one] = chat.slice(7, 8);
    const single = await history(`channel=${sim.conversations.long}&oldest=${one}&latest=${one}&inclusive=true&limit=1`);
    expect(single.body.messages.map((message: any) => message.ts)).toEqual([one]);
  });

  it('signals errors in HTTP 200 bodies, and rate limits as 429 with Retry-After', async () => {
    expect(await history(`channel=${sim.conversations.forbidden}`)).toMatchObject({ status: 200, body: { ok: false, error: 'not_in_channel' } });
    expect(await history('channel=C0UNKNOWN')).toMatchObject({ status: 200, body: { ok: false, error: 'channel_not_found' } });
    expect(await history(`channel=${sim.conversations.long}`, { authorization: 'Bearer xoxb-wrong' })).toMatchObject({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    sim.throttle.limitNext(1, 30);
    const limited = await history(`channel=${sim.conversations.long}`);
    expect(limited).toMatchObject({ status: 429, body: { ok: false, error: 'ratelimited' } });
    expect(limited.headers.get('retry-after')).toBe('30');
  });
});

describe('zendesk simulator', () => {
  let sim: VendorSimulator;
  const asViewer = { authorization: `Bearer ${ZENDESK_DEMO_TOKEN}`, 'x-on-behalf-of': ZENDESK_DEMO_EMAIL };
  const comments = (ticket: string, query: string, headers: Record<string, string> = asViewer) => get(`${sim.origin}/api/v2/tickets/${ticket}/comments?${query}`, headers);
  beforeAll(async () => void (sim = await startZendeskSimulator()));
  afterAll(() => sim.close());

  it('pages by cursor with links.next and meta.has_more, oldest first; desc reverses', async () => {
    const seen: any[] = [];
    let url: string | null = `${sim.origin}/api/v2/tickets/${sim.conversations.long}/comments?page[size]=40`;
    while (url) {
      const { body }: { body: any } = await get(url, asViewer);
      seen.push(...body.comments);
      url = body.meta.has_more ? body.links.next : null;
    }
    expect(seen.map((comment) => String(comment.id))).toEqual(sim.messageIds(sim.conversations.long));
    expectSharedTimes(seen.map((comment) => comment.created_at));
    const desc = await comments(sim.conversations.long, 'page[size]=2&sort_order=desc');
    expect(desc.body.comments.map((comment: any) => String(comment.id))).toEqual(sim.messageIds(sim.conversations.long).slice(-2).reverse());
  });

  it('hides internal notes and other customers\u2019 tickets from an end user; 404 for an unknown ticket', async () => {
    const asAgent = { authorization: asViewer.authorization };
    const all = await comments(sim.conversations.long, 'page[size]=100', asAgent);
    expect(all.body.comments.some((comment: any) => comment.public === false)).toBe(true);
    const mine = await comments(sim.conversations.long, 'page[size]=100');
    expect(mine.body.comments.every((comment: any) => comment.public)).toBe(true);
    expect(await comments(sim.conversations.forbidden, 'page[size]=5')).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    expect(await comments('999999', 'page[size]=5')).toMatchObject({ status: 404, body: { error: 'RecordNotFound' } });
  });

  it('answers 429 with Retry-After on demand', async () => {
    sim.throttle.limitNext(1, 5);
    const limited = await comments(sim.conversations.long, 'page[size]=5');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
  });
});
