/**
 * The seeded Chatwoot demo account: inboxes, two agents, bots, contacts (the demo contact
 * `demo-user` hidden among contacts whose identifiers merely contain that text, `alice`, …),
 * 30 conversations in every status and 335 messages. Deterministic: fixed 2026 dates and a
 * seeded generator, so ids and times are the same on every start. Message ids are global to
 * the account and handed out in time order, so the ids of one conversation interleave with
 * the others' exactly as in a real database. Times are epoch seconds.
 */
import { LONG_SCRIPT, SCRIPTS, type Script, type ScriptAttachment, type ScriptLine } from './fixture-scripts.js';
import { seededRandom } from '../seeded-random.js';

/** The demo account id (`/api/v1/accounts/1/...`). */
export const CHATWOOT_DEMO_ACCOUNT_ID = 1;
/** `api_access_token` of the administrator Priya Raman: every inbox of the account. */
export const CHATWOOT_DEMO_TOKEN = 'cwDm7Qk2Xv9LpRz4Tn8Wb3Hs';
/** Email of Priya Raman, the owner of `CHATWOOT_DEMO_TOKEN` (`GET /api/v1/profile`). */
export const CHATWOOT_DEMO_OWNER_EMAIL = 'priya@acme-support.example';
/** `api_access_token` of the agent Marco Bianchi: a member of the Website inbox only. */
export const CHATWOOT_AGENT_TOKEN = 'cwAg5Nf1Ye6KoJd8Uc2Vm7Pq';
/** The demo contact's `identifier` (the demo viewer id). */
export const CHATWOOT_DEMO_IDENTIFIER = 'demo-user';
/** Display id of the demo contact's long support thread (70 messages: notes, files, bots, activity). */
export const CHATWOOT_LONG_CONVERSATION_ID = 19;
/** Display id of the demo contact's order-notification thread (117 messages, mostly from a bot). */
export const CHATWOOT_BUSY_CONVERSATION_ID = 3;

/** Chatwoot's conversation statuses. */
export type SimStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
/** Chatwoot's conversation priorities (`enum priority: { low, medium, high, urgent }`). */
export type SimPriority = 'low' | 'medium' | 'high' | 'urgent';
/** Chatwoot's `sender_type` classes. */
export type SimSenderType = 'Contact' | 'User' | 'AgentBot' | 'Captain::Assistant';

/** An inbox and its channel class, e.g. `Channel::WebWidget`. */
export interface SimInbox { id: number; name: string; channelType: string }
/** An agent or administrator with an access token and the inboxes they belong to. */
export interface SimUser { id: number; name: string; email: string; role: 'administrator' | 'agent'; token: string; inboxIds: number[] }
/** An agent bot or a Captain assistant. */
export interface SimBot { id: number; name: string; description?: string }
/** A contact; `identifier` is the external user id the gateway matches viewers on. */
export interface SimContact {
  id: number;
  name: string;
  email: string | null;
  phoneNumber: string | null;
  identifier: string | null;
  createdAt: number;
}
/** A file on a message. */
export interface SimAttachment extends ScriptAttachment { id: number }
/** A message; `createdAt` in epoch seconds. */
export interface SimMessage {
  id: number;
  /** Display id of its conversation. */
  conversationId: number;
  /** 0 incoming, 1 outgoing, 2 activity, 3 template. */
  messageType: 0 | 1 | 2 | 3;
  content: string;
  contentType: 'text' | 'input_csat';
  private: boolean;
  createdAt: number;
  sender: { type: SimSenderType; id: number } | null;
  attachments: SimAttachment[];
}
/** A conversation; times in epoch seconds. */
export interface SimConversation {
  /** The per-account display id, the only id the API shows. */
  id: number;
  uuid: string;
  inboxId: number;
  contactId: number;
  assigneeId: number | null;
  status: SimStatus;
  createdAt: number;
  lastActivityAt: number;
  labels: string[];
  mailSubject: string | null;
  /** Snoozed until (epoch seconds); null or absent: until the next reply. */
  snoozedUntil?: number | null;
  /** Null or absent: no priority. */
  priority?: SimPriority | null;
  /** When an agent last looked (epoch seconds); null or absent: never. */
  agentLastSeenAt?: number | null;
}
/** Everything one simulated account holds. */
export interface ChatwootFixture {
  accountId: number;
  inboxes: SimInbox[];
  users: SimUser[];
  agentBots: SimBot[];
  assistants: SimBot[];
  /** In id order; the search endpoint lists them in this order. */
  contacts: SimContact[];
  conversations: SimConversation[];
  /** In id order (which is time order). */
  messages: SimMessage[];
  /** Titles of the labels defined in the account: the only ones a conversation can carry. */
  accountLabels: string[];
}

/** 2026-03-02T08:00:00Z, epoch seconds. */
const BASE = Date.UTC(2026, 2, 2, 8, 0, 0) / 1000;
const HOUR = 3600;

const INBOXES: SimInbox[] = [
  { id: 1, name: 'Website', channelType: 'Channel::WebWidget' },
  { id: 2, name: 'Support Email', channelType: 'Channel::Email' },
  { id: 3, name: 'WhatsApp', channelType: 'Channel::Whatsapp' },
  { id: 4, name: 'Order Updates', channelType: 'Channel::Api' },
];

const USERS: SimUser[] = [
  { id: 1, name: 'Priya Raman', email: CHATWOOT_DEMO_OWNER_EMAIL, role: 'administrator', token: CHATWOOT_DEMO_TOKEN, inboxIds: [1, 2, 3, 4] },
  { id: 2, name: 'Marco Bianchi', email: 'marco@acme-support.example', role: 'agent', token: CHATWOOT_AGENT_TOKEN, inboxIds: [1] },
];

/** Contacts whose identifier contains `demo-user` without being it: they come first in search results. */
const DECOYS: Array<[identifier: string, name: string]> = [
  ['demo-user-2', 'Demo User Two'], ['old-demo-user', 'Old Demo Account'], ['demo-user-staging', 'Staging Demo'],
  ['demo-user-test', 'Test Demo'], ['qa-demo-user', 'QA Demo'], ['demo-user-01', 'Demo 01'], ['demo-user-02', 'Demo 02'],
  ['demo-user-03', 'Demo 03'], ['demo-user-04', 'Demo 04'], ['demo-user-05', 'Demo 05'], ['demo-users', 'Demo Users Group'],
  ['xdemo-user', 'X Demo'], ['demo-user.bak', 'Demo Backup'], ['demo-user+1', 'Demo Plus One'],
  ['legacy-demo-user', 'Legacy Demo'], ['demo-user-eu', 'Demo EU'], ['demo-user-us', 'Demo US'],
];

const PEOPLE: Array<[identifier: string | null, name: string, email: string | null, phone: string | null]> = [
  ['demo-user', 'Demo User', 'demo@example.com', '+49 30 901820'],
  ['alice', 'Alice Moreau', 'alice@example.com', null],
  ['bob', 'Bob Okafor', 'bob.okafor@example.net', '+44 20 7946 0958'],
  ['carol', 'Carol Mendes', 'carol@mendes-design.example', null],
  ['dmitri', 'Dmitri Volkov', 'dmitri.v@example.org', '+49 341 2284 119'],
  ['emma', 'Emma Schultz', 'emma.schultz@example.com', null],
  ['farid', 'Farid Haddad', 'farid@example.net', '+33 1 70 36 41 22'],
  ['grace', 'Grace Liu', 'grace.liu@example.com', '+34 911 23 45 67'],
  ['hiro', 'Hiro Tanaka', 'hiro.tanaka@example.jp', null],
  ['ines', 'Inês Costa', 'ines.costa@example.pt', '+351 21 123 4567'],
  ['jonas', 'Jonas Berg', 'jonas.berg@example.se', null],
  ['kavya', 'Kavya Iyer', 'kavya@example.in', '+91 80 4567 1234'],
  [null, 'silent-river-42', null, null],
];

/** Conversations in creation order: [contact identifier (null: anonymous visitor), inbox, status, assignee, start hour, script]. */
const CONVERSATIONS: Array<[string | null, number, SimStatus, number | null, number, string]> = [
  ['bob', 1, 'resolved', 1, 1, 'login'], ['carol', 2, 'resolved', 1, 5, 'invoice-copy'],
  ['demo-user', 4, 'open', null, 6, 'busy'], ['dmitri', 3, 'resolved', 1, 20, 'shipping-delay'],
  ['alice', 2, 'open', 1, 26, 'damaged-speaker'], ['emma', 1, 'resolved', 2, 30, 'plug-pairing'],
  ['demo-user', 2, 'resolved', 1, 40, 'double-charge'], ['farid', 1, 'pending', null, 46, 'bot-after-hours'],
  ['grace', 3, 'snoozed', 1, 52, 'address-change'], ['demo-user-2', 1, 'open', 2, 60, 'login'],
  ['hiro', 1, 'resolved', 2, 70, 'gift-card'], ['alice', 1, 'resolved', 2, 80, 'password-reset'],
  ['ines', 2, 'open', 1, 95, 'warranty-question'], ['jonas', 1, 'open', 2, 110, 'plug-pairing'],
  ['kavya', 3, 'pending', null, 120, 'bot-after-hours'], ['demo-user', 3, 'snoozed', 1, 130, 'address-change'],
  ['old-demo-user', 1, 'resolved', 2, 140, 'gift-card'], ['bob', 2, 'open', 1, 150, 'invoice-copy'],
  ['demo-user', 1, 'open', 1, 170, 'long'], ['carol', 1, 'pending', 2, 180, 'api-limits'],
  [null, 1, 'open', null, 190, 'bot-after-hours'], ['emma', 3, 'snoozed', 1, 200, 'shipping-delay'],
  ['alice', 1, 'pending', null, 215, 'api-limits'], ['dmitri', 1, 'open', 2, 230, 'login'],
  ['farid', 2, 'resolved', 1, 250, 'warranty-question'], ['demo-user', 1, 'resolved', 2, 260, 'gift-card'],
  ['grace', 1, 'open', 2, 280, 'plug-pairing'], ['hiro', 2, 'snoozed', 1, 300, 'double-charge'],
  ['ines', 3, 'open', 1, 330, 'shipping-delay'], ['jonas', 1, 'resolved', 2, 360, 'password-reset'],
];

/** The order-notification thread: a bot posting status changes, the odd reply and note. */
function busyScript(random: () => number): Script {
  const carriers = ['DHL', 'UPS', 'GLS', 'DPD'];
  const products = ['Nestor T3 thermostat', 'Aria mini speaker', 'smart plug (2-pack)', 'Lumen desk lamp', 'kettle descaler', 'HEPA filter set'];
  const lines: ScriptLine[] = [];
  for (let order = 0; order < 33; order += 1) {
    const number = 58300 + order * 7;
    const product = products[order % products.length] as string;
    const carrier = carriers[order % carriers.length] as string;
    lines.push(['b', `Order #${number} confirmed: ${product}. We will let you know when it ships.`]);
    lines.push(['wait', 2 + Math.floor(random() * 4)]);
    lines.push(['b', `Order #${number} has shipped with ${carrier}. Tracking number ${carrier.slice(0, 2)}${(904417 + order * 131).toString()}.`]);
    if (order % 5 === 2) lines.push(['c', `Can you deliver order #${number} to my office instead? Same street, number 16.`], ['b', 'Request forwarded to the carrier. You will receive a confirmation by email.']);
    if (order % 8 === 5) lines.push(['n', `Carrier flagged #${number} as fragile, double-check packaging for the next shipment.`]);
    lines.push(['wait', 1 + Math.floor(random() * 3)]);
    lines.push(['b', `Order #${number} was delivered. Enjoy your ${product}!`]);
    lines.push(['wait', 2 + Math.floor(random() * 5)]);
  }
  return { lines };
}

/** Builds a fresh copy of the demo account. */
export function createChatwootFixture(): ChatwootFixture {
  const contacts: SimContact[] = [];
  const addContact = (identifier: string | null, name: string, email: string | null, phoneNumber: string | null) => {
    const id = contacts.length + 1;
    contacts.push({ id, name, email, phoneNumber, identifier, createdAt: BASE - 86400 * (60 - id) });
  };
  for (const [identifier, name] of DECOYS) addContact(identifier, name, `${identifier.replace(/[^a-z0-9]/g, '')}@example.org`, null);
  for (const [identifier, name, email, phone] of PEOPLE) addContact(identifier, name, email, phone);
  // Exactly one seeded contact has no identifier (an anonymous website visitor).
  const contactFor = (identifier: string | null) => contacts.find((contact) => contact.identifier === identifier) as SimContact;

  const conversations: SimConversation[] = [];
  const drafts: Array<Omit<SimMessage, 'id' | 'attachments'> & { attachment?: ScriptAttachment; order: number }> = [];
  CONVERSATIONS.forEach(([identifier, inboxId, status, assigneeId, startHour, scriptKey], index) => {
    const id = index + 1;
    const random = seededRandom(id * 7919);
    const contact = contactFor(identifier);
    const script = scriptKey === 'long' ? LONG_SCRIPT : scriptKey === 'busy' ? busyScript(random) : (SCRIPTS[scriptKey] as Script);
    const agent = USERS.find((user) => user.id === (assigneeId ?? 1)) as SimUser;
    let clock = BASE + startHour * HOUR;
    const createdAt = clock;
    for (const line of script.lines) {
      if (line[0] === 'wait') {
        clock += (line[1] as number) * HOUR;
        continue;
      }
      const [speaker, raw, attachment] = line as readonly [string, string, ScriptAttachment?];
      clock += 60 + Math.floor(random() * 17 * 60);
      const content = raw.replaceAll('{agent}', agent.name).replaceAll('{contact}', contact.name);
      const base = { conversationId: id, content, private: false, createdAt: clock, contentType: 'text' as const, attachment, order: drafts.length };
      if (speaker === 'c') drafts.push({ ...base, messageType: 0, sender: { type: 'Contact', id: contact.id } });
      else if (speaker === 'a') drafts.push({ ...base, messageType: 1, sender: { type: 'User', id: agent.id } });
      else if (speaker === 'n') drafts.push({ ...base, messageType: 1, private: true, sender: { type: 'User', id: agent.id } });
      else if (speaker === 'b') drafts.push({ ...base, messageType: 1, sender: { type: 'AgentBot', id: scriptKey === 'busy' ? 2 : 1 } });
      else if (speaker === 'q') drafts.push({ ...base, messageType: 1, sender: { type: 'Captain::Assistant', id: 1 } });
      else if (speaker === 'x') drafts.push({ ...base, messageType: 2, sender: null });
      else drafts.push({ ...base, messageType: 3, contentType: 'input_csat', sender: null });
    }
    conversations.push({
      id,
      uuid: uuidFor(id),
      inboxId,
      contactId: contact.id,
      assigneeId,
      status,
      createdAt,
      lastActivityAt: clock,
      labels: scriptKey === 'long' ? ['warranty', 'wifi'] : [],
      mailSubject: script.subject ?? null,
    });
  });

  drafts.sort((a, b) => a.createdAt - b.createdAt || a.order - b.order);
  let attachmentId = 301;
  const messages: SimMessage[] = drafts.map(({ attachment, order: _order, ...draft }, index) => ({
    ...draft,
    id: 4001 + index,
    attachments: attachment ? [{ ...attachment, id: attachmentId++ }] : [],
  }));
  // Agents last looked when they last wrote (or never, before any reply): the contact's messages
  // since then are unread, as in an inbox where the newest questions wait for an answer.
  for (const conversation of conversations) {
    const lastOutgoing = messages.filter((m) => m.conversationId === conversation.id && m.messageType === 1).at(-1);
    conversation.agentLastSeenAt = lastOutgoing?.createdAt ?? null;
  }
  return {
    accountId: CHATWOOT_DEMO_ACCOUNT_ID,
    inboxes: INBOXES.map((inbox) => ({ ...inbox })),
    users: USERS.map((user) => ({ ...user, inboxIds: [...user.inboxIds] })),
    agentBots: [
      { id: 1, name: 'Helper Bot' },
      { id: 2, name: 'Order Bot' },
    ],
    assistants: [{ id: 1, name: 'Captain', description: 'Answers product and API questions from the help center.' }],
    contacts,
    conversations,
    messages,
    accountLabels: ['billing', 'bug', 'refund', 'shipping', 'vip', 'warranty', 'wifi'],
  };
}

function uuidFor(id: number): string {
  const hex = (id * 2654435761).toString(16).padStart(8, '0').slice(-8);
  return `${hex}-4c1e-4d2a-9b7f-${id.toString(16).padStart(12, '0')}`;
}
