/**
 * The Chatwoot simulator's agent actions, as Chatwoot performs them (paths under
 * `/api/v1/accounts/{a}/conversations/{id}/`; swagger operations `assign-a-conversation`,
 * `conversation-add-labels`, `list-all-labels-of-a-conversation`, `toggle-priority-of-a-conversation`):
 * - `POST assignments` `{assignee_id}` (Conversations::AssignmentsController, AssignmentService):
 *   an id that is no user of the account — `null` included — unassigns; answers the agent
 *   partial, or `null`. Without `assignee_id` (and `team_id`) nothing changes and it answers `null`.
 * - `GET|POST labels` (LabelConcern): POST replaces the whole list with the posted labels the
 *   account defines (`valid_labels`), others silently dropped; answers `{payload: [labels]}`.
 * - `POST toggle_priority` `{priority}` (`Conversation#toggle_priority`: `priority.presence`):
 *   `null` or blank clears it, as does the swagger's `none`; 200 with no body (`head :ok`).
 * - `POST update_last_seen` (ConversationsController#update_last_seen): sets
 *   `agent_last_seen_at` to now when something is unread or the last look is over an hour old,
 *   with `update_columns` — no callbacks, so no webhook; answers the conversation partial.
 * Assignment, label and priority changes fire `conversation_updated` with their
 * `changed_attributes` (Conversation#notify_conversation_updation: `assignee_id`, `label_list`
 * and `priority` are among its keys) and add the activity message Chatwoot writes
 * (config/locales/en.yml `conversations.activity`), which moves `last_activity_at`.
 */
import type { SimulatorReply } from '../http-server.js';
import type { SimConversation, SimPriority, SimUser } from './fixtures.js';
import { addMessage, type ChatwootWriteContext } from './writes.js';

const PRIORITIES: readonly SimPriority[] = ['low', 'medium', 'high', 'urgent'];
/** `should_update_last_seen?`: with nothing unread, a look is recorded at most once an hour. */
const LAST_SEEN_THROTTLE_SECONDS = 3600;

type Changes = Record<string, { previous_value: unknown; current_value: unknown }>;

/** Adds the activity line and fires `conversation_updated` for what changed. */
function announce(ctx: ChatwootWriteContext, conversation: SimConversation, activity: string, changed: Changes): void {
  addMessage(ctx, conversation, { messageType: 2, content: activity, private: false, sender: null });
  ctx.webhooks.send('conversation_updated', ctx.webhookViews.conversation(conversation, changed));
}

/** `POST …/conversations/{id}/assignments`. */
export function assign(ctx: ChatwootWriteContext, user: SimUser, conversation: SimConversation, body: Record<string, unknown>): SimulatorReply {
  if (!('assignee_id' in body)) return { status: 200, body: null };
  const wanted = body.assignee_id;
  // `find_by(id:)` casts like Rails: a number or a numeric string; anything else finds nobody.
  const id = typeof wanted === 'number' || (typeof wanted === 'string' && /^\d+$/.test(wanted)) ? Number(wanted) : null;
  const assignee = ctx.data.users.find((candidate) => candidate.id === id) ?? null;
  const previous = conversation.assigneeId;
  conversation.assigneeId = assignee?.id ?? null;
  if (previous !== conversation.assigneeId) {
    const activity = !assignee
      ? `Conversation unassigned by ${user.name}`
      : assignee.id === user.id
        ? `${user.name} self-assigned this conversation`
        : `Assigned to ${assignee.name} by ${user.name}`;
    announce(ctx, conversation, activity, { assignee_id: { previous_value: previous, current_value: conversation.assigneeId } });
  }
  return { status: 200, body: assignee ? ctx.views.user(assignee) : null };
}

/** `GET …/conversations/{id}/labels`. */
export function listLabels(conversation: SimConversation): SimulatorReply {
  return { status: 200, body: { payload: conversation.labels } };
}

/** `POST …/conversations/{id}/labels`. */
export function setLabels(ctx: ChatwootWriteContext, user: SimUser, conversation: SimConversation, body: Record<string, unknown>): SimulatorReply {
  const posted = Array.isArray(body.labels) ? body.labels.filter((label): label is string => typeof label === 'string') : [];
  const next = [...new Set(posted.filter((label) => ctx.data.accountLabels.includes(label)))];
  const previous = conversation.labels;
  const added = next.filter((label) => !previous.includes(label));
  const removed = previous.filter((label) => !next.includes(label));
  conversation.labels = next;
  if (added.length > 0 || removed.length > 0) {
    const activity = [added.length ? `${user.name} added ${added.join(', ')}` : null, removed.length ? `${user.name} removed ${removed.join(', ')}` : null];
    announce(ctx, conversation, activity.filter(Boolean).join('; '), { label_list: { previous_value: previous, current_value: next } });
  }
  return { status: 200, body: { payload: conversation.labels } };
}

/** `POST …/conversations/{id}/toggle_priority`. */
export function togglePriority(ctx: ChatwootWriteContext, user: SimUser, conversation: SimConversation, body: Record<string, unknown>): SimulatorReply {
  const wanted = body.priority;
  let priority: SimPriority | null;
  if (wanted === undefined || wanted === null || wanted === '' || wanted === 'none') priority = null;
  else if (typeof wanted === 'string' && (PRIORITIES as readonly string[]).includes(wanted)) priority = wanted as SimPriority;
  // Chatwoot raises ArgumentError (a 500) for any other value; a 422 names the mistake instead.
  else return { status: 422, body: { error: `'${String(wanted)}' is not a valid priority` } };
  const previous = conversation.priority ?? null;
  conversation.priority = priority;
  if (previous !== priority) {
    const activity =
      priority === null
        ? `${user.name} removed the priority`
        : previous === null
          ? `${user.name} set the priority to ${priority}`
          : `${user.name} changed the priority from ${previous} to ${priority}`;
    announce(ctx, conversation, activity, { priority: { previous_value: previous, current_value: priority } });
  }
  return { status: 200 };
}

/** `POST …/conversations/{id}/update_last_seen`. */
export function updateLastSeen(ctx: ChatwootWriteContext, conversation: SimConversation): SimulatorReply {
  const now = ctx.now();
  const seen = conversation.agentLastSeenAt ?? null;
  const stale = seen === null || seen < now - LAST_SEEN_THROTTLE_SECONDS;
  if (ctx.views.unreadCount(conversation) > 0 || stale) conversation.agentLastSeenAt = now;
  return { status: 200, body: ctx.views.conversation(conversation) };
}
