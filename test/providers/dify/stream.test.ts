/**
 * Dify streaming answers (recorded shapes of `POST /chat-messages` with `response_mode:
 * streaming`, as Dify's `compact_generate_response` writes them) → graph events.
 */
import { describe, expect, it } from 'vitest';
import { parseDifyStream, type DifyStreamEvent } from '../../../src/providers/dify/stream.js';

const base = { task_id: 't-1', message_id: 'm-1', id: 'm-1', conversation_id: 'c-1', created_at: 1_700_000_000 };
const frame = (event: Record<string, unknown>) => `data: ${JSON.stringify(event)}\n\n`;

async function collect(chunks: string[]): Promise<DifyStreamEvent[]> {
  const events: DifyStreamEvent[] = [];
  for await (const event of parseDifyStream((async function* () { yield* chunks; })(), 'assistant')) events.push(event);
  return events;
}

describe('parseDifyStream', () => {
  it('yields the task, deltas and the end, across arbitrary chunk boundaries', async () => {
    const text = 'event: ping\n\n' + frame({ event: 'message', ...base, answer: 'Hel' }) + frame({ event: 'message', ...base, answer: 'lo' }) +
      frame({ event: 'message_end', ...base, metadata: {} });
    const chunks = text.match(/[\s\S]{1,7}/g)!;
    expect(await collect(chunks)).toEqual([
      { type: 'task', taskId: 't-1', conversationId: 'c-1', messageId: 'm-1' },
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo' },
      { type: 'end', taskId: 't-1', messageId: 'm-1', conversationId: 'c-1' },
    ]);
  });

  it('maps agent thoughts, agent messages and a moderation replace', async () => {
    const events = await collect([
      frame({ event: 'agent_thought', ...base, position: 1, thought: 'look it up', tool: 'search', tool_input: '{"q":"x"}', observation: '' }),
      frame({ event: 'agent_message', ...base, answer: 'Found ' }),
      frame({ event: 'message_replace', ...base, answer: 'Redacted.' }),
      frame({ event: 'workflow_started', ...base, data: {} }),
      frame({ event: 'message_end', ...base }),
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'thought', position: 1, thought: 'look it up', tool: 'search', toolInput: '{"q":"x"}', observation: null },
      { type: 'delta', text: 'Found ' },
      { type: 'replace', text: 'Redacted.' },
      { type: 'end', taskId: 't-1', messageId: 'm-1', conversationId: 'c-1' },
    ]);
  });

  it('throws UPSTREAM_ERROR for an error event sent with HTTP 200, after the deltas before it', async () => {
    const seen: DifyStreamEvent[] = [];
    const run = async () => {
      for await (const event of parseDifyStream((async function* () {
        yield frame({ event: 'message', ...base, answer: 'Part' });
        yield frame({ event: 'error', task_id: 't-1', message_id: 'm-1', status: 400, code: 'completion_request_error', message: 'secret prompt detail' });
      })(), 'assistant')) seen.push(event);
    };
    await expect(run()).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'assistant' });
    await expect(run()).rejects.not.toThrow(/secret prompt/);
    expect(seen.map((event) => event.type)).toContain('delta');
  });

  it('throws for a stream that ends early or carries junk', async () => {
    await expect(collect([frame({ event: 'message', ...base, answer: 'x' })])).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    await expect(collect(['data: {not json\n\n'])).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    await expect(collect([frame({ event: 'error', status: 429, code: 'too_many_requests' })])).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});
