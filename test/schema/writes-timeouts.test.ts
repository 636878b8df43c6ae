/**
 * A blocking send waits for the model under the source's `sendTimeoutMs`, not the request's
 * overall deadline (`server.requestTimeoutMs`), and still fails cleanly past its own time-out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWritesGateway, type WritesGateway } from './writes-setup.js';

let gw: WritesGateway;
beforeAll(async () => {
  gw = await startWritesGateway((config) => {
    config.server = { ...config.server, requestTimeoutMs: 150 };
    config.sources = config.sources.map((source: any) => (source.kind === 'dify' ? { ...source, sendTimeoutMs: 900 } : source));
  });
});
afterAll(() => gw.close());

const SEND = `mutation { sendMessage(input: { sourceId: "assistant", text: "Think hard about this" }) { messages { role text } } }`;

/** A blocking answer that takes `ms` to arrive. */
function slowAnswer(ms: number) {
  gw.backends.simulators.assistant.injectFailure(
    {
      status: 200,
      headers: { 'content-type': 'application/json' },
      stream: async (response) => {
        await sleep(ms);
        response.write(
          JSON.stringify({
            event: 'message',
            task_id: 'b5f0c1d2-0000-4000-8000-000000000001',
            id: 'b5f0c1d2-0000-4000-8000-000000000002',
            message_id: 'b5f0c1d2-0000-4000-8000-000000000002',
            conversation_id: 'b5f0c1d2-0000-4000-8000-000000000003',
            mode: 'chat',
            answer: 'After some thought: yes.',
            metadata: { usage: {}, retriever_resources: [] },
            created_at: Math.floor(Date.now() / 1000),
          }),
        );
      },
    },
    1,
    { method: 'POST', path: '/v1/chat-messages' },
  );
}

describe('sendTimeoutMs', () => {
  it('lets a blocking send outlive the request deadline', async () => {
    slowAnswer(400);
    const answer = await gw.run(SEND);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.sendMessage.messages.map((message: any) => message.role)).toEqual(['USER', 'ASSISTANT']);
    expect(answer.data.sendMessage.messages[1].text).toBe('After some thought: yes.');
  });

  it('fails as UPSTREAM_UNAVAILABLE past its own time-out, sent once', async () => {
    const before = gw.backends.simulators.assistant.calls('POST', '/v1/chat-messages');
    slowAnswer(1_500);
    const answer = await gw.run(SEND);
    expect(answer.data.sendMessage).toBeNull();
    expect(answer.errors[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'assistant' });
    expect(gw.backends.simulators.assistant.calls('POST', '/v1/chat-messages')).toBe(before + 1);
  });
});
