/**
 * `Subscription.assistantReply(input: SendMessageInput!)`: a send whose answer streams (Dify
 * `response_mode: streaming`). Events: `AssistantReplyDelta` as the answer is written,
 * `AssistantReplyThought` for agent steps, then one `AssistantReplyCompleted` with what the
 * send stored (the payload `sendMessage` would answer). The input is checked, and idempotency
 * applies, exactly as for `sendMessage`: a repeated `idempotencyKey` answers at once with the
 * first send's `AssistantReplyCompleted` and calls no upstream. A subscriber that goes away stops
 * the upstream generation.
 */
import { requireViewer, type GatewayContext } from './context.js';
import { admitted } from './admission.js';
import { LiveFailure, type SubscriptionSlot } from '../live/hub.js';
import { createLoaders } from '../loaders/index.js';
import { badInput, GatewayError } from '../core/errors.js';
import type { ReplyStreamEvent, SendMessageResult } from '../core/records.js';
import { builder } from './builder.js';
import { ConversationObject, MessageObject } from './refs.js';
import {
  payloadConversation,
  payloadMessages,
  resolveSend,
  SendMessageInput,
  sendPayload,
  type SendMessageInputValue,
  type SendPayload,
} from './send-message.js';
import { reserveSend } from './idempotency.js';
import { runWrite } from './write-support.js';

type DeltaEvent = { kind: 'delta'; text: string; replace: boolean };
type ThoughtEvent = { kind: 'thought' } & Omit<Extract<ReplyStreamEvent, { type: 'thought' }>, 'type'>;
type CompletedEvent = { kind: 'completed'; payload: SendPayload };
type ReplyEvent = DeltaEvent | ThoughtEvent | CompletedEvent;

const AssistantReplyDelta = builder.objectRef<DeltaEvent>('AssistantReplyDelta').implement({
  description: 'A piece of the answer as it is written. Concatenated, the deltas are the answer.',
  fields: (t) => ({
    text: t.exposeString('text'),
    replace: t.exposeBoolean('replace', {
      description: 'True when moderation replaced the answer: `text` is the whole answer so far, not a piece to append.',
    }),
  }),
});

const AssistantReplyThought = builder.objectRef<ThoughtEvent>('AssistantReplyThought').implement({
  description: 'An agent step (Dify agent apps), sent again as it fills in.',
  fields: (t) => ({
    position: t.exposeInt('position', { nullable: true, description: 'Order of the step in this answer, from 1.' }),
    thought: t.exposeString('thought', { nullable: true }),
    tool: t.exposeString('tool', { nullable: true }),
    toolInput: t.exposeString('toolInput', { nullable: true, description: 'The tool input as the agent wrote it (usually JSON).' }),
    observation: t.exposeString('observation', { nullable: true }),
  }),
});

const AssistantReplyCompleted = builder.objectRef<CompletedEvent>('AssistantReplyCompleted').implement({
  description: 'The last event: the conversation and the messages the send stored, oldest first.',
  fields: (t) => ({
    conversation: t.field({
      type: ConversationObject,
      nullable: true,
      resolve: ({ payload }, _args, context) => payloadConversation(context, payload),
    }),
    messages: t.field({ type: [MessageObject], resolve: ({ payload }) => payloadMessages(payload) }),
  }),
});

const AssistantReplyEvent = builder.unionType('AssistantReplyEvent', {
  types: [AssistantReplyDelta, AssistantReplyThought, AssistantReplyCompleted],
  resolveType: (event) =>
    event.kind === 'delta' ? 'AssistantReplyDelta' : event.kind === 'thought' ? 'AssistantReplyThought' : 'AssistantReplyCompleted',
});

function toEvent(event: ReplyStreamEvent, sourceId: string): ReplyEvent {
  switch (event.type) {
    case 'delta':
      return { kind: 'delta', text: event.text, replace: false };
    case 'replace':
      return { kind: 'delta', text: event.text, replace: true };
    case 'thought': {
      const { type: _type, ...rest } = event;
      return { kind: 'thought', ...rest };
    }
    case 'completed':
      return { kind: 'completed', payload: sendPayload(sourceId, event.result) };
  }
}

function subscribeReply(context: GatewayContext, input: SendMessageInputValue, slot: SubscriptionSlot): AsyncIterable<ReplyEvent | LiveFailure> {
  // Subscriptions travel over SSE and WebSocket, which carry no multipart uploads.
  if (input.files && input.files.length > 0) throw badInput('assistantReply takes no files: send them with sendMessage');
  const resolved = resolveSend(context, input);
  const { source } = resolved;
  const adapter = source.adapter;
  if (!adapter.streamReply) {
    throw new GatewayError('NOT_SUPPORTED', `source "${source.id}" (${source.kind}) cannot stream replies: use sendMessage`, {
      sourceId: source.id,
    });
  }
  const target = { operation: 'assistantReply' as const, sourceId: source.id, targetExternalId: resolved.request.conversationExternalId };
  const { viewer } = slot;
  return context.gateway.live.track<ReplyEvent>(slot, async (push, signal) => {
    const reservation = await reserveSend(context, resolved, viewer);
    if (reservation?.kind === 'replay') {
      const replay = reservation.result;
      await runWrite(context, { ...target, targetExternalId: replay.conversationExternalId }, async () => push(toEvent({ type: 'completed', result: replay }, source.id)), {
        replayed: true,
      });
      return;
    }
    let completed: SendMessageResult | undefined;
    // The subscriber left before the reply completed: its stream was cut on purpose.
    const cancelled = () => signal.aborted && completed === undefined;
    try {
      await runWrite(
        context,
        target,
        async (writer) => {
          for await (const event of adapter.streamReply!(writer, resolved.request, signal)) {
            if (event.type === 'completed') {
              completed = event.result;
              await reservation?.commit(event.result);
            }
            push(toEvent(event, source.id));
          }
          if (!completed && !signal.aborted) throw new GatewayError('UPSTREAM_ERROR', 'the assistant reply ended early', { sourceId: source.id });
        },
        { cancelled },
      );
    } finally {
      // A send that stored nothing frees its key, so that a retry may send.
      if (!completed) await reservation?.release();
    }
  });
}

builder.subscriptionField('assistantReply', (t) =>
  t.field({
    type: AssistantReplyEvent,
    description:
      'Sends a message and streams the answer (Dify): deltas and agent steps as they come, then the stored messages. ' +
      'Same input, checks and idempotency as `sendMessage`; leaving early stops the generation.',
    args: { input: t.arg({ type: SendMessageInput, required: true }) },
    subscribe: (_root, { input }, context) => admitted(context, (slot) => subscribeReply(context, input as SendMessageInputValue, slot)),
    resolve: (payload: ReplyEvent | LiveFailure, _args, context) => {
      if (payload instanceof LiveFailure) throw payload.error;
      // The completed event reads the conversation after the write.
      if (payload.kind === 'completed') context.loaders = createLoaders(context.gateway, () => requireViewer(context));
      return payload;
    },
  }),
);
