/**
 * A Dify Service API simulator (chat app) over real HTTP, stateful: reads (reads.ts), the
 * management API (writes.ts), sending and streaming (chat.ts) and audio (audio.ts) over the
 * seeded data of fixtures.ts, with Dify's routing, auth and error bodies
 * (api/controllers/service_api/wraps.py, api/libs/external_api.py):
 * - auth: `Authorization: Bearer <app key>`; a missing, non-Bearer or unknown key answers 401
 *   `{"code":"unauthorized",…}` with `WWW-Authenticate: Bearer realm="api"`;
 * - an unknown path (or a path id that is not a UUID) answers 404, a known path with another
 *   method 405;
 * - `user` comes from the query on GETs, from the JSON body on POST/DELETE, from the form on
 *   `/audio-to-text` and `/files/upload` (files.ts), and is not needed by `/app/feedbacks`. Unlike current Dify builds, which
 *   fall back to a shared default end user, a missing `user` answers 400 "Arg user must be
 *   provided." (Dify's answer where `user` is required);
 * - users are isolated: another user's conversation or message answers 404.
 * Not simulated: `/files` downloads (file URLs point here but answer 404), `/parameters`,
 * `/meta`, annotations, conversation variables, workflow events.
 */
import { startSimulatorServer, type LoggedRequest, type SimulatorReply, type StartedSimulator } from '../http-server.js';
import { audioToText, textToAudio } from './audio.js';
import { sendChatMessage, stopChatMessage } from './chat.js';
import { uploadFile } from './files.js';
import { createDifyFixtures, DIFY_DEMO_API_KEY, type DifyFixtureConversation } from './fixtures.js';
import { listConversations, listMessages } from './reads.js';
import {
  createDifyState,
  type DifyFileUploadSettings,
  type DifyHandler,
  type DifySimulatorOptions,
  type DifyStopCall,
  type DifyStreamFault,
} from './state.js';
import { difyError, normalizeUuid, UUID } from './validation.js';
import { deleteConversation, listAppFeedbacks, rateMessage, renameConversation, suggestedQuestions } from './writes.js';

export type { DifyFileUploadSettings, DifySimulatorOptions, DifyStopCall, DifyStreamFault } from './state.js';

/** Which requests an injected failure applies to (absent: any). */
export interface DifyFailureMatch {
  method?: string;
  /** Exact path (e.g. `/v1/chat-messages`) or a pattern tested against it. */
  path?: string | RegExp;
}

/** The Dify simulator's handle: a `StartedSimulator` that can also fail on purpose. */
export interface DifySimulator extends StartedSimulator {
  /** The live data (seed plus writes); tests may read it. */
  data: DifyFixtureConversation[];
  /** Every stop call received, oldest first. */
  stopCalls: DifyStopCall[];
  /**
   * Answers the next `times` requests (matching `match`, if given) with `reply` instead of
   * routing them (e.g. a 429 or 503). Such requests are still logged and counted.
   */
  injectFailure(reply: SimulatorReply, times?: number, match?: DifyFailureMatch): void;
  /** The next streaming send plays `fault` (an `error` event, HTTP still 200, or a `message_replace`). */
  injectStreamFault(fault: DifyStreamFault): void;
  /** Switches the app's suggested-questions feature (403 on `/suggested` while off). */
  setSuggestedQuestions(enabled: boolean): void;
  /** Changes the app's file upload settings (files.ts). */
  setFileUpload(settings: DifyFileUploadSettings): void;
  /** Resolves once no streaming generation is running (answers stored). */
  whenIdle(): Promise<void>;
}

type UserFrom = 'query' | 'json' | 'none';
const UUID_SEGMENT = '([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})';
const ROUTES: Array<{ path: RegExp; methods: Record<string, [UserFrom, DifyHandler]> }> = [
  { path: /^\/v1\/conversations$/, methods: { GET: ['query', listConversations] } },
  { path: /^\/v1\/messages$/, methods: { GET: ['query', listMessages] } },
  { path: new RegExp(`^/v1/messages/${UUID_SEGMENT}/feedbacks$`), methods: { POST: ['json', rateMessage] } },
  { path: new RegExp(`^/v1/messages/${UUID_SEGMENT}/suggested$`), methods: { GET: ['query', suggestedQuestions] } },
  { path: /^\/v1\/app\/feedbacks$/, methods: { GET: ['none', listAppFeedbacks] } },
  { path: new RegExp(`^/v1/conversations/${UUID_SEGMENT}/name$`), methods: { POST: ['json', renameConversation] } },
  { path: new RegExp(`^/v1/conversations/${UUID_SEGMENT}$`), methods: { DELETE: ['json', deleteConversation] } },
  { path: /^\/v1\/chat-messages$/, methods: { POST: ['json', sendChatMessage] } },
  { path: /^\/v1\/chat-messages\/([^/]+)\/stop$/, methods: { POST: ['json', stopChatMessage] } },
  { path: /^\/v1\/text-to-audio$/, methods: { POST: ['json', textToAudio] } },
  { path: /^\/v1\/audio-to-text$/, methods: { POST: ['none', audioToText] } },
  { path: /^\/v1\/files\/upload$/, methods: { POST: ['none', uploadFile] } },
];
/** Werkzeug's NotFound text, which Dify's error handler wraps. */
const ROUTE_NOT_FOUND =
  'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.';

/**
 * Starts the simulator on loopback (`port` 0 or absent: a free port).
 * @param options.conversations seed data to serve instead of `createDifyFixtures()` (benchmarks
 *   seed one conversation of a chosen size)
 * @returns the handle; `sourceConfig` is `{ kind: 'dify', baseUrl: <origin>/v1, apiKey }`.
 */
export async function startDifySimulator(
  options: DifySimulatorOptions & { conversations?: DifyFixtureConversation[] } = {},
): Promise<DifySimulator> {
  const state = createDifyState(options.conversations ?? createDifyFixtures(), options);
  const failures: Array<{ reply: SimulatorReply; match?: DifyFailureMatch }> = [];
  const handle = await startSimulatorServer((request) => {
    const index = failures.findIndex(({ match }) => matches(request, match));
    if (index >= 0) return failures.splice(index, 1)[0]!.reply;
    return route(request);
  }, { port: options.port });
  state.origin = handle.origin;

  function route(request: LoggedRequest): SimulatorReply | Promise<SimulatorReply> {
    let params: string[] | undefined;
    const entry = ROUTES.find((candidate) => {
      const match = candidate.path.exec(request.path);
      if (match) params = match.slice(1).map((value) => (UUID.test(value) ? normalizeUuid(value) : value));
      return match !== null;
    });
    if (!entry || !params) return difyError(404, 'not_found', ROUTE_NOT_FOUND);
    const method = entry.methods[request.method];
    if (!method) return difyError(405, 'method_not_allowed', 'The method is not allowed for the requested URL.');
    const denied = checkAuth(request.headers.authorization);
    if (denied) return denied;
    const [userFrom, handler] = method;
    const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
    const raw = userFrom === 'query' ? request.query.get('user') : userFrom === 'json' ? body.user : 'app';
    const user = typeof raw === 'string' ? raw.trim() : '';
    if (!user) return difyError(400, 'invalid_param', 'Arg user must be provided.');
    return handler({ request, params, user, body, state });
  }

  return {
    ...handle,
    data: state.conversations,
    stopCalls: state.stopCalls,
    sourceConfig: { kind: 'dify', baseUrl: `${handle.origin}/v1`, apiKey: DIFY_DEMO_API_KEY },
    injectFailure(reply, times = 1, match) {
      for (let index = 0; index < times; index += 1) failures.push({ reply, match });
    },
    injectStreamFault(fault) {
      state.streamFaults.push(fault);
    },
    setSuggestedQuestions(enabled) {
      state.suggestedQuestions = enabled;
    },
    setFileUpload(settings) {
      state.fileUpload = settings;
    },
    async whenIdle() {
      while (state.tasks.size > 0) await Promise.all([...state.tasks.values()].map((task) => task.done));
    },
    async close() {
      // Running generations end at their next step instead of outliving the server.
      for (const task of state.tasks.values()) task.stopped = true;
      await handle.close();
    },
  };
}

function matches(request: LoggedRequest, match: DifyFailureMatch | undefined): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== request.method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? match.path === request.path : match.path.test(request.path);
}

function checkAuth(header: string | undefined): SimulatorReply | undefined {
  const deny = (message: string) => difyError(401, 'unauthorized', message, { 'www-authenticate': 'Bearer realm="api"' });
  if (!header || !header.includes(' ')) return deny("Authorization header must be provided and start with 'Bearer'");
  // Python's `header.split(None, 1)`.
  const trimmed = header.trimStart();
  const scheme = trimmed.split(/\s/, 1)[0] ?? '';
  const token = trimmed.slice(scheme.length).trimStart();
  if (scheme.toLowerCase() !== 'bearer') return deny("Authorization scheme must be 'Bearer'");
  if (token !== DIFY_DEMO_API_KEY) return deny('Access token is invalid');
  return undefined;
}
