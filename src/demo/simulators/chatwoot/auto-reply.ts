/**
 * Demo mode's other side of a Chatwoot conversation: a message sent through the API gets an
 * answer `delayMs` later from whoever did not send it — the contact answers an agent's
 * outgoing message, the assigned agent (or the administrator) answers an incoming one. Private
 * notes and activity messages get none. Replies go through the same path as any write, so they
 * reach the webhook and the next read.
 */
import type { SimMessage } from './fixtures.js';
import { addMessage, type ChatwootWriteContext } from './writes.js';

/** Options of the simulated reply; durations in milliseconds. */
export interface ChatwootAutoReplyOptions {
  /** How long the other side "types". @default 3000 */
  delayMs?: number;
}

const CONTACT_REPLIES = [
  'Thanks, that helps!',
  'Great, I will try that right away.',
  'Perfect, thank you {agent}.',
  'Got it. How long will that take?',
  'That worked, thanks a lot.',
];
const AGENT_REPLIES = [
  'Thanks for the details, {agent} here. Let me check that for you.',
  'I have passed this on to the team; you will hear from us within the hour.',
  'Good news: that is sorted now. Anything else I can help with?',
  'Could you send me your order number so I can look it up?',
];

/** Schedules replies for messages created through the API; `close` cancels pending ones. */
export function createAutoReply(ctx: ChatwootWriteContext, initial: ChatwootAutoReplyOptions | null) {
  let options = initial;
  const timers = new Set<NodeJS.Timeout>();

  function reply(to: SimMessage): void {
    const conversation = ctx.data.conversations.find((item) => item.id === to.conversationId);
    if (!conversation) return;
    const agent = ctx.data.users.find((user) => user.id === (conversation.assigneeId ?? 1))!;
    const fromContact = to.messageType === 1;
    const texts = fromContact ? CONTACT_REPLIES : AGENT_REPLIES;
    const content = texts[to.id % texts.length]!.replace('{agent}', agent.name);
    addMessage(ctx, conversation, {
      messageType: fromContact ? 0 : 1,
      content,
      private: false,
      sender: fromContact ? { type: 'Contact', id: conversation.contactId } : { type: 'User', id: agent.id },
    });
  }

  return {
    /** Called for every message created through the API. */
    onMessageCreated(message: SimMessage) {
      if (!options || message.private || message.messageType === 2) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply(message);
      }, options.delayMs ?? 3_000);
      timer.unref();
      timers.add(timer);
    },
    /** Switches the replies on (with options) or off (`null`). */
    set(next: ChatwootAutoReplyOptions | null) {
      options = next;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
