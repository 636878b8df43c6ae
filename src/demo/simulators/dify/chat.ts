/**
 * `POST /chat-messages` (blocking and streaming) and `POST /chat-messages/{task_id}/stop`, as
 * Dify's chat app generator answers them (api/controllers/service_api/app/completion.py,
 * api/core/app/apps/*, api/libs/helper.py `compact_generate_response`):
 * - body `{inputs (object, required), query, user, response_mode, conversation_id, files,
 *   auto_generate_name}` (`files`: files.ts); a blank `conversation_id` starts a conversation
 *   (named after the query unless `auto_generate_name` is false), another user's one answers 404;
 * - blocking: `{event:"message", task_id, id, message_id, conversation_id, mode, answer,
 *   metadata{usage, retriever_resources}, created_at}`;
 * - streaming: `text/event-stream` with `event: ping`, `data: {json}` events — `message`
 *   deltas (or `agent_thought` + `agent_message` in the agent conversation), then
 *   `message_end`; an injected fault sends `error` (still HTTP 200) or `message_replace`;
 * - the generation runs on even when the client goes away (as Dify's worker thread does) until
 *   it completes or `/stop` is called for its task by the same user; a stopped task ends with
 *   `message_end` and keeps the partial answer.
 * Unlike Dify, which inserts the message row with an empty answer when generation starts, the
 * simulator stores an exchange once its answer is final, so readers never see half an answer.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorReply } from '../http-server.js';
import { cannedAnswer, cannedThought, generatedName } from './answers.js';
import type { DifyFixtureConversation, DifyFixtureExchange, DifyFixtureThought } from './fixtures.js';
import { chatFiles } from './files.js';
import { retrieverResource } from './reads.js';
import { ownConversation, type DifyCall, type DifyState, type DifyStreamFault, type DifyTask } from './state.js';
import { difyError, normalizeUuid, seconds, UUID } from './validation.js';

/** The opening statement of the simulated app, shown as `introduction` on new conversations. */
const INTRODUCTION = "Hi! I'm the Brightdesk assistant. Ask me anything about setting up and running your help desk.";

interface Generation {
  state: DifyState;
  conversation: DifyFixtureConversation;
  exchange: DifyFixtureExchange;
  taskId: string;
  agent: boolean;
}

/** `POST /chat-messages`. */
export async function sendChatMessage({ user, body, state }: DifyCall): Promise<SimulatorReply> {
  const inputs = body.inputs;
  if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) return difyError(400, 'invalid_param', 'inputs is required');
  if (typeof body.query !== 'string' || body.query.trim() === '') return difyError(400, 'invalid_param', 'query is required');
  const mode = body.response_mode ?? 'blocking';
  if (mode !== 'blocking' && mode !== 'streaming') {
    return difyError(400, 'invalid_param', "response_mode must be 'blocking' or 'streaming'");
  }
  const files = chatFiles(state, user, body.files);
  if (!Array.isArray(files)) return files;
  const conversationId = typeof body.conversation_id === 'string' ? body.conversation_id.trim() : '';
  if (conversationId && !UUID.test(conversationId)) return difyError(400, 'invalid_param', `${conversationId} is not a valid uuid.`);
  let conversation: DifyFixtureConversation | undefined;
  if (conversationId) {
    conversation = ownConversation(state, user, normalizeUuid(conversationId));
    if (!conversation) return difyError(404, 'not_found', 'Conversation Not Exists.');
  } else {
    const now = state.now();
    conversation = {
      id: randomUUID(),
      user,
      name: body.auto_generate_name === false ? 'New conversation' : generatedName(body.query),
      status: 'normal',
      introduction: INTRODUCTION,
      inputs: inputs as Record<string, unknown>,
      createdAtMs: now,
      updatedAtMs: now,
      exchanges: [],
    };
    state.conversations.push(conversation);
  }
  const agent = conversation.mode === 'agent-chat';
  const query = body.query;
  const exchange: DifyFixtureExchange = {
    id: randomUUID(),
    createdAtMs: state.now(),
    query,
    answer: cannedAnswer(query, String(conversation.exchanges.length)),
    files,
    feedback: null,
    resources: [],
    agentThoughts: agent ? [] : undefined,
  };
  const generation: Generation = { state, conversation, exchange, taskId: randomUUID(), agent };
  if (mode === 'blocking') return blocking(generation);
  return streaming(generation, user);
}

/** `POST /chat-messages/{task_id}/stop` `{user}`: always `{"result":"success"}`. */
export function stopChatMessage({ params, user, state }: DifyCall): SimulatorReply {
  const taskId = params[0]!;
  const task = state.tasks.get(taskId);
  const honoured = task !== undefined && task.user === user && !task.stopped;
  if (honoured) task.stopped = true;
  state.stopCalls.push({ taskId, user, honoured });
  return { status: 200, body: { result: 'success' } };
}

async function blocking(generation: Generation): Promise<SimulatorReply> {
  const { state, conversation, exchange, taskId, agent } = generation;
  if (state.replyDelayMs > 0) await sleep(state.replyDelayMs);
  if (agent) exchange.agentThoughts = thoughtsFor(exchange, state);
  store(generation);
  return {
    status: 200,
    body: {
      event: 'message',
      task_id: taskId,
      id: exchange.id,
      message_id: exchange.id,
      conversation_id: conversation.id,
      mode: agent ? 'agent-chat' : 'chat',
      answer: exchange.answer,
      metadata: metadata(exchange),
      created_at: seconds(exchange.createdAtMs),
    },
  };
}

function streaming(generation: Generation, user: string): SimulatorReply {
  const { state } = generation;
  const fault = state.streamFaults.shift();
  const events: string[] = [];
  let wake: (() => void) | undefined;
  const push = (frame: string) => {
    events.push(frame);
    wake?.();
  };
  let finished = false;
  const task: DifyTask = { id: generation.taskId, user, stopped: false, done: Promise.resolve() };
  task.done = generate(generation, task, fault, push).finally(() => {
    finished = true;
    state.tasks.delete(task.id);
    wake?.();
  });
  state.tasks.set(task.id, task);
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' },
    stream: async (response: ServerResponse, closed: AbortSignal) => {
      // Writes what the task produced; a client that leaves stops the writing, not the task.
      closed.addEventListener('abort', () => wake?.(), { once: true });
      while (!closed.aborted) {
        while (events.length > 0 && !closed.aborted) response.write(events.shift());
        if (finished && events.length === 0) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
  };
}

async function generate(generation: Generation, task: DifyTask, fault: DifyStreamFault | undefined, push: (frame: string) => void): Promise<void> {
  const { state, conversation, exchange, taskId, agent } = generation;
  const base = { task_id: taskId, id: exchange.id, message_id: exchange.id, conversation_id: conversation.id, created_at: seconds(exchange.createdAtMs) };
  const send = (event: Record<string, unknown>) => push(`data: ${JSON.stringify(event)}\n\n`);
  const pause = () => sleep(state.streamDelayMs);
  push('event: ping\n\n');
  const full = exchange.answer;
  let streamed = '';
  const thoughts = agent ? thoughtsFor(exchange, state) : [];
  if (agent) {
    const [step] = thoughts;
    await pause();
    send({ event: 'agent_thought', ...base, ...thoughtEvent(step!), observation: '' });
    await pause();
    send({ event: 'agent_thought', ...base, ...thoughtEvent(step!) });
  }
  const deltas = full.match(/\S+\s*/g) ?? [full];
  let index = 0;
  for (; index < deltas.length; index += 1) {
    await pause();
    if (task.stopped) break;
    if (fault && index === (fault.afterDeltas ?? 1)) break;
    streamed += deltas[index];
    send({ event: agent ? 'agent_message' : 'message', ...base, answer: deltas[index], from_variable_selector: null });
  }
  if (fault?.kind === 'error' && !task.stopped && index < deltas.length) {
    exchange.answer = streamed;
    exchange.status = 'error';
    exchange.error = fault.message ?? 'Completion request failed.';
    store(generation);
    const { id: _id, ...rest } = base;
    send({ event: 'error', ...rest, status: fault.status ?? 400, code: fault.code ?? 'completion_request_error', message: exchange.error });
    return;
  }
  if (fault?.kind === 'replace' && !task.stopped && index < deltas.length) {
    streamed = fault.answer;
    send({ event: 'message_replace', ...base, answer: fault.answer, reason: 'output_moderation' });
  }
  exchange.answer = streamed;
  if (agent) {
    exchange.agentThoughts = thoughts;
    thoughts[thoughts.length - 1]!.thought = streamed;
    await pause();
    send({ event: 'agent_thought', ...base, ...thoughtEvent(thoughts[thoughts.length - 1]!) });
  }
  store(generation);
  await pause();
  send({ event: 'message_end', ...base, metadata: metadata(exchange), files: [] });
}

function store({ state, conversation, exchange }: Generation): void {
  if (!state.conversations.includes(conversation)) return; // deleted while the answer was written
  conversation.exchanges.push(exchange);
  conversation.updatedAtMs = state.now();
}

function thoughtsFor(exchange: DifyFixtureExchange, state: DifyState): DifyFixtureThought[] {
  const step = cannedThought(exchange.query);
  return [
    { id: randomUUID(), position: 1, ...step, createdAtMs: state.now() },
    { id: randomUUID(), position: 2, thought: exchange.answer, tool: '', toolInput: '', observation: '', createdAtMs: state.now() },
  ];
}

function thoughtEvent(thought: DifyFixtureThought): Record<string, unknown> {
  return {
    id: thought.id,
    position: thought.position,
    thought: thought.thought,
    observation: thought.observation,
    tool: thought.tool,
    tool_input: thought.toolInput,
    message_files: [],
  };
}

function metadata(exchange: DifyFixtureExchange): Record<string, unknown> {
  const promptTokens = 320 + exchange.query.split(/\s+/).length * 2;
  const completionTokens = Math.max(1, Math.round(exchange.answer.split(/\s+/).length * 1.4));
  const price = (tokens: number, unit: number) => ((tokens * unit) / 1000).toFixed(7);
  const promptPrice = price(promptTokens, 0.001);
  const completionPrice = price(completionTokens, 0.002);
  return {
    usage: {
      prompt_tokens: promptTokens,
      prompt_unit_price: '0.001',
      prompt_price_unit: '0.001',
      prompt_price: promptPrice,
      completion_tokens: completionTokens,
      completion_unit_price: '0.002',
      completion_price_unit: '0.001',
      completion_price: completionPrice,
      total_tokens: promptTokens + completionTokens,
      total_price: (Number(promptPrice) + Number(completionPrice)).toFixed(7),
      currency: 'USD',
      latency: 0.42,
    },
    retriever_resources: exchange.resources.map(retrieverResource),
  };
}
