/**
 * Vendor-neutral seed threads for the simulators of the `http` kind's presets (OpenAI, Matrix,
 * Slack, Zendesk): each simulator renders these into its vendor's wire shape. Deterministic (a
 * fixed-seed PRNG and fixed dates), so every start serves the same ids, texts and times. The long
 * thread puts groups of two and three messages on one timestamp on purpose: paging over any
 * upstream cursor must neither lose nor repeat them.
 */
import { seededRandom } from './seeded-random.js';

/** Who wrote a seed message: the viewer's side or the assistant/agent side. */
export type SeedAuthor = 'user' | 'assistant';

/** One seed message, oldest first in its thread. */
export interface SeedMessage {
  /** 0-based position in the thread (oldest = 0); simulators derive their vendor ids from it. */
  index: number;
  author: SeedAuthor;
  text: string;
  /** Creation time, epoch ms (whole seconds; equal for every member of a same-time group). */
  ms: number;
  /** Position inside its same-time group (0 for a message alone on its time). */
  tieRank: number;
}

/** Length of the long seed thread. */
export const LONG_THREAD_LENGTH = 150;

const QUESTIONS = [
  'Where is my order?',
  'Can I change the delivery address?',
  'The invoice shows the wrong VAT number.',
  'How do I reset my password?',
  'Is the blue model back in stock?',
  'Can you cancel the second item?',
  'The app logs me out every hour.',
  'Do you ship to Norway?',
];
const ANSWERS = [
  'Let me check that for you.',
  'Done, the change is saved.',
  'I have forwarded this to billing; expect an e-mail today.',
  'Use the "Forgot password" link on the sign-in page.',
  'It is back next Tuesday; I can reserve one for you.',
  'The second item is cancelled and refunded.',
  'Please update the app to the latest version and sign in again.',
  'Yes, delivery to Norway takes three to five working days.',
];

/** Indexes (in the long thread) where a group of messages shares one time, with the group size. */
const TIE_GROUPS = new Map<number, number>([
  [3, 3],
  [19, 2],
  [40, 3],
  [77, 2],
  [99, 3],
  [120, 2],
  [146, 3],
]);

/**
 * The long seed thread: `LONG_THREAD_LENGTH` messages from `startMs`, alternating user and
 * assistant, 20–300 s apart, with several same-time groups (see TIE_GROUPS).
 */
export function buildLongThread(startMs: number, seed: number): SeedMessage[] {
  const random = seededRandom(seed);
  const messages: SeedMessage[] = [];
  let ms = Math.floor(startMs / 1000) * 1000;
  let index = 0;
  while (index < LONG_THREAD_LENGTH) {
    const size = Math.min(TIE_GROUPS.get(index) ?? 1, LONG_THREAD_LENGTH - index);
    for (let rank = 0; rank < size; rank += 1) {
      const author: SeedAuthor = index % 2 === 0 ? 'user' : 'assistant';
      const pool = author === 'user' ? QUESTIONS : ANSWERS;
      const text = `${pool[Math.floor(random() * pool.length)]} (#${index + 1})`;
      messages.push({ index, author, text, ms, tieRank: rank });
      index += 1;
    }
    ms += (20 + Math.floor(random() * 280)) * 1000;
  }
  return messages;
}

/** A short thread of `count` messages a minute apart (for the "other" conversations). */
export function buildShortThread(startMs: number, count: number, topic: string): SeedMessage[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    author: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
    text: index % 2 === 0 ? `${topic}? (#${index + 1})` : `Answer about ${topic.toLowerCase()} (#${index + 1})`,
    ms: Math.floor(startMs / 1000) * 1000 + index * 60_000,
    tieRank: 0,
  }));
}
