/**
 * Deterministic demo data for the generic REST chat-history simulator: a call-centre analytics
 * assistant. Built from a fixed-seed PRNG and fixed March 2026 dates, so every start serves the
 * same ids, texts and timestamps. Several groups of 2–3 messages share one second on purpose:
 * the API's timestamp cursors are exclusive, and paging must not lose them.
 */

import { seededRandom } from '../seeded-random.js';

/** The demo bearer token (the one the seed document uses in its examples). */
export const REST_DEMO_TOKEN = 'sk_test_51_fakeapikey123456';
/** The long demo conversation (130 messages over five days), named in the seed document. */
export const REST_DEMO_CONVERSATION_ID = 'con_9s2kd81';
/** The demo viewer id shared by every backend's demo data. */
export const REST_DEMO_USER = 'demo-user';

/** A stored message, in the upstream's wire shape. `created_at` is ISO 8601 UTC, whole seconds. */
export interface RestSimMessage {
  id: string;
  sender_type: 'user' | 'ai' | 'system';
  sender_id: string;
  text: string;
  metadata: Record<string, unknown>;
  created_at: string;
}

/** A stored conversation; messages oldest first (ties in the order they were written). */
export interface RestSimConversation {
  id: string;
  title: string;
  status: 'open' | 'resolved';
  messages: RestSimMessage[];
}

const BOT = 'ai_default_bot';

const QUESTIONS: Array<(n: number) => [string, string]> = [
  (n) => ['How many calls did we miss overnight?', `${n % 9 + 3} calls went to voicemail overnight, most of them between 06:00 and 07:00.`],
  (n) => ["What's the average handle time today?", `Average handle time is ${4 + (n % 4)}m ${10 + (n % 50)}s, about ${n % 12 + 2}% above last week.`],
  (n) => ['Which agent closed the most tickets?', `Priya closed ${n % 15 + 18} tickets, followed by Marco with ${n % 11 + 12}.`],
  () => ['Any spikes in billing-related calls?', 'Yes: billing calls doubled between 11:00 and 12:00 after the invoice e-mail went out.'],
  (n) => ['Summarize the sentiment of today\'s calls.', `${n % 20 + 60}% positive, ${n % 10 + 15}% neutral, the rest negative — mostly about long hold times.`],
  (n) => ['How long is the current queue?', `${n % 7 + 1} callers are waiting; the longest has waited ${n % 5 + 1} minutes.`],
  () => ['Draft a short note to the team about hold times.', 'Here is a draft: "Hold times crept up after lunch. Please prioritise the callback queue between 13:00 and 15:00."'],
  (n) => ['What share of calls were resolved on first contact?', `First-contact resolution was ${n % 15 + 70}% across ${n % 40 + 90} calls.`],
  () => ['Which topics came up most?', 'Password resets, delivery delays and invoice questions, in that order.'],
  (n) => ['Compare inbound and outbound volume.', `${n % 20 + 40} inbound and ${n % 9 + 5} outbound calls so far today.`],
  () => ['Were there any escalations?', 'Two escalations: one refund over the approval limit and one complaint about a repeated outage.'],
  (n) => ['How many voicemails are still unprocessed?', `${n % 6} voicemails are waiting; the oldest arrived ${n % 50 + 10} minutes ago.`],
  () => ['Give me the three longest calls.', 'The longest calls lasted 38, 31 and 27 minutes; all three were onboarding sessions.'],
  (n) => ['What was the abandonment rate?', `${n % 6 + 2}.${n % 10}% of callers hung up before reaching an agent.`],
];

const FOLLOW_UPS = ['Also, break it down by hour please.', 'And include the weekend numbers if you can.', 'Thanks — keep it short.'];

/** One day of the long conversation: when it starts and how many question/answer exchanges. */
const DAYS: Array<{ start: string; exchanges: number; tie: 0 | 1 | 2 }> = [
  { start: '2026-03-12T08:31:07Z', exchanges: 13, tie: 1 },
  { start: '2026-03-13T09:02:44Z', exchanges: 12, tie: 0 },
  { start: '2026-03-14T10:15:20Z', exchanges: 11, tie: 2 },
  { start: '2026-03-15T13:59:11Z', exchanges: 13, tie: 1 },
  { start: '2026-03-16T08:47:53Z', exchanges: 12, tie: 0 },
];

/**
 * Exchanges (global index) whose question is followed by a second user message in the same
 * second. Chosen so that same-second groups straddle page boundaries when the conversation is
 * scrolled back from the newest end in pages of 20 and of 7.
 */
const FOLLOW_UP_AT = new Set([4, 54]);
/** Exchanges (global index) whose question carries an attachment. */
const ATTACHMENT_AT = new Map<number, Record<string, unknown>>([
  [4, { id: 'att_7f3k21', url: 'https://files.example-ai.com/att_7f3k21/call-volume.png', type: 'image', name: 'call-volume.png', mime_type: 'image/png', size: 48213 }],
  // Written without an id, like the seed's loosely specified metadata.
  [31, { url: 'https://files.example-ai.com/exports/queue-2026-03-14.csv', type: 'document', name: 'queue-2026-03-14.csv', mime_type: 'text/csv', size: 9120 }],
]);

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function buildLongConversation(random: () => number, newId: () => string): RestSimConversation {
  const messages: RestSimMessage[] = [];
  const push = (sender_type: RestSimMessage['sender_type'], text: string, at: number, metadata: Record<string, unknown>, id = newId()) => {
    messages.push({ id, sender_type, sender_id: sender_type === 'user' ? REST_DEMO_USER : sender_type === 'ai' ? BOT : 'system', text, metadata, created_at: iso(at) });
  };
  let exchange = 0;
  DAYS.forEach((day, dayIndex) => {
    let at = Date.parse(day.start);
    push('system', dayIndex === 0 ? 'Conversation started from the analytics dashboard.' : 'Session resumed from the analytics dashboard.', at, { channel: 'web' });
    for (let i = 0; i < day.exchanges; i += 1, exchange += 1) {
      // The day's opening question shares the system line's second when `tie` says so.
      if (i > 0 || day.tie === 0) at += 1000 * (30 + Math.floor(random() * 570));
      const seedExchange = dayIndex === 3 && i === 0;
      const [question, answer] = seedExchange
        ? ["Hey, can you summarize today's calls?", 'Sure, you had 12 inbound and 5 outbound calls today.']
        : QUESTIONS[exchange % QUESTIONS.length]!(Math.floor(random() * 1000));
      const attachment = ATTACHMENT_AT.get(exchange);
      push('user', question, at, { channel: 'web', attachments: attachment ? [attachment] : [] }, seedExchange ? 'msg_92kd82' : undefined);
      if (FOLLOW_UP_AT.has(exchange) || (day.tie === 2 && i === 0)) {
        push('user', FOLLOW_UPS[exchange % FOLLOW_UPS.length]!, at, { channel: 'web', attachments: [] });
      }
      at = seedExchange ? Date.parse('2026-03-15T14:00:01Z') : at + 1000 * (2 + Math.floor(random() * 40));
      const metadata = seedExchange
        ? { model: 'gpt-4o-mini', latency_ms: 743 }
        : { model: exchange % 3 === 0 ? 'gpt-4o' : 'gpt-4o-mini', latency_ms: 300 + Math.floor(random() * 2200) };
      push('ai', answer, at, metadata, seedExchange ? 'msg_18dk03' : undefined);
    }
  });
  return { id: REST_DEMO_CONVERSATION_ID, title: 'Daily call summaries', status: 'open', messages };
}

function conversation(
  id: string,
  title: string,
  status: RestSimConversation['status'],
  user: string,
  start: string,
  lines: Array<[RestSimMessage['sender_type'], string, number]>,
  newId: () => string,
): RestSimConversation {
  let at = Date.parse(start);
  const messages = lines.map(([sender_type, text, gap]) => {
    at += gap * 1000;
    const metadata = sender_type === 'ai' ? { model: 'gpt-4o-mini', latency_ms: 400 + gap * 7 } : { channel: 'web', attachments: [] };
    return { id: newId(), sender_type, sender_id: sender_type === 'user' ? user : sender_type === 'ai' ? BOT : 'system', text, metadata, created_at: iso(at) };
  });
  return { id, title, status, messages };
}

/**
 * Builds the demo data set (fresh objects on every call):
 * - `con_9s2kd81` (demo-user): 130 messages, 2026-03-12 … 2026-03-16, user/ai alternating, five
 *   system lines, five groups of 2–3 messages sharing a second, `model`/`latency_ms` on ai
 *   messages, two user attachments; includes the seed's `msg_92kd82` / `msg_18dk03`.
 * - `con_7mw3ze0` (demo-user, resolved): 12 messages about a billing dispute.
 * - `con_b81kd5t` (demo-user): 4 messages about shift schedules.
 * - `con_4hx7q2p` (alice): 6 messages about onboarding.
 */
export function buildRestFixtures(): RestSimConversation[] {
  const random = seededRandom(0x2026_0312);
  const used = new Set<string>();
  const newId = (): string => {
    for (;;) {
      const id = `msg_${Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0')}`;
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
  used.add('msg_92kd82').add('msg_18dk03');
  return [
    buildLongConversation(random, newId),
    conversation('con_7mw3ze0', 'Billing dispute follow-up', 'resolved', REST_DEMO_USER, '2026-03-14T15:20:00Z', [
      ['user', 'I was charged twice for the March invoice. Can you check?', 0],
      ['ai', 'I can see two charges of €49.00 on 3 March. One of them is a pending authorisation.', 6],
      ['user', 'It has been pending for four days though.', 95],
      ['ai', 'Authorisations usually drop after five business days. I can open a refund request to be safe.', 8],
      ['user', 'Yes please.', 40],
      ['system', 'Refund request RF-20931 created.', 3],
      ['ai', 'Done: refund request RF-20931 is open. You will get an e-mail when it is processed.', 0],
      ['user', 'How long does processing take?', 120],
      ['ai', 'Typically two to three business days.', 5],
      ['user', 'Great, thanks.', 60],
      ['ai', 'You are welcome. Anything else?', 4],
      ['system', 'Conversation marked as resolved.', 300],
    ], newId),
    conversation('con_b81kd5t', 'Shift schedule question', 'open', REST_DEMO_USER, '2026-03-16T16:05:30Z', [
      ['user', 'Who is covering the evening shift on Friday?', 0],
      ['ai', 'Marco and Lena are scheduled from 16:00 to 22:00 on Friday 20 March.', 7],
      ['user', 'Can we add one more person after 18:00?', 48],
      ['ai', 'Priya has marked Friday evening as available; I can suggest her to the team lead.', 9],
    ], newId),
    conversation('con_4hx7q2p', 'Onboarding checklist', 'open', 'alice', '2026-03-10T09:12:00Z', [
      ['user', 'What do I need to finish before my first shift?', 0],
      ['ai', 'Three things: the phone-system training, the privacy module, and shadowing two calls.', 6],
      ['user', 'Where do I find the privacy module?', 75],
      ['ai', 'It is under Learning → Compliance in the staff portal.', 5],
      ['system', 'Checklist shared with alice.', 20],
      ['user', 'Got it, thanks!', 0],
    ], newId),
  ];
}
