/**
 * Dify's `response_mode: streaming` answer of `POST /chat-messages`: server-sent events, each a
 * `data: {json}` line (DESIGN §6), parsed with eventsource-parser into what the graph streams.
 * - `message` / `agent_message`: `answer` is a delta of the reply → `delta`;
 * - `agent_thought`: an agent step (sent again as it fills in: thought, tool, observation) → `thought`;
 * - `message_replace`: moderation replaced the whole answer → `replace`;
 * - `message_end`: the exchange is stored → `end` (message and conversation ids, task id);
 * - `error`: the generation failed, although the HTTP status was 200 → thrown as `UPSTREAM_ERROR`;
 * - `ping`, `message_file`, `workflow_*`, `node_*`, `tts_*`: nothing for the graph.
 * The first event that names a `task_id` is reported (`task`), so a client that goes away can
 * have the generation stopped (`POST /chat-messages/{task_id}/stop`).
 */
import { createParser } from 'eventsource-parser';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';

/** One step of the streamed reply, as the graph shows it. */
export type DifyStreamEvent =
  | { type: 'task'; taskId: string; conversationId: string | null; messageId: string | null }
  | { type: 'delta'; text: string }
  | { type: 'thought'; position: number | null; thought: string | null; tool: string | null; toolInput: string | null; observation: string | null }
  | { type: 'replace'; text: string }
  | { type: 'end'; taskId: string | null; messageId: string; conversationId: string };

const eventSchema = z.looseObject({
  event: z.string(),
  task_id: z.string().nullish(),
  message_id: z.string().nullish(),
  id: z.string().nullish(),
  conversation_id: z.string().nullish(),
  answer: z.string().nullish(),
  position: z.number().int().nullish(),
  thought: z.string().nullish(),
  observation: z.string().nullish(),
  tool: z.string().nullish(),
  tool_input: z.string().nullish(),
  status: z.number().int().nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
});

/**
 * Parses a Dify event stream into graph events, in order. Ends after `message_end`.
 * @param body the response body chunks
 * @throws GatewayError UPSTREAM_ERROR for an `error` event, a malformed event, or a stream that
 *   ends before `message_end`; `RATE_LIMITED` when the error event carries status 429
 */
export async function* parseDifyStream(body: AsyncIterable<Uint8Array | string>, sourceId: string): AsyncGenerator<DifyStreamEvent> {
  const pending: DifyStreamEvent[] = [];
  let failure: GatewayError | undefined;
  let ended = false;
  let taskReported = false;
  const upstreamError = (message: string, status?: number) =>
    new GatewayError(status === 429 ? 'RATE_LIMITED' : 'UPSTREAM_ERROR', message, { sourceId, status });

  const parser = createParser({
    onEvent(message) {
      if (ended || failure || !message.data) return;
      let json: unknown;
      try {
        json = JSON.parse(message.data);
      } catch {
        failure = upstreamError('malformed event in the assistant reply stream');
        return;
      }
      const parsed = eventSchema.safeParse(json);
      if (!parsed.success) {
        failure = upstreamError('malformed event in the assistant reply stream');
        return;
      }
      const event = parsed.data;
      if (!taskReported && event.task_id) {
        taskReported = true;
        pending.push({
          type: 'task',
          taskId: event.task_id,
          conversationId: event.conversation_id ?? null,
          messageId: event.message_id ?? event.id ?? null,
        });
      }
      switch (event.event) {
        case 'message':
        case 'agent_message':
          if (event.answer) pending.push({ type: 'delta', text: event.answer });
          break;
        case 'agent_thought':
          pending.push({
            type: 'thought',
            position: event.position ?? null,
            thought: event.thought || null,
            tool: event.tool || null,
            toolInput: event.tool_input || null,
            observation: event.observation || null,
          });
          break;
        case 'message_replace':
          pending.push({ type: 'replace', text: event.answer ?? '' });
          break;
        case 'message_end': {
          const messageId = event.message_id ?? event.id;
          if (!messageId || !event.conversation_id) {
            failure = upstreamError('the assistant reply ended without naming its message');
            return;
          }
          ended = true;
          pending.push({ type: 'end', taskId: event.task_id ?? null, messageId, conversationId: event.conversation_id });
          break;
        }
        case 'error':
          // The upstream's own text is not shown: it may echo prompt internals.
          failure = upstreamError(`the assistant failed to answer (${event.code ?? 'error'})`, event.status ?? undefined);
          break;
        default:
          break;
      }
    },
  });

  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift()!;
    if (failure) throw failure;
    if (ended) return;
  }
  if (!ended) throw upstreamError('the assistant reply stream ended early');
}
