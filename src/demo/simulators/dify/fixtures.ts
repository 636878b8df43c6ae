/**
 * Deterministic seed data of the Dify simulator: the conversations of a Brightdesk support
 * assistant app (texts in texts.ts). Everything derives from fixed 2026 dates and a fixed-seed
 * generator, so every start yields the same ids, times and order.
 *
 * Users and their conversations (most recently updated first):
 * - `demo-user` (25): the 45-exchange rollout conversation (`DIFY_LONG_CONVERSATION_ID`), a
 *   230-exchange daily check-in log (`DIFY_DEEP_CONVERSATION_ID`, deeper than one Dify page),
 *   then 23 short ones spread over 2026-03-01…13.
 *   One of the short ones ("Customer satisfaction dip") comes from the agent app: its exchanges
 *   carry agent thoughts (`mode: 'agent-chat'`).
 * - `alice` (3): short ones; `DIFY_ALICE_CONVERSATION_ID` is the newest.
 * - `bulk-user` (320): one exchange each, so a scan of the list needs more than 3 pages.
 */
import { ALICE_TOPICS, DAILY_CHECKINS, DEMO_TOPICS, ROLLOUT_EXCHANGES, ROLLOUT_TITLE, type Exchange } from './texts.js';
import { seededRandom } from '../seeded-random.js';

/** The app API key the simulator accepts (`Authorization: Bearer …`). */
export const DIFY_DEMO_API_KEY = 'app-demo-brightdesk-7c1e9a4f2b8d';
/** The demo viewer every backend seeds (the Dify `user` of its conversations). */
export const DIFY_DEMO_USER = 'demo-user';
/** A second user, to test isolation. */
export const DIFY_ALICE_USER = 'alice';
/** A user with more conversations than three Dify list pages hold. */
export const DIFY_BULK_USER = 'bulk-user';
/** demo-user's 45-exchange conversation (90 graph messages). */
export const DIFY_LONG_CONVERSATION_ID = '6f1d2c3b-8a4e-4f7a-9b1c-2d3e4f5a6b7c';
/** demo-user's 230-exchange conversation (460 graph messages). */
export const DIFY_DEEP_CONVERSATION_ID = 'a0c4e8f2-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
/** alice's newest conversation. */
export const DIFY_ALICE_CONVERSATION_ID = 'c7b3a1e9-5d2f-4c8a-b6e4-9f0a1b2c3d4e';
/** Title of demo-user's agent conversation, whose exchanges carry agent thoughts. */
export const DIFY_AGENT_CONVERSATION_TITLE = 'Customer satisfaction dip';
/** Exchanges of `DIFY_DEEP_CONVERSATION_ID`. */
export const DIFY_DEEP_EXCHANGES = 230;
/** Conversations of `DIFY_BULK_USER`. */
export const DIFY_BULK_CONVERSATIONS = 320;

/** A file as stored; the server turns `path` into a URL on its own origin. */
export interface DifyFixtureFile {
  /** The message file's id (seeded uploads use their upload's id). */
  id: string;
  filename: string;
  type: 'image' | 'document' | 'audio' | 'video' | 'custom';
  mimeType: string;
  /** Bytes. */
  size: number;
  transferMethod: 'local_file' | 'tool_file';
  belongsTo: 'user' | 'assistant';
  path: string;
  /** The `/files/upload` id of a `local_file` sent through the API (absent: `id`). */
  uploadFileId?: string;
}

/** A retriever resource (knowledge-base citation) of an answer. */
export interface DifyFixtureResource {
  position: number;
  datasetId: string;
  datasetName: string;
  documentId: string;
  documentName: string;
  segmentId: string;
  score: number;
  content: string;
}

/** One agent step (tool call or final thought) of an agent-app answer. Times in epoch ms. */
export interface DifyFixtureThought {
  id: string;
  position: number;
  thought: string;
  /** Tool names split by `;`, empty for the final thought. */
  tool: string;
  /** JSON text. */
  toolInput: string;
  observation: string;
  createdAtMs: number;
}

/** One exchange. Times are epoch milliseconds (Dify stores sub-second times, shows seconds). */
export interface DifyFixtureExchange {
  id: string;
  createdAtMs: number;
  query: string;
  answer: string;
  files: DifyFixtureFile[];
  feedback: 'like' | 'dislike' | null;
  /** Text of the end user's feedback (writes set it; seeded feedback has none). */
  feedbackContent?: string | null;
  /** When the feedback was given / last changed, epoch ms (default: 90 s after the exchange). */
  feedbackAtMs?: number;
  feedbackUpdatedAtMs?: number;
  resources: DifyFixtureResource[];
  /** Agent steps, only in agent-app conversations. */
  agentThoughts?: DifyFixtureThought[];
  /** `error` when generation failed (a stream that ended in an error event), with its message. */
  status?: 'normal' | 'error';
  error?: string | null;
}

/** A conversation as stored. Times are epoch milliseconds. */
export interface DifyFixtureConversation {
  id: string;
  /** The Dify end-user (`user` query parameter) owning it. */
  user: string;
  name: string;
  status: string;
  introduction: string;
  inputs: Record<string, unknown>;
  /** The app mode that produced it; agent apps stream agent thoughts. @default 'chat' */
  mode?: 'chat' | 'agent-chat';
  createdAtMs: number;
  updatedAtMs: number;
  /** Oldest first. */
  exchanges: DifyFixtureExchange[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const INTRODUCTION = "Hi! I'm the Brightdesk assistant. Ask me anything about setting up and running your help desk.";
const DOCUMENTS = [
  'billing-and-plans.md',
  'email-channel-setup.md',
  'sso-saml-okta.pdf',
  'automation-rules.md',
  'sla-policies.md',
  'webhooks-and-api.md',
  'data-privacy-and-export.md',
  'reporting-guide.md',
];


function createUuid(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Builds a fresh copy of the seed data (callers may mutate it). Exchange times are strictly
 * increasing within a conversation, and `updated_at`s are distinct: Dify pages with strict
 * `<` comparisons on both, so equal times would hide rows.
 */
export function createDifyFixtures(): DifyFixtureConversation[] {
  const random = seededRandom(20260314);
  const uuid = () => createUuid(random);
  const datasetId = uuid();

  function resourcesFor(answer: string, index: number): DifyFixtureResource[] {
    const count = 1 + (index % 2);
    return Array.from({ length: count }, (_, position) => ({
      position: position + 1,
      datasetId,
      datasetName: 'Brightdesk Help Center',
      documentId: uuid(),
      documentName: DOCUMENTS[(index + position * 3) % DOCUMENTS.length]!,
      segmentId: uuid(),
      score: Math.round((0.88 - position * 0.17 - random() * 0.08) * 1000) / 1000,
      content: position === 0 ? (answer.split('. ')[0] ?? answer) : answer.slice(0, 120),
    }));
  }

  function conversation(
    user: string,
    name: string,
    startMs: number,
    exchanges: readonly Exchange[],
    options: { id?: string; gapMs?: (index: number) => number; inputs?: Record<string, string> } = {},
  ): DifyFixtureConversation {
    // `at` stays on whole seconds; the sub-second part is drawn per exchange.
    let at = startMs;
    let offset = 0;
    const built = exchanges.map(([query, answer], index) => {
      const gap = index === 0 ? 0 : (options.gapMs?.(index) ?? 2 * MINUTE + Math.floor(random() * 180) * 1_000);
      at += gap;
      offset = index > 0 && gap === 0 ? offset + 1 + Math.floor(random() * (998 - offset)) : Math.floor(random() * 500);
      const exchange: DifyFixtureExchange = {
        id: uuid(),
        createdAtMs: at + offset,
        query,
        answer,
        files: [],
        feedback: null,
        resources: [],
      };
      return exchange;
    });
    const last = built[built.length - 1];
    return {
      id: options.id ?? uuid(),
      user,
      name,
      status: 'normal',
      introduction: INTRODUCTION,
      inputs: options.inputs ?? {},
      createdAtMs: startMs - 1_000,
      // The answer finishes streaming a few seconds after the query arrives.
      updatedAtMs: (last?.createdAtMs ?? startMs) + 6_000 + Math.floor(random() * 4_000),
      exchanges: built,
    };
  }

  const rollout = conversation(DIFY_DEMO_USER, ROLLOUT_TITLE, Date.UTC(2026, 2, 14, 14, 5), ROLLOUT_EXCHANGES, {
    id: DIFY_LONG_CONVERSATION_ID,
    // Exchange 36 arrives within the same second as 35 (a double submit): equal epoch seconds.
    gapMs: (index) => (index === 36 ? 0 : 2 * MINUTE + ((index * 37) % 180) * 1_000),
    inputs: { company: 'Northwind Outfitters', plan_interest: 'growth' },
  });
  rollout.exchanges.forEach((exchange, index) => {
    if (index % 3 === 1) exchange.resources = resourcesFor(exchange.answer, index);
    if ([2, 11, 25, 43].includes(index)) exchange.feedback = 'like';
    if ([8, 28].includes(index)) exchange.feedback = 'dislike';
  });
  const [screenshot, seatPlan, dpa] = [rollout.exchanges[3]!, rollout.exchanges[16]!, rollout.exchanges[29]!];
  screenshot.files.push(file(uuid(), 'invoice-preview.png', 'image', 'image/png', 184_320, 'user'));
  seatPlan.files.push(file(uuid(), 'seat-plan.csv', 'document', 'text/csv', 412, 'assistant'));
  dpa.files.push(file(uuid(), 'dpa-redlines.pdf', 'document', 'application/pdf', 248_117, 'user'));

  const checkins: Exchange[] = Array.from({ length: DIFY_DEEP_EXCHANGES }, (_, index) => {
    const [query, answer] = DAILY_CHECKINS[index % DAILY_CHECKINS.length]!;
    const n = 3 + ((index * 7) % 23);
    return [query, answer.replaceAll('{n}', String(n)).replaceAll('{m}', String(n + 9))] as const;
  });
  const deep = conversation(DIFY_DEMO_USER, 'Daily queue check-ins', Date.UTC(2026, 0, 27, 8, 30), checkins, {
    id: DIFY_DEEP_CONVERSATION_ID,
    // Five check-ins each morning, then the next morning.
    gapMs: (index) => (index % DAILY_CHECKINS.length === 0 ? 24 * HOUR - 16 * MINUTE : 4 * MINUTE),
  });
  deep.exchanges.forEach((exchange, index) => {
    if (index % 11 === 4) exchange.feedback = 'like';
  });

  const shortOnes = DEMO_TOPICS.map((topic, index) => {
    const start = Date.UTC(2026, 2, 13, 7, 0) - index * 13 * HOUR - Math.floor(random() * 90) * MINUTE;
    const built = conversation(DIFY_DEMO_USER, topic.title, start, topic.exchanges);
    const answered = built.exchanges[built.exchanges.length - 1]!;
    answered.resources = resourcesFor(answered.answer, index);
    if (index % 4 === 0) answered.feedback = 'like';
    if (index === 6) answered.feedback = 'dislike';
    return built;
  });

  markAgentConversation(shortOnes.find((item) => item.name === DIFY_AGENT_CONVERSATION_TITLE)!);

  const alice = ALICE_TOPICS.map((topic, index) =>
    conversation(DIFY_ALICE_USER, topic.title, Date.UTC(2026, 2, 12, 10, 0) - index * 26 * HOUR, topic.exchanges, {
      id: index === 0 ? DIFY_ALICE_CONVERSATION_ID : undefined,
    }),
  );

  const bulk = Array.from({ length: DIFY_BULK_CONVERSATIONS }, (_, index) => {
    const ticket = 48_000 + DIFY_BULK_CONVERSATIONS - index;
    const start = Date.UTC(2026, 2, 10, 18, 0) - index * 37 * MINUTE;
    return conversation(DIFY_BULK_USER, `Ticket triage #${ticket}`, start, [
      [
        `Suggest a group and priority for ticket #${ticket}.`,
        `Ticket #${ticket} looks like a billing question: group Tier 1, priority normal.`,
      ],
    ]);
  });

  // Other end users rate too: `/app/feedbacks` lists every user's feedback.
  alice[0]!.exchanges.at(-1)!.feedback = 'like';
  bulk[0]!.exchanges[0]!.feedback = 'dislike';

  return [rollout, deep, ...shortOnes, ...alice, ...bulk];
}

/**
 * Gives the agent conversation its tool calls. Ids come from their own generator so the rest of
 * the seed data keeps the ids it had before agent thoughts existed.
 */
function markAgentConversation(conversation: DifyFixtureConversation): void {
  const random = seededRandom(20260901);
  const steps: Array<[thought: string, tool: string, input: unknown, observation: unknown]> = [
    [
      'I should pull this week’s bad satisfaction ratings grouped by tag before answering.',
      'satisfaction_report',
      { satisfaction_report: { period: 'this_week', rating: 'bad', group_by: 'tag' } },
      { total_bad: 41, top_tags: [{ tag: 'shipping-delay', count: 29 }, { tag: 'refund', count: 6 }] },
    ],
    [
      'A proactive macro for the delay would help; let me look for the help-center article on incident macros.',
      'help_center_search',
      { help_center_search: { query: 'macro for known shipping delay' } },
      { articles: [{ title: 'Macros for known incidents', score: 0.91 }] },
    ],
  ];
  conversation.mode = 'agent-chat';
  conversation.exchanges.forEach((exchange, index) => {
    const [thought, tool, input, observation] = steps[index % steps.length]!;
    exchange.agentThoughts = [
      { id: createUuid(random), position: 1, thought, tool, toolInput: JSON.stringify(input), observation: JSON.stringify(observation), createdAtMs: exchange.createdAtMs + 1_200 },
      { id: createUuid(random), position: 2, thought: exchange.answer, tool: '', toolInput: '', observation: '', createdAtMs: exchange.createdAtMs + 3_400 },
    ];
  });
}

function file(
  id: string,
  filename: string,
  type: DifyFixtureFile['type'],
  mimeType: string,
  size: number,
  belongsTo: DifyFixtureFile['belongsTo'],
): DifyFixtureFile {
  const transferMethod = belongsTo === 'assistant' ? 'tool_file' : 'local_file';
  const extension = filename.slice(filename.lastIndexOf('.'));
  // Dify serves uploads and tool outputs from different signed paths.
  const path = transferMethod === 'tool_file' ? `/files/tools/${id}${extension}` : `/files/${id}/file-preview`;
  return { id, filename, type, mimeType, size, transferMethod, belongsTo, path };
}
