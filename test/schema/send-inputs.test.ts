/**
 * `sendMessage` (and the streamed `assistantReply`) check `inputs` against the Dify app's input
 * form before any upstream send: each refusal is BAD_USER_INPUT naming the variable, and the
 * simulator sees no `/chat-messages` call. Required fields apply only when a send starts a
 * conversation (Dify keeps an existing conversation's own inputs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import { demoInputForm } from '../../src/demo/simulators/dify/app-form.js';
import type { DifySimulator } from '../../src/demo/simulators/dify/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SEND = `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { conversation { id inputs } messages { role } } }`;
const REPLY = `subscription ($input: SendMessageInput!) { assistantReply(input: $input) { __typename } }`;

let gw: TestGateway;
let dify: DifySimulator;
const chatCalls = () => dify.calls('POST', '/v1/chat-messages');

beforeAll(async () => {
  // Read the form on every send, so that each test's `setInputForm` applies at once.
  gw = await startTestGateway({
    configure: (config) => {
      for (const source of config.sources) if (source.kind === 'dify') source.appCacheTtlMs = 0;
      return config;
    },
  });
  dify = gw.backends.simulators.assistant as DifySimulator;
});
afterAll(() => gw.close());

/** Sends to a new conversation and expects a refusal naming `variable`, with no upstream send. */
async function expectRefused(inputs: Record<string, unknown>, variable: string, problem: RegExp) {
  const before = chatCalls();
  const answer = await gw.query(SEND, { input: { sourceId: 'assistant', text: 'Hello', inputs } });
  expect(answer.data?.sendMessage ?? null).toBeNull();
  expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(answer.errors![0]!.message).toContain(`inputs.${variable} `);
  expect(answer.errors![0]!.message).toMatch(problem);
  expect(chatCalls()).toBe(before);
}

describe('sendMessage checks inputs against the app form', () => {
  it('sends inputs that fit the form, numbers as numbers or numeric strings', async () => {
    dify.setInputForm(demoInputForm());
    const before = chatCalls();
    const inputs = { company: 'Northwind', plan_interest: 'growth', team_size: '12', context: 'We run two shifts.' };
    const answer = await gw.query(SEND, { input: { sourceId: 'assistant', text: 'Hello', inputs } });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.sendMessage.conversation.inputs).toEqual(inputs);
    expect(chatCalls()).toBe(before + 1);
    expect((await gw.query(SEND, { input: { sourceId: 'assistant', text: 'Hello', inputs: { team_size: 7.5 } } })).errors).toBeUndefined();
  });

  it('refuses an unknown variable', async () => {
    await expectRefused({ compnay: 'Northwind' }, 'compnay', /not a variable of this app's input form \(it has: company, plan_interest, team_size, context\)/);
  });

  it('refuses a value over max_length, counted in characters', async () => {
    await expectRefused({ company: 'x'.repeat(49) }, 'company', /at most 48 characters/);
    const answer = await gw.query(SEND, { input: { sourceId: 'assistant', text: 'Hello', inputs: { company: '🏔'.repeat(48) } } });
    expect(answer.errors).toBeUndefined();
  });

  it('refuses a select value not among its options, and a non-string', async () => {
    await expectRefused({ plan_interest: 'platinum' }, 'plan_interest', /must be one of: starter, growth, enterprise/);
    await expectRefused({ plan_interest: 3 }, 'plan_interest', /must be a string/);
  });

  it('refuses a number that is not a number', async () => {
    await expectRefused({ team_size: 'twelve' }, 'team_size', /must be a number/);
    await expectRefused({ team_size: true }, 'team_size', /must be a number/);
  });

  it('refuses a missing required variable when starting a conversation, not when continuing one', async () => {
    const form = demoInputForm();
    (form[0]!['text-input'] as Record<string, unknown>).required = true;
    dify.setInputForm(form);
    try {
      await expectRefused({ plan_interest: 'growth' }, 'company', /is required \("Company"\)/);
      await expectRefused({ company: '' }, 'company', /is required/);
      const mine = dify.data.find((conversation) => conversation.user === 'demo-user')!;
      const conversationId = globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: mine.id });
      const answer = await gw.query(SEND, { input: { conversationId, text: 'And another thing' } });
      expect(answer.errors).toBeUndefined();
    } finally {
      dify.setInputForm(demoInputForm());
    }
  });

  it('checks the streamed send (assistantReply) the same way, before any upstream call', async () => {
    const before = chatCalls();
    const response = await gw.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-chat-user': 'demo-user' },
      body: JSON.stringify({ query: REPLY, variables: { input: { sourceId: 'assistant', text: 'Hello', inputs: { plan_interest: 'platinum' } } } }),
    });
    const text = await response.text();
    expect(text).toContain('BAD_USER_INPUT');
    expect(text).toContain('inputs.plan_interest must be one of');
    expect(chatCalls()).toBe(before);
  });
});
