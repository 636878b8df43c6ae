/**
 * GraphiQL in a real browser: the gateway in demo mode (simulators, default viewer, GraphiQL with
 * the demo viewer header preset) on a loopback port, `/graphql` opened in headless Chromium, the
 * example operation run, and simulator data asserted in the result pane. Every request the page
 * makes is checked: anything not aimed at loopback is blocked and fails the test. Writes the
 * screenshot the README shows (docs/graphiql.png) when it is missing or UPDATE_SCREENSHOTS=1.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/cli.js';
import { launchTestBrowser, type TestBrowser } from '../helpers/chromium.js';
import { DEMO_VIEWER, startDemoBackends } from '../../src/demo/demo.js';
import type { RunningServer } from '../../src/server/server.js';

const SCREENSHOT = fileURLToPath(new URL('../../docs/graphiql.png', import.meta.url));

let running: RunningServer;
let context: BrowserContext;
let browser: TestBrowser;

beforeAll(async () => {
  // Demo mode exactly as `npm start` without a config runs it, on a free port.
  running = await startGateway({ configFile: undefined, port: 0, help: false }, { LOG_LEVEL: 'silent' });
  browser = await launchTestBrowser('graphiql-test');
  context = browser.context;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

/** One GET of the GraphiQL page as a browser sends it, with the bytes that crossed the wire. */
function getPage(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { accept: 'text/html', ...headers } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, bytes }));
    })
      .on('error', reject)
      .end();
  });
}

/** The text the result pane shows, with whitespace collapsed (the pane wraps long lines). */
async function resultText(page: Page): Promise<string> {
  return (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ');
}

describe('GraphiQL', () => {
  it('runs the example operation as the demo viewer and shows simulator data', { timeout: 60_000 }, async () => {
    // The first conversation the example operation will show, asked for directly.
    const direct = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-user': DEMO_VIEWER.id },
      body: JSON.stringify({ query: '{ conversations(first: 1) { edges { node { title } } } }' }),
    });
    const firstTitle = ((await direct.json()) as any).data.conversations.edges[0].node.title as string;
    expect(firstTitle).toBeTruthy();

    const page = await context.newPage();
    const response = await page.goto(`${running.url}/graphql`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/text\/html/);
    const runButton = page.locator('.graphiql-execute-button');
    await runButton.waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(() => page.locator('.graphiql-query-editor').innerText(), { timeout: 20_000 }).toContain('RecentConversations');
    // The first tab holds the query alone: Run runs it, with no operation to choose.
    expect(await page.locator('.graphiql-query-editor').innerText()).not.toContain('mutation');

    const answered = page.waitForResponse((candidate) => candidate.url().endsWith('/graphql') && candidate.request().method() === 'POST' && (candidate.request().postData() ?? '').includes('RecentConversations'), { timeout: 10_000 });
    await runButton.click();
    const graphqlResponse = await answered;
    expect(await page.getByRole('menuitem').count()).toBe(0);
    // GraphiQL sent the preset demo viewer header, and the gateway answered with data.
    expect(graphqlResponse.request().headers()['x-chat-user']).toBe(DEMO_VIEWER.id);
    const body = (await graphqlResponse.json()) as { data: any; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer.externalId).toBe(DEMO_VIEWER.id);
    expect(new Set(body.data.conversations.edges.map((edge: any) => edge.node.source.kind))).toEqual(new Set(['DIFY', 'CHATWOOT', 'REST']));

    await expect.poll(() => resultText(page), { timeout: 20_000 }).toContain(firstTitle);
    const shown = await resultText(page);
    expect(shown).toContain('"demo-user"');
    expect(shown).toContain('"conversations"');

    // An agent's inbox and the example mutation wait in further tabs (demo mode only).
    expect(await page.getByRole('tab').allInnerTexts()).toEqual(['RecentConversations', 'AgentInbox', 'AskAssistant']);
    const showTab = (name: string, text: string) =>
      expect
        .poll(
          async () => {
            await page.getByRole('tab', { name }).click();
            return `${await page.getByRole('tab', { name }).getAttribute('aria-selected')} ${(await page.locator('.graphiql-query-editor').innerText()).replace(/\s+/g, ' ')}`;
          },
          { timeout: 15_000, interval: 500 },
        )
        .toMatch(new RegExp(`^true [\\s\\S]*${text}`));
    await showTab('AgentInbox', 'query AgentInbox');
    await showTab('AskAssistant', 'mutation AskAssistant');
    await showTab('RecentConversations', 'query RecentConversations');

    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // Written when missing or asked for, so that a test run leaves the checked-in file alone.
    if (!existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS) {
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      writeFileSync(SCREENSHOT, png);
    }
    await page.close();
  });

  it('streams a subscription typed into the editor (GraphiQL subscribes over a GET event stream)', { timeout: 60_000 }, async () => {
    const page = await context.newPage();
    await page.goto(`${running.url}/graphql`, { waitUntil: 'load' });
    const runButton = page.locator('.graphiql-execute-button');
    await runButton.waitFor({ state: 'visible', timeout: 30_000 });
    // The page may restore the first test's tabs; whatever the editor holds is replaced.
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('.graphiql-query-editor').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(
      'subscription Ask { assistantReply(input: { sourceId: "assistant", text: "How do I reset my password?" }) { __typename ... on AssistantReplyCompleted { messages { role text } } } }',
    );
    // Monaco renders spaces as no-break spaces.
    await expect.poll(async () => (await page.locator('.graphiql-query-editor').innerText()).replace(/\s+/g, ' '), { timeout: 5_000 }).toContain('subscription Ask');
    // GraphiQL takes in an edit a moment after the editor shows it; the tab takes the new
    // operation's name once it has, and only then does Run send the subscription.
    await expect.poll(() => page.getByRole('tab', { selected: true }).innerText(), { timeout: 10_000 }).toBe('Ask');
    const subscribed = page.waitForResponse((candidate) => new URL(candidate.url()).pathname === '/graphql' && candidate.request().headers().accept === 'text/event-stream');
    await runButton.click();
    const stream = await subscribed;
    // Refused before the fix: the CSRF check answered GraphiQL's header-less GET with 403.
    expect(stream.status()).toBe(200);
    expect(stream.request().headers()['x-chat-user']).toBe(DEMO_VIEWER.id);
    await expect.poll(() => resultText(page), { timeout: 30_000 }).toContain('AssistantReplyCompleted');
    expect(await resultText(page)).toContain('How do I reset my password?');
    await page.close();
  });

  it('sends the page compressed, with a validator, and answers a reload with 304', async () => {
    const first = await getPage(`${running.url}/graphql`, { 'accept-encoding': 'br, gzip' });
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('br');
    expect(first.headers['content-type']).toMatch(/^text\/html/);
    expect(first.headers.vary).toMatch(/accept-encoding/i);
    expect(first.headers['cache-control']).toBe('no-cache');
    // 9 MB uncompressed: a browser receives about a fifth of it.
    expect(first.bytes).toBeLessThan(2_500_000);
    const gzip = await getPage(`${running.url}/graphql`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.etag).not.toBe(first.headers.etag);
    const again = await getPage(`${running.url}/graphql`, { 'accept-encoding': 'br, gzip', 'if-none-match': first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.bytes).toBe(0);
  });

  it('offers no write in config mode: one tab, the query', { timeout: 60_000 }, async () => {
    const backends = await startDemoBackends({ chatwootReplyDelayMs: null });
    const config = {
      server: { host: '127.0.0.1', shutdownDelayMs: 0, shutdownTimeoutMs: 1_000 },
      auth: { mode: 'header' },
      sources: Object.entries(backends.simulators).map(([id, simulator]) => ({ id, ...simulator.sourceConfig })),
    };
    const file = join(mkdtempSync(join(tmpdir(), 'graphiql-config-')), 'gateway.json');
    writeFileSync(file, JSON.stringify(config));
    const configured = await startGateway({ configFile: file, port: 0, help: false }, { LOG_LEVEL: 'silent' });
    const page = await context.newPage();
    try {
      // A fresh origin (another port): no tabs restored from the demo pages.
      await page.goto(`${configured.url}/graphql`, { waitUntil: 'load' });
      await page.locator('.graphiql-execute-button').waitFor({ state: 'visible', timeout: 30_000 });
      await expect.poll(() => page.locator('.graphiql-query-editor').innerText(), { timeout: 20_000 }).toContain('RecentConversations');
      expect(await page.locator('.graphiql-tab').count()).toBeLessThanOrEqual(1);
      expect(await page.locator('.graphiql-query-editor').innerText()).not.toContain('mutation');
      const html = await (await fetch(`${configured.url}/graphql`, { headers: { accept: 'text/html' } })).text();
      expect(html).not.toContain('AskAssistant');
    } finally {
      await page.close();
      await configured.stop();
      await backends.close();
    }
  });

  it('made no request that left loopback', () => {
    expect(browser.requested.length).toBeGreaterThan(0);
    expect(browser.blocked).toEqual([]);
  });
});
