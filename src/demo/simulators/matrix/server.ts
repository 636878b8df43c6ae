/**
 * A real HTTP simulator of the Matrix client-server API's room history (v3), on loopback, as an
 * application service sees it. Facts followed, with their sources:
 * - `GET /_matrix/client/v3/rooms/{roomId}/messages`: `dir` `b|f` (required), `from` (a token;
 *   optional since v1.3: omitted = from the end for `dir=b`, from the start for `dir=f`), `to`,
 *   `limit` (default 10), `filter` (a RoomEventFilter as JSON, e.g. `{"types":["m.room.message"]}`);
 *   answers `{ start, end?, chunk, state? }`; `dir=b` lists newest first, `dir=f` oldest first;
 *   **`end` is omitted when there are no more events** — an empty `chunk` alone does not mean
 *   that (matrix-org/matrix-spec `data/api/client-server/message_pagination.yaml`).
 * - A room event: `event_id, room_id, sender, type, origin_server_ts` (epoch ms), `content`
 *   (`m.room.message`: `body, msgtype`; `m.notice` is the msgtype for automated senders such as
 *   bots) (matrix-spec `data/api/client-server/definitions/client_event.yaml`, "m.notice").
 * - `GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}`: 404 `M_NOT_FOUND` when the event
 *   does not exist or the user may not see it; `GET /_matrix/client/v3/joined_rooms` →
 *   `{ joined_rooms }`; `GET …/rooms/{roomId}/state/m.room.name` → `{ name }` (client-server API).
 * - An application service authenticates with its `as_token` and acts as a user of its namespace
 *   with `?user_id=@localpart:server` ("identity assertion", application service API).
 * - A user not in the room gets 403 `M_FORBIDDEN` — for an unknown room too (Synapse answers
 *   403 for both, so a client cannot probe which rooms exist); 401 `M_UNKNOWN_TOKEN` for a bad
 *   token; 429 `M_LIMIT_EXCEEDED` with `retry_after_ms` in the body (servers before spec v1.10
 *   send no `Retry-After` header; errors are `{ errcode, error }`) (client-server API, "Rate
 *   limiting", "Standard error response").
 * Tokens here are `t<position>` (opaque to clients, like Synapse's `t123-45_…`).
 */
import { startSimulatorServer, type LoggedRequest, type SimulatorReply } from '../http-server.js';
import { Throttle } from '../throttle.js';
import { buildLongThread, buildShortThread, type SeedMessage } from '../vendor-threads.js';
import { stableId, type VendorSimulator, type VendorSimulatorOptions } from '../vendor-simulator.js';

/** The application service token the simulator accepts. */
export const MATRIX_DEMO_AS_TOKEN = 'syt_demo_appservice_token_not_real';
/** The homeserver name of the simulated users and rooms. */
export const MATRIX_SERVER_NAME = 'example.org';
/** The bot user answering in the demo rooms. */
export const MATRIX_BOT = `@support-bot:${MATRIX_SERVER_NAME}`;

interface RoomEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
}

interface Room {
  id: string;
  name: string;
  members: Set<string>;
  /** The whole timeline, oldest first: state events, then messages. */
  timeline: RoomEvent[];
}

const error = (status: number, errcode: string, message: string, extra: Record<string, unknown> = {}): SimulatorReply => ({
  status,
  body: { errcode, error: message, ...extra },
});

function room(n: number, name: string, members: string[], seeds: SeedMessage[], viewer: string): Room {
  const id = `!${stableId('', 500 + n, 18)}:${MATRIX_SERVER_NAME}`;
  const createdMs = (seeds[0]?.ms ?? Date.UTC(2026, 2, 1)) - 60_000;
  const state = (type: string, stateKey: string, content: Record<string, unknown>, sender: string, offset: number): RoomEvent => ({
    event_id: `$${stableId('', n * 100_000 + 90_000 + offset, 43)}`,
    room_id: id,
    sender,
    type,
    origin_server_ts: createdMs + offset,
    content,
    state_key: stateKey,
  });
  const creator = members[0]!;
  const timeline: RoomEvent[] = [
    state('m.room.create', '', { room_version: '10' }, creator, 0),
    ...members.map((member, i) => state('m.room.member', member, { membership: 'join' }, member, 1 + i)),
    state('m.room.name', '', { name }, creator, 10),
  ];
  for (const seed of seeds) {
    const bot = seed.author === 'assistant';
    timeline.push({
      event_id: `$${stableId('', n * 100_000 + seed.index, 43)}`,
      room_id: id,
      sender: bot ? MATRIX_BOT : viewer,
      type: 'm.room.message',
      origin_server_ts: seed.ms,
      content: { msgtype: bot ? 'm.notice' : 'm.text', body: seed.text },
    });
  }
  return { id, name, members: new Set(members), timeline };
}

function parseFilter(raw: string | null): { types?: string[] } | null {
  if (raw === null) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object') return null;
    const types = (parsed as { types?: unknown }).types;
    if (types !== undefined && (!Array.isArray(types) || !types.every((type) => typeof type === 'string'))) return null;
    return { types: types as string[] | undefined };
  } catch {
    return null;
  }
}

function messages(stored: Room, query: URLSearchParams): SimulatorReply {
  const dir = query.get('dir');
  if (dir !== 'b' && dir !== 'f') return error(400, 'M_INVALID_PARAM', "Unknown or missing 'dir' parameter");
  const rawLimit = query.get('limit') ?? '10';
  if (!/^\d+$/.test(rawLimit)) return error(400, 'M_INVALID_PARAM', "Query parameter 'limit' must be an integer");
  const limit = Math.min(Number(rawLimit), 1000);
  const filter = parseFilter(query.get('filter'));
  if (!filter) return error(400, 'M_NOT_JSON', 'Invalid filter JSON');
  const size = stored.timeline.length;
  const parse = (token: string | null, fallback: number): number | null => {
    if (token === null) return fallback;
    const match = /^t(\d+)$/.exec(token);
    return match && Number(match[1]) <= size ? Number(match[1]) : null;
  };
  const from = parse(query.get('from'), dir === 'b' ? size : 0);
  const to = parse(query.get('to'), dir === 'b' ? 0 : size);
  if (from === null || to === null) return error(400, 'M_INVALID_PARAM', 'Invalid pagination token');
  const visible = (event: RoomEvent) => !filter.types || filter.types.includes(event.type);
  // A position sits between events: events[p - 1] is just before position p.
  const chunk: RoomEvent[] = [];
  let position = from;
  if (dir === 'b') {
    while (position > to && chunk.length < limit) {
      position -= 1;
      if (visible(stored.timeline[position]!)) chunk.push(stored.timeline[position]!);
    }
  } else {
    while (position < to && chunk.length < limit) {
      if (visible(stored.timeline[position]!)) chunk.push(stored.timeline[position]!);
      position += 1;
    }
  }
  const more = dir === 'b' ? position > to : position < to;
  return { status: 200, body: { start: `t${from}`, ...(more ? { end: `t${position}` } : {}), chunk } };
}

/**
 * Starts the simulator: rooms of the demo user with the support bot — a long one (150 messages,
 * same-millisecond groups), one without messages, a short one — and a room the demo user is not
 * in (403). `env` fills presets/matrix-room-messages.yaml.
 * @throws when the port cannot be bound
 */
export async function startMatrixSimulator(options: VendorSimulatorOptions & { viewer?: string } = {}): Promise<VendorSimulator> {
  const viewer = `@${options.viewer ?? 'demo-user'}:${MATRIX_SERVER_NAME}`;
  const stranger = `@someone-else:${MATRIX_SERVER_NAME}`;
  const base = Date.UTC(2026, 2, 9, 14, 0, 0);
  const rooms = [
    room(1, 'Order #4471', [viewer, MATRIX_BOT], buildLongThread(base, 33), viewer),
    room(2, 'New question', [viewer, MATRIX_BOT], [], viewer),
    room(3, 'Private room', [stranger, MATRIX_BOT], buildShortThread(base + 3_600_000, 5, 'Somebody else'), stranger),
    room(4, 'Password reset', [viewer, MATRIX_BOT], buildShortThread(base + 86_400_000, 4, 'Password reset'), viewer),
  ];
  const byId = new Map(rooms.map((item) => [item.id, item]));
  const throttle = new Throttle();

  const route = (request: LoggedRequest): SimulatorReply => {
    if (request.headers.authorization !== `Bearer ${MATRIX_DEMO_AS_TOKEN}`) {
      return error(401, 'M_UNKNOWN_TOKEN', 'Unrecognised access token.', { soft_logout: false });
    }
    const retryAfter = throttle.take();
    if (retryAfter !== null) return error(429, 'M_LIMIT_EXCEEDED', 'Too Many Requests', { retry_after_ms: retryAfter * 1000 });
    if (request.method !== 'GET') return error(405, 'M_UNRECOGNIZED', 'Unrecognized request');
    const user = request.query.get('user_id') ?? MATRIX_BOT;
    if (request.path === '/_matrix/client/v3/joined_rooms') {
      return { status: 200, body: { joined_rooms: rooms.filter((item) => item.members.has(user)).map((item) => item.id) } };
    }
    const match = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/(messages|event\/([^/]+)|state\/m\.room\.name)$/.exec(request.path);
    if (!match) return error(404, 'M_UNRECOGNIZED', 'Unrecognized request');
    const roomId = decodeURIComponent(match[1]!);
    const stored = byId.get(roomId);
    if (match[3] !== undefined) {
      const eventId = decodeURIComponent(match[3]);
      const event = stored?.members.has(user) ? stored.timeline.find((item) => item.event_id === eventId) : undefined;
      return event ? { status: 200, body: event } : error(404, 'M_NOT_FOUND', 'Event not found.');
    }
    if (!stored || !stored.members.has(user)) {
      return error(403, 'M_FORBIDDEN', `User ${user} not in room ${roomId}, and room previews are disabled`);
    }
    if (match[2] === 'messages') return messages(stored, request.query);
    return { status: 200, body: { name: stored.name } };
  };

  const handle = await startSimulatorServer(route, { port: options.port });
  return {
    ...handle,
    throttle,
    conversations: { long: rooms[0]!.id, empty: rooms[1]!.id, forbidden: rooms[2]!.id, short: rooms[3]!.id },
    messageIds: (id) => (byId.get(id)?.timeline ?? []).filter((event) => event.type === 'm.room.message').map((event) => event.event_id),
    env: { MATRIX_HOMESERVER_URL: handle.origin, MATRIX_AS_TOKEN: MATRIX_DEMO_AS_TOKEN, MATRIX_SERVER_NAME },
  };
}
