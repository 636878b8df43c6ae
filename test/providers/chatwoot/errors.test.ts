import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import {
  CHATWOOT_AGENT_TOKEN,
  CHATWOOT_LONG_CONVERSATION_ID,
  startChatwootSimulator,
  type ChatwootSimulator,
} from '../../../src/demo/simulators/chatwoot/server.js';
import { agent, createAdapter } from './helpers.js';

const LONG = String(CHATWOOT_LONG_CONVERSATION_ID);
const page = { direction: 'backward' as const, cursor: null, limit: 5 };
const simulators: ChatwootSimulator[] = [];
const adapters: ProviderAdapter[] = [];
let sim: ChatwootSimulator;

async function start(options?: Parameters<typeof startChatwootSimulator>[0]): Promise<ChatwootSimulator> {
  const started = await startChatwootSimulator(options);
  simulators.push(started);
  return started;
}
function adapterFor(baseUrl: string, token?: string): ProviderAdapter {
  const created = createAdapter(baseUrl, token);
  adapters.push(created);
  return created;
}

beforeAll(async () => {
  sim = await start();
});
afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await Promise.all(simulators.map((simulator) => simulator.close()));
});

/** The email conversation of alice, outside the Website inbox the limited agent belongs to. */
const emailConversation = () => String(sim.data.conversations.find((c) => c.inboxId === 2 && c.status === 'open')?.id);

describe('chatwoot upstream errors', () => {
  it('maps a 404 to NOT_FOUND with the source id', async () => {
    await expect(adapterFor(sim.origin).listMessages(agent(), '9999', page)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      sourceId: 'support',
    });
  });

  it('maps 401 {"error"} (no access to that conversation) to NOT_FOUND', async () => {
    const limited = adapterFor(sim.origin, CHATWOOT_AGENT_TOKEN);
    const id = emailConversation();
    sim.requests.length = 0;
    await expect(limited.listMessages(agent(), id, page)).rejects.toMatchObject({ code: 'NOT_FOUND', sourceId: 'support' });
    expect(await limited.getConversations(agent(), [id, LONG])).toEqual([null, expect.objectContaining({ externalId: LONG })]);
    const answer = await fetch(`${sim.origin}/api/v1/accounts/1/conversations/${id}`, { headers: { api_access_token: CHATWOOT_AGENT_TOKEN } });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ error: 'You are not authorized to do this action' });
  });

  it('maps an unknown token (401 {"error":"Invalid Access Token"}) to UPSTREAM_ERROR without the token', async () => {
    const token = 'wrong-secret-token-123';
    const error = await adapterFor(sim.origin, token).listConversations(agent(), { after: null, limit: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'support' });
    expect((error as Error).message).toContain('rejected');
    expect((error as Error).message).not.toContain(token);
  });

  it('maps a missing token (401 {"errors": […]}) to UPSTREAM_ERROR without the token', async () => {
    const token = '   ';
    sim.requests.length = 0;
    const error = await adapterFor(sim.origin, token).listMessages(agent(), LONG, page).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'support' });
    expect((error as Error).message).toMatch(/credentials/);
    const answer = await fetch(`${sim.origin}/api/v1/accounts/1/conversations`);
    expect(await answer.json()).toEqual({ errors: ['You need to sign in or sign up before continuing.'] });
  });

  it('maps the plain-text 429 to RATE_LIMITED with Retry-After seconds', async () => {
    const throttled = await start({ rateLimit: { limit: 1, periodSeconds: 60, retryAfterHeader: true } });
    const adapter = adapterFor(throttled.origin);
    await adapter.listConversations(agent(), { after: null, limit: 5 });
    const error = await adapter.listConversations(agent(), { after: null, limit: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', sourceId: 'support' });
    expect((error as { retryAfter?: number }).retryAfter).toBeGreaterThan(0);
    expect((error as { retryAfter?: number }).retryAfter).toBeLessThanOrEqual(60);
  });

  it('maps a 429 without Retry-After (stock Rack::Attack) to RATE_LIMITED', async () => {
    const throttled = await start({ rateLimit: { limit: 0, periodSeconds: 60 } });
    const error = await adapterFor(throttled.origin).listMessages(agent(), LONG, page).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', sourceId: 'support', retryAfter: undefined });
  });

  it('maps a 5xx to UPSTREAM_UNAVAILABLE and slots it per id in batches', async () => {
    const down = await start();
    const adapter = adapterFor(down.origin);
    down.setOutage(503);
    await expect(adapter.listMessages(agent(), LONG, page)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'support' });
    const slots = await adapter.getConversations(agent(), [LONG, '1']);
    expect(slots.map((slot) => (slot as { code?: string }).code)).toEqual(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE']);
    down.setOutage(null);
    expect((await adapter.getConversations(agent(), [LONG]))[0]).toMatchObject({ externalId: LONG });
  });
});
