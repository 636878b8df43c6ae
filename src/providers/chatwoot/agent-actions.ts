/**
 * Chatwoot agent actions (DESIGN §7, like `setConversationStatus` in writes.ts): assign, label,
 * prioritise and mark read, through the Application API with the source's token. Only agents
 * (config `agentRole`) may; a contact gets FORBIDDEN on a conversation they can see and NOT_FOUND
 * on any other, the same answer as a read. Writes are never retried, and each is idempotent by
 * what it asks for: assigning, setting a priority or labels twice leaves the same state.
 *
 * Which agent a viewer is: the account agent (`GET /agents`) whose email equals the viewer's,
 * case-insensitively — the same person in the gateway and in Chatwoot. An agent named by id must
 * be an agent of the account: Chatwoot itself would silently unassign for an unknown id
 * (Conversations::AssignmentService finds no user and sets the assignee to nil).
 *
 * Labels: Chatwoot's `POST …/labels` replaces the whole list and has no conditional write, so an
 * add or remove is computed against a list read just before it, and label changes to one
 * conversation run one at a time in this process. A change made elsewhere (Chatwoot's own screen,
 * another replica) between that read and the write can still be overwritten: the window is one
 * round trip.
 */
import { GatewayError } from '../../core/errors.js';
import type { AssigneeChoice, ConversationPriority, LabelChange, SenderRecord, Viewer } from '../../core/records.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import { viewerAttribute } from '../identity.js';
import type { BatchContext } from './batch.js';
import { mapAgent, UPSTREAM_PRIORITY } from './mapping.js';
import { writableConversation } from './writes.js';

/** Runs label changes to one conversation one after another (per adapter, so per source). */
export type LabelQueue = <T>(displayId: number, task: () => Promise<T>) => Promise<T>;

/** A `LabelQueue`: tasks of one key run in arrival order; the key is forgotten when idle. */
export function createLabelQueue(): LabelQueue {
  const tails = new Map<number, Promise<unknown>>();
  return (displayId, task) => {
    const previous = tails.get(displayId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(displayId, tail);
    void tail.then(() => {
      if (tails.get(displayId) === tail) tails.delete(displayId);
    });
    return run;
  };
}

/**
 * The Chatwoot agent id for an assignment: the viewer's own agent, one named by id, or null.
 * @throws GatewayError FORBIDDEN when no agent of the account has the viewer's email;
 *   BAD_USER_INPUT for an id that is no agent of the account
 */
async function assigneeId(context: BatchContext, viewer: Viewer, choice: AssigneeChoice, scope: RequestScope | undefined): Promise<number | null> {
  if (choice.kind === 'nobody') return null;
  const agents = await context.client.listAgents(scope);
  if (choice.kind === 'viewer') {
    const email = viewerAttribute(viewer, 'email');
    const own = email === null ? undefined : agents.find((agent) => agent.email?.trim().toLowerCase() === email);
    if (!own) {
      throw new GatewayError('FORBIDDEN', `no agent of source "${context.sourceId}" has your email`, { sourceId: context.sourceId });
    }
    return own.id;
  }
  const named = agents.find((agent) => String(agent.id) === choice.externalId);
  if (!named) throw new GatewayError('BAD_USER_INPUT', `no agent with that id in source "${context.sourceId}"`, { sourceId: context.sourceId });
  return named.id;
}

/** `assignConversation` → `POST …/assignments` `{ assignee_id }` (null unassigns). */
export async function assignConversation(
  context: BatchContext,
  viewer: Viewer,
  externalId: string,
  choice: AssigneeChoice,
  scope?: RequestScope,
): Promise<void> {
  const displayId = await writableConversation(context, viewer, externalId, 'assign conversations', scope);
  await context.client.assign(displayId, await assigneeId(context, viewer, choice, scope), scope);
}

/**
 * `changeConversationLabels` → a fresh `GET …/labels`, then `POST …/labels` with the list
 * changed (labels kept in their order, new ones appended; none posted when nothing changes).
 * @returns the labels the conversation has afterwards (Chatwoot drops labels the account does not define)
 */
export async function changeConversationLabels(
  context: BatchContext & { labelQueue: LabelQueue },
  viewer: Viewer,
  externalId: string,
  change: LabelChange,
  scope?: RequestScope,
): Promise<string[]> {
  const displayId = await writableConversation(context, viewer, externalId, 'label conversations', scope);
  return context.labelQueue(displayId, async () => {
    const current = (await context.client.listLabels(displayId, scope)).payload;
    const removed = new Set(change.remove);
    const next = [...current.filter((label) => !removed.has(label))];
    for (const label of change.add) if (!removed.has(label) && !next.includes(label)) next.push(label);
    if (next.length === current.length && next.every((label) => current.includes(label))) return current;
    return (await context.client.setLabels(displayId, next, scope)).payload;
  });
}

/** `setConversationPriority` → `POST …/toggle_priority` `{ priority }` (null clears it). */
export async function setConversationPriority(
  context: BatchContext,
  viewer: Viewer,
  externalId: string,
  priority: ConversationPriority | null,
  scope?: RequestScope,
): Promise<void> {
  const displayId = await writableConversation(context, viewer, externalId, 'set the priority', scope);
  await context.client.togglePriority(displayId, priority === null ? null : UPSTREAM_PRIORITY[priority], scope);
}

/** `markConversationRead` → `POST …/update_last_seen`. */
export async function markConversationRead(context: BatchContext, viewer: Viewer, externalId: string, scope?: RequestScope): Promise<void> {
  const displayId = await writableConversation(context, viewer, externalId, 'mark conversations read', scope);
  await context.client.updateLastSeen(displayId, scope);
}

/**
 * `listAgents` → `GET …/agents`, for agents only (a contact has no business knowing the team).
 * @throws GatewayError FORBIDDEN for a contact
 */
export async function listAgents(context: BatchContext, viewer: Viewer, scope?: RequestScope): Promise<SenderRecord[]> {
  if ((await context.resolve(viewer, scope)).kind !== 'account') {
    throw new GatewayError('FORBIDDEN', `only agents may list the agents of source "${context.sourceId}"`, { sourceId: context.sourceId });
  }
  return (await context.client.listAgents(scope)).map(mapAgent);
}
