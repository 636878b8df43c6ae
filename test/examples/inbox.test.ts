/**
 * The example inbox (examples/inbox/, React + Relay) in a real browser: a demo-mode gateway on a
 * loopback port serves the built app at /inbox, headless Chromium opens it, and everything it
 * renders is checked against the gateway's own answers, asked for directly over HTTP. As an
 * agent it pages through the whole conversation list, opens every Chatwoot thread, scrolls the
 * long ones back to their first message, then sends a reply and waits for the simulated
 * contact's answer to arrive over the live subscription. Requests that leave loopback are
 * blocked and fail the test. Leaves a screenshot at /tmp/inbox.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/cli.js';
import { launchTestBrowser, type TestBrowser } from '../helpers/chromium.js';
import type { RunningServer } from '../../src/server/server.js';

const SCREENSHOT = '/tmp/inbox.png';
const AGENT_HEADERS = { 'x-chat-user': 'demo-user', 'x-chat-roles': 'agent' };
/** More messages than this and a thread needs scrolling back (the inbox reads 20 at a time). */
const LONG_THREAD = 40;

let running: RunningServer;
let context: BrowserContext;
let browser: TestBrowser;

/** One message as the inbox shows it; the server's answer is mapped to the same shape. */
interface ShownMessage {
  id: string;
  name: string;
  kind: string;
  role: string;
}

beforeAll(async () => {
  // Demo mode exactly as `npm start` without a config runs it (the contact answers after 3 s).
  running = await startGateway({ configFile: undefined, port: 0, help: false }, { LOG_LEVEL: 'silent' });
  browser = await launchTestBrowser('inbox-test');
  context = browser.context;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

/** Asks the gateway directly, as the agent. */
async function ask<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${running.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AGENT_HEADERS },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** The agent's conversations, in list order, straight from the gateway. */
async function serverConversations(): Promise<Array<{ id: string; title: string | null; kind: string }>> {
  const data = await ask('{ conversations(first: 100) { edges { node { id title source { kind } } } pageInfo { hasNextPage } } }');
  expect(data.conversations.pageInfo.hasNextPage).toBe(false);
  return data.conversations.edges.map(({ node }: any) => ({ id: node.id, title: node.title, kind: node.source.kind }));
}

/** Every message of a thread, oldest first, paged back from the newest straight from the gateway. */
async function serverThread(conversationId: string): Promise<ShownMessage[]> {
  const messages: ShownMessage[] = [];
  let before: string | null = null;
  for (;;) {
    const data: any = await ask(
      `query Thread($id: ID!, $before: String) {
        conversation(id: $id) {
          messages(last: 100, before: $before) {
            edges { node { id role sender { name kind } } }
            pageInfo { hasPreviousPage startCursor }
          }
        }
      }`,
      { id: conversationId, before },
    );
    const page = data.conversation.messages;
    const shown = page.edges.map(({ node }: any) => ({ id: node.id, name: node.sender?.name ?? 'Unknown', kind: node.sender?.kind ?? '', role: node.role }));
    messages.unshift(...shown);
    if (!page.pageInfo.hasPreviousPage) return messages;
    before = page.pageInfo.startCursor;
  }
}

/** The messages the open thread renders, top to bottom. */
function shownThread(page: Page): Promise<ShownMessage[]> {
  return page.locator('.messages .message').evaluateAll((rows) =>
    rows.map((row) => ({
      id: (row as HTMLElement).dataset.messageId ?? '',
      name: row.querySelector('.sender-name')?.textContent ?? '',
      kind: row.querySelector('.sender-kind')?.textContent ?? '',
      role: row.querySelector('.role')?.textContent ?? '',
    })),
  );
}

/** Opens a conversation from the list and waits for its newest page. */
async function openThread(page: Page, conversationId: string): Promise<void> {
  await page.locator(`.conversation[data-conversation-id="${conversationId}"]`).click();
  await page.locator(`.conversation[data-conversation-id="${conversationId}"][aria-current="true"]`).waitFor();
  await page.locator('.messages .message').first().waitFor({ timeout: 20_000 });
}

/** Scrolls the open thread up until the inbox shows its start, the way a reader would. */
async function scrollToStart(page: Page): Promise<void> {
  const list = page.locator('.messages');
  await expect
    .poll(
      async () => {
        await list.evaluate((element) => element.scrollTo({ top: 0 }));
        return page.locator('.thread-start').count();
      },
      { timeout: 60_000, interval: 200 },
    )
    .toBe(1);
}

describe('example inbox', () => {
  it('shows the demo user their conversations', { timeout: 60_000 }, async () => {
    const direct = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ conversations(first: 5) { edges { node { id title } } } }' }),
    });
    const expected = ((await direct.json()) as any).data.conversations.edges.map(({ node }: any) => node.id);
    const page = await context.newPage();
    const response = await page.goto(`${running.url}/inbox`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    await page.locator('.conversation').first().waitFor({ timeout: 30_000 });
    const shown = await page.locator('.conversation').evaluateAll((buttons) => buttons.map((button) => (button as HTMLElement).dataset.conversationId));
    expect(shown.slice(0, expected.length)).toEqual(expected);
    await expect.poll(() => page.locator('.viewer').innerText()).toContain('no roles');
    await page.close();
  });

  it('as an agent, shows every thread with the server’s senders, scrolls long ones back, and gets replies live', { timeout: 240_000 }, async () => {
    const conversations = await serverConversations();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
    });
    const streams: Array<{ conversationId: string; headers: Record<string, string> }> = [];
    page.on('request', (request) => {
      if (request.headers().accept !== 'text/event-stream') return;
      streams.push({ conversationId: JSON.parse(request.postData() ?? '{}').variables?.conversationId, headers: request.headers() });
    });
    await page.goto(`${running.url}/inbox`, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Agent' }).click();
    await expect.poll(() => page.locator('.viewer').innerText(), { timeout: 30_000 }).toContain('agent');

    // The whole list, a page at a time, in the server's order with no gap or repeat. The "more"
    // button reads "Loading…" (disabled) while a page loads and is gone once there is none left:
    // only its absence, not a moment without "More conversations", means the list is complete.
    const rows = page.locator('.conversation');
    const more = page.getByRole('button', { name: 'More conversations' });
    const loading = page.locator('.more[disabled]');
    await rows.first().waitFor({ timeout: 30_000 });
    for (;;) {
      await expect.poll(() => loading.count(), { timeout: 30_000 }).toBe(0);
      if (!(await more.count())) break;
      const before = await rows.count();
      await more.click();
      await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(before);
    }
    expect(await rows.evaluateAll((buttons) => buttons.map((button) => (button as HTMLElement).dataset.conversationId))).toEqual(
      conversations.map((conversation) => conversation.id),
    );

    // Every Chatwoot thread, long ones scrolled back to their first message; then the first
    // again, after the others filled the store, so that no later read rewrote its senders.
    const chatwoot = conversations.filter((conversation) => conversation.kind === 'CHATWOOT');
    const threads = new Map<string, ShownMessage[]>();
    for (const conversation of chatwoot) threads.set(conversation.id, await serverThread(conversation.id));
    const long = chatwoot.filter((conversation) => threads.get(conversation.id)!.length > LONG_THREAD);
    expect(long.length).toBeGreaterThanOrEqual(2);
    for (const conversation of [...chatwoot, long[0]!]) {
      await openThread(page, conversation.id);
      await scrollToStart(page);
      const expected = threads.get(conversation.id)!;
      await expect.poll(() => shownThread(page), { timeout: 20_000 }).toHaveLength(expected.length);
      expect({ conversation: conversation.title, messages: await shownThread(page) }).toEqual({ conversation: conversation.title, messages: expected });
    }

    // A reply from the agent, and the contact's answer pushed by the simulator's webhook.
    const target = long[0]!;
    await openThread(page, target.id);
    const text = `Checking on this now (${Date.now()})`;
    await page.getByLabel('Reply').fill(text);
    const operationsAfterSend: string[] = [];
    page.on('request', (request) => {
      const name = /\b(?:query|mutation|subscription)\s+(\w+)/.exec(request.postData() ?? '')?.[1];
      if (name) operationsAfterSend.push(name);
    });
    const mutation = page.waitForResponse((response) => (response.request().postData() ?? '').includes('mutation ComposerMutation'));
    await page.getByRole('button', { name: 'Send' }).click();
    const sent = page.locator('.messages .message', { hasText: text });
    await sent.waitFor({ timeout: 20_000 });
    // The mutation answered the new message as an edge with a cursor (Relay's @appendEdge).
    const [edge] = ((await (await mutation).json()) as any).data.sendMessage.messageEdges;
    expect(edge.cursor).toEqual(expect.any(String));
    expect(await sent.getAttribute('data-message-id')).toBe(edge.node.id);
    const beforeReply = (await shownThread(page)).length;
    await expect.poll(async () => (await shownThread(page)).length, { timeout: 20_000, interval: 250 }).toBe(beforeReply + 1);
    const [reply] = (await shownThread(page)).slice(-1);
    expect(reply!.role).toBe('USER');
    // Nothing was read again: the reply came over the thread's subscription (SSE, as the agent).
    expect(operationsAfterSend).toEqual(['ComposerMutation']);
    const stream = streams.filter((each) => each.conversationId === target.id).at(-1);
    expect(stream?.headers['x-chat-roles']).toBe('agent');
    // The sent message and the reply, as the server has them now, at the end of the thread.
    const server = await serverThread(target.id);
    expect((await shownThread(page)).slice(-2)).toEqual(server.slice(-2));
    expect(await page.locator('.messages .message').last().innerText()).not.toContain(text);

    await page.screenshot({ path: SCREENSHOT });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('made no request that left loopback', () => {
    expect(browser.blocked).toEqual([]);
  });
});
