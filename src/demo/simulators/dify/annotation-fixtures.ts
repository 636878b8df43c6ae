/**
 * Seed annotations of the Dify simulator's demo app (the Brightdesk support assistant): a few
 * curated question-and-answer pairs with hit counts, at fixed 2026 dates so every start serves
 * the same ids and order.
 */
import { uuidFrom } from './validation.js';

/** One annotation as stored. Times in epoch ms. */
export interface DifyFixtureAnnotation {
  id: string;
  question: string;
  answer: string;
  hitCount: number;
  createdAtMs: number;
}

const SEEDED: Array<[question: string, answer: string, hits: number]> = [
  ['What are your support hours?', 'Our support team answers Monday to Friday, 08:00–18:00 CET. Urgent incidents are handled around the clock.', 41],
  ['How do I reset my password?', 'Open Settings → Security → "Reset password"; a link valid for 30 minutes is sent to your account email.', 27],
  ['Can I export my ticket history?', 'Yes: Reports → Export lets admins download every ticket as CSV or JSON.', 12],
  ['Do you offer refunds?', 'Annual plans can be refunded pro rata within 30 days of purchase; contact billing@brightdesk.example.', 8],
  ['Where is my data stored?', 'In the EU (Frankfurt), encrypted at rest; see the data processing agreement for sub-processors.', 5],
  ['How do I add a teammate?', 'Admins invite teammates under Settings → Team → Invite; the seat is billed from the day they join.', 3],
];

/** The seeded annotations of the demo app, one a day from 2026-02-02 (oldest first). */
export function createDifyAnnotations(): DifyFixtureAnnotation[] {
  return SEEDED.map(([question, answer, hitCount], index) => ({
    id: uuidFrom(`annotation:${index}`),
    question,
    answer,
    hitCount,
    createdAtMs: Date.UTC(2026, 1, 2 + index, 9, 15),
  }));
}
