/**
 * `streamReply` for Dify: `POST /chat-messages` with `response_mode: streaming`, parsed by
 * stream.ts. Deltas, agent thoughts and replaces pass through as they arrive; after
 * `message_end` the exchange is read back as the viewer (`GET /messages`, like any read), so
 * the final event carries what Dify stored — the same USER and ASSISTANT halves `sendMessage`
 * answers. A consumer that goes away (the iteration ends early, or `signal` aborts) cancels the
 * upstream body and has the generation stopped with `POST /chat-messages/{task_id}/stop`: Dify
 * would otherwise go on generating (and billing) an answer nobody reads.
 */
import { GatewayError, notFound } from '../../core/errors.js';
import type { ReplyStreamEvent, SendMessageRequest, Viewer } from '../../core/records.js';
import { getMessages, upstreamUser, type DifyReadDeps } from './reads.js';
import { formatMessageKey, normalizeDifyId } from './mapping.js';
import { parseDifyStream } from './stream.js';
import type { AppReader } from './app.js';
import { checkInputs } from './writes.js';

/** Chunks of a web stream, cancelled when `signal` aborts or the iteration ends early. */
async function* chunksOf(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      if (signal.aborted) return;
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    cancel();
  }
}

/**
 * Streams one Dify send as the viewer (see the file comment).
 * @throws GatewayError NOT_FOUND (foreign or malformed conversation), NOT_SUPPORTED (private),
 *   BAD_USER_INPUT (`inputs` that do not fit the app's form, before any send),
 *   UPSTREAM_ERROR / RATE_LIMITED (an `error` event), UPSTREAM_UNAVAILABLE (network, time-out)
 */
export async function* streamReply(
  deps: DifyReadDeps & { app?: AppReader },
  viewer: Viewer,
  request: SendMessageRequest,
  signal: AbortSignal,
): AsyncGenerator<ReplyStreamEvent> {
  const { sourceId } = deps;
  let conversationId: string | null = null;
  if (request.conversationExternalId !== null) {
    conversationId = normalizeDifyId(request.conversationExternalId);
    if (!conversationId) throw notFound('conversation', sourceId);
  }
  if (request.private) throw new GatewayError('NOT_SUPPORTED', `source "${sourceId}" has no private notes`, { sourceId });
  const user = upstreamUser(viewer, deps.userFrom);
  if (user === null) throw notFound('conversation', sourceId);
  await checkInputs(deps, request);

  const answer = await deps.client.chatStream(user, { query: request.text, conversationId, inputs: request.inputs });
  let taskId: string | null = null;
  let finished = false;
  try {
    for await (const event of parseDifyStream(chunksOf(answer.body, signal), sourceId)) {
      if (event.type === 'task') taskId = event.taskId;
      else if (event.type === 'end') {
        finished = true;
        const refs = (['u', 'a'] as const).map((half) => ({
          conversationExternalId: event.conversationId,
          key: formatMessageKey({ id: event.messageId.toLowerCase(), half }),
        }));
        const stored = await getMessages(deps, viewer, refs);
        const messages = stored.filter((message): message is Exclude<typeof message, Error | null> => !!message && !(message instanceof Error));
        if (messages.length !== 2) {
          throw new GatewayError('UPSTREAM_ERROR', 'the assistant reply was not stored', { sourceId });
        }
        yield { type: 'completed', result: { conversationExternalId: event.conversationId, messages } };
        return;
      } else yield event;
    }
    // The stream ended without `message_end` only because the consumer went away.
  } finally {
    if (!finished && taskId !== null) {
      const task = taskId;
      // Not awaited by the consumer that left; a failed stop is only logged by the client.
      void deps.client.stopTask(user, task).catch(() => {});
    }
  }
}
