/**
 * A real HTTP simulator of Slack's Web API for channel history, on loopback. Facts followed, with
 * their sources:
 * - `GET /api/conversations.history?channel&cursor&limit&oldest&latest&inclusive`: messages
 *   between `oldest` (default 0) and `latest` (default now), bounds exclusive unless
 *   `inclusive=true`, newest first; `limit` default 100, max 999; `has_more` and
 *   `response_metadata.next_cursor` ("an empty, null, or non-existent next_cursor … indicates
 *   no further results") (docs.slack.dev/reference/methods/conversations.history;
 *   docs.slack.dev/apis/web-api/pagination; newest-first order is not stated there, see
 *   /work/shared/API-NOTES.md).
 * - A message: `{ type: "message", user, text, ts }`; bot posts carry `subtype: "bot_message",
 *   bot_id, username`; joins are `subtype: "channel_join"`. `ts` is a string of epoch seconds
 *   with six decimals (µs) and is unique in its channel, so it is also the message's id; to read
 *   one message, ask `oldest = latest = ts` with `inclusive=true&limit=1` (docs.slack.dev,
 *   "Retrieving individual messages").
 * - `GET /api/conversations.info?channel` → `{ ok, channel: { id, name, created, updated } }`
 *   (`created` epoch seconds, `updated` epoch ms); `GET /api/users.conversations?cursor&limit`
 *   lists the conversations the token's user (here: the bot) is a member of
 *   (docs.slack.dev/reference/methods/conversations.info, users.conversations).
 * - **Errors come as HTTP 200 `{ ok: false, error }`**: `not_authed`, `invalid_auth`,
 *   `channel_not_found` (unknown, or private and not shared with the token), `not_in_channel`,
 *   `invalid_cursor`, `invalid_ts_latest`; rate limits as **HTTP 429 with `Retry-After`**
 *   (seconds) and `{ ok: false, error: "ratelimited" }` (docs.slack.dev/apis/web-api/rate-limits).
 * - Auth: `Authorization: Bearer xoxb-…` (docs.slack.dev/authentication).
 */
import { startSimulatorServer, type LoggedRequest, type SimulatorReply } from '../http-server.js';
import { Throttle } from '../throttle.js';
import { buildLongThread, buildShortThread, type SeedMessage } from '../vendor-threads.js';
import { stableId, type VendorSimulator, type VendorSimulatorOptions } from '../vendor-simulator.js';

/** The bot token the simulator accepts. */
export const SLACK_DEMO_TOKEN = 'xoxb-demo-0000000000-not-a-real-token';
/** The demo viewer's Slack user id. */
export const SLACK_DEMO_USER = 'U0DEMOUSER1';
const BOT_ID = 'B0SUPPORTBOT';

interface SlackMessage {
  type: 'message';
  subtype?: string;
  user?: string;
  bot_id?: string;
  username?: string;
  text: string;
  ts: string;
}

interface Channel {
  id: string;
  name: string;
  /** Whether the bot is a member (it may read history). */
  member: boolean;
  /** Private channels not shared with the bot are `channel_not_found`. */
  visible: boolean;
  created: number;
  /** Oldest first, ts unique. */
  messages: SlackMessage[];
}

const fail = (error: string, status = 200, headers?: Record<string, string>): SimulatorReply => ({
  status,
  body: { ok: false, error },
  ...(headers ? { headers } : {}),
});

/** A unique `ts` for a seed: its second plus a µs part that differs inside a same-second group. */
function tsOf(seed: SeedMessage): string {
  return `${Math.floor(seed.ms / 1000)}.${String(100 + seed.tieRank * 211 + (seed.index % 7)).padStart(6, '0')}`;
}

function channel(n: number, name: string, seeds: SeedMessage[], member = true, visible = true): Channel {
  const created = Math.floor((seeds[0]?.ms ?? Date.UTC(2026, 2, 1)) / 1000) - 120;
  const messages: SlackMessage[] = [
    { type: 'message', subtype: 'channel_join', user: SLACK_DEMO_USER, text: `<@${SLACK_DEMO_USER}> has joined the channel`, ts: `${created + 60}.000001` },
    ...seeds.map(
      (seed): SlackMessage =>
        seed.author === 'assistant'
          ? { type: 'message', subtype: 'bot_message', bot_id: BOT_ID, username: 'Support Bot', text: seed.text, ts: tsOf(seed) }
          : { type: 'message', user: SLACK_DEMO_USER, text: seed.text, ts: tsOf(seed) },
    ),
  ];
  return { id: `C0${stableId('', 700 + n, 9).toUpperCase()}`, name, member, visible, created, messages };
}

/** Cursors look like Slack's: base64 of `next_ts:<ts>` (the first message not yet returned). */
const encodeCursor = (ts: string) => Buffer.from(`next_ts:${ts}`).toString('base64');
function decodeCursor(cursor: string): string | null {
  const match = /^next_ts:(\d+\.\d{6})$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? match[1]! : null;
}

const TS = /^\d+(\.\d+)?$/;

function history(stored: Channel, query: URLSearchParams): SimulatorReply {
  const limit = Math.min(Math.max(Number(query.get('limit') ?? '100') || 100, 1), 999);
  const inclusive = ['true', '1'].includes(query.get('inclusive') ?? '');
  const oldest = query.get('oldest') ?? '0';
  const latest = query.get('latest');
  if (!TS.test(oldest)) return fail('invalid_ts_oldest');
  if (latest !== null && !TS.test(latest)) return fail('invalid_ts_latest');
  const cursor = query.get('cursor');
  const from = cursor ? decodeCursor(cursor) : null;
  if (cursor && !from) return fail('invalid_cursor');
  const inRange = stored.messages.filter((message) => {
    const ts = Number(message.ts);
    const aboveOldest = inclusive ? ts >= Number(oldest) : ts > Number(oldest);
    const belowLatest = latest === null || (inclusive ? ts <= Number(latest) : ts < Number(latest));
    return aboveOldest && belowLatest && (from === null || ts <= Number(from));
  });
  const newestFirst = inRange.reverse();
  const page = newestFirst.slice(0, limit);
  const next = newestFirst[limit];
  return {
    status: 200,
    body: {
      ok: true,
      messages: page,
      has_more: next !== undefined,
      pin_count: 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
      response_metadata: { next_cursor: next ? encodeCursor(next.ts) : '' },
    },
  };
}

function info(stored: Channel) {
  const last = stored.messages[stored.messages.length - 1];
  return {
    id: stored.id,
    name: stored.name,
    is_channel: true,
    is_private: !stored.visible,
    is_member: stored.member,
    created: stored.created,
    updated: Math.round(Number(last?.ts ?? stored.created) * 1000),
  };
}

/**
 * Starts the simulator: channels the bot is in — a long one (150 messages, same-second groups
 * that differ only in µs), one with no messages but a join, a short one — a public channel the
 * bot is not in (`not_in_channel`) and a private one it cannot see (`channel_not_found`).
 * `env` fills presets/slack-conversations-history.yaml.
 * @throws when the port cannot be bound
 */
export async function startSlackSimulator(options: VendorSimulatorOptions = {}): Promise<VendorSimulator> {
  const base = Date.UTC(2026, 2, 11, 7, 30, 0);
  const channels = [
    channel(1, 'support-orders', buildLongThread(base, 47)),
    channel(2, 'support-new', []),
    channel(3, 'finance', buildShortThread(base + 3_600_000, 5, 'Budget'), false),
    channel(4, 'support-passwords', buildShortThread(base + 86_400_000, 4, 'Password reset')),
    channel(5, 'hr-private', buildShortThread(base + 7_200_000, 3, 'Salaries'), false, false),
  ];
  const byId = new Map(channels.map((item) => [item.id, item]));
  const throttle = new Throttle();

  const route = (request: LoggedRequest): SimulatorReply => {
    const authorization = request.headers.authorization;
    if (!authorization) return fail('not_authed');
    if (authorization !== `Bearer ${SLACK_DEMO_TOKEN}`) return fail('invalid_auth');
    const retryAfter = throttle.take();
    if (retryAfter !== null) return fail('ratelimited', 429, { 'retry-after': String(retryAfter) });
    const method = request.path.replace(/^\/api\//, '');
    if (method === 'users.conversations') {
      const visible = channels.filter((item) => item.member);
      const limit = Math.min(Math.max(Number(request.query.get('limit') ?? '100') || 100, 1), 1000);
      const cursor = request.query.get('cursor');
      const start = cursor ? Number(Buffer.from(cursor, 'base64').toString('utf8').replace(/^offset:/, '')) : 0;
      if (!Number.isInteger(start) || start < 0) return fail('invalid_cursor');
      const page = visible.slice(start, start + limit);
      const more = start + limit < visible.length;
      return {
        status: 200,
        body: { ok: true, channels: page.map(info), response_metadata: { next_cursor: more ? Buffer.from(`offset:${start + limit}`).toString('base64') : '' } },
      };
    }
    if (method !== 'conversations.history' && method !== 'conversations.info') return fail('unknown_method', 404);
    const id = request.query.get('channel');
    if (!id) return fail('channel_not_found');
    const stored = byId.get(id);
    if (!stored || !stored.visible) return fail('channel_not_found');
    if (method === 'conversations.info') return { status: 200, body: { ok: true, channel: info(stored) } };
    if (!stored.member) return fail('not_in_channel');
    return history(stored, request.query);
  };

  const handle = await startSimulatorServer(route, { port: options.port });
  return {
    ...handle,
    throttle,
    conversations: { long: channels[0]!.id, empty: channels[1]!.id, forbidden: channels[2]!.id, short: channels[3]!.id },
    messageIds: (id) => (byId.get(id)?.messages ?? []).filter((message) => message.subtype !== 'channel_join').map((message) => message.ts),
    env: { SLACK_API_URL: `${handle.origin}/api`, SLACK_BOT_TOKEN: SLACK_DEMO_TOKEN },
  };
}
