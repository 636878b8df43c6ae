/**
 * The Dify simulator's annotations as Dify serves them: app-wide (no `user`), newest first,
 * `keyword` over question and answer in any case, Flask's lenient `page`/`limit` with pages of
 * at most 100, Dify's `has_more` (a full page says true), 400 for a body without the strings,
 * 404 for an absent id, and every write visible in the next list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDifyAnnotations } from '../../../src/demo/simulators/dify/annotation-fixtures.js';
import { DIFY_DEMO_API_KEY } from '../../../src/demo/simulators/dify/fixtures.js';
import { startDifySimulator, type DifySimulator } from '../../../src/demo/simulators/dify/server.js';

let simulator: DifySimulator;
const auth = { authorization: `Bearer ${DIFY_DEMO_API_KEY}`, 'content-type': 'application/json' };

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${simulator.origin}/v1${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, text, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

beforeAll(async () => {
  // 120 annotations: more than one page of 100.
  const many = Array.from({ length: 20 }, () => createDifyAnnotations()).flatMap((seed, round) =>
    seed.map((item, index) => ({ ...item, id: `${item.id.slice(0, 24)}${String(round * 10 + index).padStart(12, '0')}`, createdAtMs: item.createdAtMs + round * 86_400_000 })),
  );
  simulator = await startDifySimulator({ annotations: many });
});
afterAll(async () => {
  await simulator.close();
});

describe('dify simulator: annotations', () => {
  it('lists newest first, app-wide, with total, page and Dify\'s has_more', async () => {
    const first = await call('GET', '/apps/annotations?limit=50');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ has_more: true, limit: 50, total: 120, page: 1 });
    const times = first.body!.data.map((item: any) => item.created_at);
    expect([...times].sort((a: number, b: number) => b - a)).toEqual(times);
    const last = await call('GET', '/apps/annotations?limit=40&page=3');
    expect(last.body!.data).toHaveLength(40);
    expect(last.body!.has_more).toBe(true); // Dify's len(data) == limit, though nothing follows
    expect((await call('GET', '/apps/annotations?limit=40&page=4')).body).toMatchObject({ data: [], has_more: false });
  });

  it('serves at most 100 a page and reads bad numbers as the defaults', async () => {
    const capped = await call('GET', '/apps/annotations?limit=500');
    expect(capped.body!.data).toHaveLength(100);
    expect(capped.body!).toMatchObject({ limit: 500, has_more: false });
    const lenient = await call('GET', '/apps/annotations?limit=abc&page=zero');
    expect(lenient.body).toMatchObject({ limit: 20, page: 1 });
    expect(lenient.body!.data).toHaveLength(20);
  });

  it('filters by keyword in question or answer, any case', async () => {
    const answer = await call('GET', '/apps/annotations?keyword=FRANKFURT&limit=100');
    expect(answer.body!.total).toBe(20);
    expect(answer.body!.data.every((item: any) => item.question === 'Where is my data stored?')).toBe(true);
  });

  it('creates, updates and deletes, each visible in the next list; absent ids 404, bad bodies 400', async () => {
    const created = await call('POST', '/apps/annotations', { question: 'New?', answer: 'Yes.' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ question: 'New?', answer: 'Yes.', hit_count: 0 });
    const [newest] = (await call('GET', '/apps/annotations?limit=1')).body!.data;
    expect(newest).toEqual(created.body);
    const updated = await call('PUT', `/apps/annotations/${created.body!.id}`, { question: 'New?', answer: 'Indeed.' });
    expect(updated).toMatchObject({ status: 200, body: { id: created.body!.id, answer: 'Indeed.' } });
    expect((await call('GET', '/apps/annotations?keyword=indeed')).body!.data).toHaveLength(1);
    expect(await call('DELETE', `/apps/annotations/${created.body!.id}`)).toMatchObject({ status: 204, text: '' });
    expect((await call('GET', '/apps/annotations?keyword=indeed')).body!.data).toHaveLength(0);
    expect(await call('DELETE', `/apps/annotations/${created.body!.id}`)).toMatchObject({ status: 404, body: { code: 'not_found', message: 'Annotation not found.' } });
    expect((await call('PUT', `/apps/annotations/${created.body!.id}`, { question: 'q', answer: 'a' })).status).toBe(404);
    expect((await call('POST', '/apps/annotations', { question: 'only a question' })).body).toMatchObject({ code: 'invalid_param', status: 400 });
  });
});
