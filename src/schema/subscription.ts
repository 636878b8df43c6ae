/**
 * `Subscription`: live updates (DESIGN §8), over SSE and graphql-ws alike. Access is checked
 * with the same adapter lookup reads use before any stream opens (a foreign conversation is
 * NOT_FOUND and no stream), then src/live/ feeds the stream and scopes every event to the viewer.
 */
import type { GatewayContext } from './context.js';
import { parseGlobalId } from '../core/global-id.js';
import { admitted } from './admission.js';
import { LiveFailure, type LiveConversation } from '../live/hub.js';
import { conversationAccessOf } from '../loaders/shared-access.js';
import { accessClassOf } from '../live/access-class.js';
import { joinLiveGroup } from './live-sharing.js';
import { badInput, notFound } from '../core/errors.js';
import type { MessageRecord } from '../core/records.js';
import { builder } from './builder.js';
import { ConversationObject, MessageObject } from './refs.js';
import { conversationShape, messageShape } from './shapes.js';

builder.subscriptionType({
  description: 'Live updates. Over SSE (`Accept: text/event-stream`) or graphql-ws on `/graphql`.',
});

/**
 * Each event resolves with empty loaders: a subscription lives long, and what its first event
 * loaded (a conversation's title) must not be served to the hundredth from the loader cache.
 * (useSharedLiveExecution also empties them after each execution, so nothing loaded stays
 * alive between events.)
 */
function unwrap<T>(payload: T | LiveFailure, context: GatewayContext): T {
  if (payload instanceof LiveFailure) throw payload.error;
  context.loaders.clear();
  return payload;
}

builder.subscriptionField('messageAdded', (t) =>
  t.field({
    type: MessageObject,
    description:
      'Each new message of one conversation, once and in order, as the viewer may see it (private notes only for agents). ' +
      'A conversation that is absent or not yours is NOT_FOUND and opens no stream.',
    args: { conversationId: t.arg.id({ required: true }) },
    subscribe: (_root, { conversationId }, context) =>
      admitted(context, async (slot) => {
        const ref = parseGlobalId(String(conversationId), 'Conversation');
        if (ref.type !== 'Conversation') throw notFound('conversation');
        const source = context.gateway.sources.get(ref.sourceId);
        if (!source) throw notFound('conversation', ref.sourceId);
        // Shared between subscribers of one access class: a burst of subscribes to one
        // conversation costs one upstream lookup (src/loaders/shared-access.ts).
        const viewer = slot.viewer;
        if (!(await conversationAccessOf(context.gateway)(source, viewer, ref.conversationId))) throw notFound('conversation', ref.sourceId);
        // The grouping key of shared executions: each event of this conversation's topic is
        // the same object for every subscriber, and what the Message fields resolve to depends
        // on nothing of the viewer's but its access class (which conversations and messages it
        // may read, e.g. every Chatwoot agent alike) and whether private notes reach it. Viewers
        // with equal keys (and equal document and variables) get one execution per event.
        const privateVisible = source.adapter.seesPrivateNotes?.(viewer) ?? false;
        joinLiveGroup(context, JSON.stringify(['messageAdded', source.id, ref.conversationId, accessClassOf(source, viewer), privateVisible]));
        return context.gateway.live.messageAdded(slot, source, ref.conversationId);
      }),
    resolve: (payload: MessageRecord | LiveFailure, { conversationId }, context) => {
      const record = unwrap(payload, context);
      return messageShape(parseGlobalId(String(conversationId), 'Conversation').sourceId, record);
    },
  }),
);

builder.subscriptionField('conversationUpdated', (t) =>
  t.field({
    type: ConversationObject,
    description:
      "The viewer's conversations when one appears or its status, title or last activity changes; for agents also its " +
      'assignee, labels, priority or read state (Chatwoot). ' +
      'Sources that cannot list conversations take part only when they push (webhooks).',
    args: {
      sourceIds: t.arg.idList({ required: false, description: 'Only these sources (their names, or Source global IDs).' }),
    },
    subscribe: (_root, { sourceIds }, context) =>
      admitted(context, (slot) => {
        const { sources } = context.gateway;
        let chosen = [...sources.values()];
        if (sourceIds) {
          const wanted = sourceIds.map((value) => sourceIdOf(String(value)));
          for (const id of wanted) if (!sources.has(id)) throw badInput(`unknown source "${id}"`);
          chosen = chosen.filter((source) => wanted.includes(source.id));
        }
        chosen = chosen.filter((source) => source.adapter.receiveWebhook || source.adapter.capabilities.listConversations);
        // The grouping key of shared executions, as for messageAdded: a pushed source hands
        // every subscriber of one access class the same event object (one lookup per class),
        // and the Conversation fields resolve to nothing of the viewer's beyond its class at each
        // source (the agent-only fields are null for contacts) and private-note visibility
        // (`messages`). Polled events are the viewer's own objects, so they are never shared.
        const viewer = slot.viewer;
        const classes = chosen.map((source) => [source.id, accessClassOf(source, viewer), source.adapter.seesPrivateNotes?.(viewer) ?? false]);
        joinLiveGroup(context, JSON.stringify(['conversationUpdated', classes]));
        return context.gateway.live.conversationUpdated(slot, chosen);
      }),
    resolve: (payload: LiveConversation | LiveFailure, _args, context) => {
      const { sourceId, record } = unwrap(payload, context);
      return conversationShape(sourceId, record);
    },
  }),
);

/** Accepts a source's name or its global ID. */
function sourceIdOf(value: string): string {
  if (/^[a-z][a-z0-9-]{0,31}$/.test(value)) return value;
  return parseGlobalId(value, 'Source').sourceId;
}
