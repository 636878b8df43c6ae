/**
 * Canned model output of the Dify simulator: answers to new queries, follow-up suggestions,
 * generated conversation names, agent steps and transcripts. Deterministic (a hash of the
 * input picks the variant) but varied, so a demo conversation does not repeat itself and tests
 * can compare a streamed answer with the stored one.
 */
import { createHash } from 'node:crypto';

/** One agent step the simulated agent app takes before it answers. */
export interface CannedThought {
  thought: string;
  tool: string;
  /** JSON text, as Dify stores it. */
  toolInput: string;
  observation: string;
}

interface Topic {
  match: RegExp;
  answers: readonly string[];
  suggestions: readonly string[];
}

const TOPICS: readonly Topic[] = [
  {
    match: /bill|invoice|price|plan|seat|refund|pay/i,
    answers: [
      'Billing lives under Settings → Billing. Plan changes take effect at once and are prorated on the next invoice.',
      'Only the Owner can change the payment method, but any Admin can download invoices from Billing → History.',
      'Seats are counted per active agent; light agents are free on Growth and above.',
    ],
    suggestions: ['How is a plan change prorated?', 'Can invoices go to our finance team?', 'Are light agents billed?'],
  },
  {
    match: /sso|saml|okta|login|password|2fa|two-factor/i,
    answers: [
      'SAML SSO is set up under Settings → Security → Single sign-on; keep one Owner with a password login as a break-glass account.',
      'An Admin can reset an agent’s two-factor enrollment from Team → the agent → Security.',
      'Password policy (length, rotation) is under Settings → Security → Password policy.',
    ],
    suggestions: ['Can we enforce SSO for everyone?', 'Does Brightdesk support SCIM?', 'How do backup codes work?'],
  },
  {
    match: /mail|email|inbox|spam|dkim|spf/i,
    answers: [
      'Connect a mailbox under Channels → Email → Add mailbox and forward it to your @inbound.brightdesk.io address.',
      'Add the SPF include and the two DKIM CNAME records shown under Channels → Email → Domain verification.',
      'Suspected spam lands in the Suspended view, where false positives can be recovered.',
    ],
    suggestions: ['Do we need to change MX records?', 'How long does DKIM verification take?', 'Can I whitelist a sender?'],
  },
  {
    match: /rule|automat|route|routing|macro|trigger/i,
    answers: [
      'Automation rules run top to bottom under Settings → Automation; tick "Stop processing" to end at the first match.',
      'Time-based rules run every 15 minutes, for example to close tickets pending for 72 hours.',
      'A macro applies a set of actions in one click; rules apply them automatically on a trigger.',
    ],
    suggestions: ['Can rules run on a schedule?', 'How do I test a rule safely?', 'Can a rule notify Slack?'],
  },
  {
    match: /sla|business hours|breach|response time/i,
    answers: [
      'SLA timers count the business hours of the ticket’s group and pause while the ticket is pending on the customer.',
      'A breached SLA adds the "SLA breached" badge and fires any rule with that trigger.',
    ],
    suggestions: ['Can business hours differ by group?', 'What happens when an SLA is breached?', 'Do holidays pause SLAs?'],
  },
  {
    match: /api|token|webhook|integration|slack|crm/i,
    answers: [
      'Create a token under Settings → API → New token with the narrowest scope the integration needs.',
      'Webhooks are signed with HMAC-SHA256 in the X-Brightdesk-Signature header; verify it in constant time.',
      'Marketplace apps (Slack, CRM sidebars) install from Settings → Marketplace.',
    ],
    suggestions: ['How do I verify a webhook signature?', 'What are the API rate limits?', 'Which token scopes exist?'],
  },
  {
    match: /report|csat|satisfaction|metric|dashboard/i,
    answers: [
      'The satisfaction report can be filtered by rating and grouped by tag, group or agent.',
      'Dashboards refresh every 5 minutes; exports are available as CSV from each report.',
    ],
    suggestions: ['Can I schedule a report by email?', 'How is CSAT calculated?', 'Can reports be grouped by tag?'],
  },
];

const GENERIC_ANSWERS = [
  'Happy to help. The quickest route is usually Settings → the area you want to change; every change there is logged in the audit log.',
  'Good question. Brightdesk keeps that per workspace, so an Admin can change it without contacting support.',
  'Yes, that works on every plan. If you tell me a bit more about your setup I can give you the exact steps.',
  'Here is the short version: start in Settings, make the change on a test group first, then roll it out to everyone.',
];
const GENERIC_SUGGESTIONS = ['Where do I find this in Settings?', 'Does this work on every plan?', 'Can I try it on a test group first?'];

const TRANSCRIPTS = [
  'How do I connect our support mailbox?',
  'Can urgent tickets be routed to tier two automatically?',
  'Please summarise the open tickets for this morning.',
  'What does the Growth plan cost for fourteen agents?',
];

function pick<T>(items: readonly T[], seed: string): T {
  const index = createHash('sha256').update(seed).digest().readUInt32BE(0) % items.length;
  return items[index] as T;
}

function topicOf(text: string): Topic | undefined {
  return TOPICS.find((topic) => topic.match.test(text));
}

/**
 * The answer to `query`; `salt` (e.g. how many exchanges the conversation already has) varies
 * it between repeats of one question.
 */
export function cannedAnswer(query: string, salt: string): string {
  const topic = topicOf(query);
  const core = pick(topic?.answers ?? GENERIC_ANSWERS, `${query}|${salt}`);
  const excerpt = query.trim().replace(/\s+/g, ' ').slice(0, 60);
  return `${core} (You asked: "${excerpt}${query.trim().length > 60 ? '…' : ''}".)`;
}

/** Three follow-up questions for an answer, as `/messages/{id}/suggested` gives them. */
export function cannedSuggestions(query: string, answer: string): string[] {
  return [...(topicOf(`${query} ${answer}`)?.suggestions ?? GENERIC_SUGGESTIONS)];
}

/** A short title like the one Dify's model writes (`auto_generate`): the query's first words. */
export function generatedName(query: string): string {
  const sentence = query.trim().split(/(?<=[.?!])\s/)[0] ?? query;
  const plain = sentence.replace(/[?!.]+$/, '');
  if (plain.length <= 40) return plain || 'New conversation';
  return `${plain.slice(0, 40).replace(/\s+\S*$/, '')}…`;
}

/** The one tool call the simulated agent makes before answering `query`. */
export function cannedThought(query: string): CannedThought {
  const search = query.trim().replace(/\s+/g, ' ').slice(0, 80);
  return {
    thought: 'I should search the help center before answering.',
    tool: 'help_center_search',
    toolInput: JSON.stringify({ help_center_search: { query: search } }),
    observation: JSON.stringify({ articles: [{ title: pick(['Getting started', 'Admin guide', 'Billing FAQ'], search), score: 0.82 }] }),
  };
}

/** What the simulated speech-to-text model hears in an upload without embedded text. */
export function cannedTranscript(audio: Buffer): string {
  return pick(TRANSCRIPTS, createHash('sha256').update(audio).digest('hex'));
}
