/**
 * Which listed conversations are certain to be on the first merged page before a filtering
 * source (REST `owner`) has finished its per-item checks: the ones that stay on it whatever the
 * checks decide, and no other; and which ones are on it if the predicted drops happen (a bounded few).
 */
import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { firstPageReadAhead } from '../../src/loaders/conversation-list.js';
import type { Loaders, SourceLoaders } from '../../src/loaders/index.js';
import { createRequestMemo, listingCandidates } from '../../src/upstream/request-memo.js';
import type { ConversationPage, ConversationRecord, ConversationSlice } from '../../src/core/records.js';

function record(externalId: string, minute: number): ConversationRecord {
  return {
    externalId,
    title: null,
    status: 'OPEN',
    upstreamStatus: null,
    createdAt: null,
    updatedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)),
    cursorKey: externalId,
  } as ConversationRecord;
}

interface FakeSource {
  /** The exact page; a promise that never settles stands for a filter still running. */
  page: Promise<ConversationSlice>;
  /** What the source announces before filtering, if it filters. */
  candidates?: { items: ConversationRecord[]; hasMore: boolean; likelyDropped?: ReadonlySet<string> };
}

function loadersOf(sources: Record<string, FakeSource>): Loaders {
  const bySource = new Map<string, SourceLoaders>();
  for (const [id, fake] of Object.entries(sources)) {
    const memo = createRequestMemo();
    if (fake.candidates) listingCandidates<ConversationRecord>(memo).resolve(fake.candidates);
    const conversationPage = new DataLoader<ConversationPage, ConversationSlice, string>(async (pages) => {
      const slice = await fake.page;
      return pages.map(() => slice);
    }, {
      cacheKeyFn: (page) => JSON.stringify(page),
    });
    bySource.set(id, { memo, conversationPage } as unknown as SourceLoaders);
  }
  return { forSource: (id) => bySource.get(id)!, forget: () => undefined, clear: () => undefined, logger: createLogger('silent') };
}

const pending = new Promise<ConversationSlice>(() => undefined);

describe('firstPageReadAhead: certain items', () => {
  it('returns the exact items that stay in the top `limit` however many unchecked candidates pass', async () => {
    // limit 4: exact a@50, b@40, c@20, d@10; unchecked r@45, s@30 above c and d.
    const loaders = loadersOf({
      dify: { page: Promise.resolve({ items: [record('a', 50), record('b', 40), record('c', 20), record('d', 10)], hasMore: false }) },
      rest: { page: pending, candidates: { items: [record('r', 45), record('s', 30)], hasMore: false } },
    });
    const certain = (await firstPageReadAhead(loaders, ['dify', 'rest'], 4, 0)).certain;
    // c has a, r, b, s above it: 4, so if both pass it falls off; only a and b are certain.
    expect(certain.map((item) => item.record.externalId)).toEqual(['a', 'b']);
  });

  it('takes all exact items when no source filters and everything fits', async () => {
    const loaders = loadersOf({
      one: { page: Promise.resolve({ items: [record('a', 5), record('b', 3)], hasMore: false }) },
      two: { page: Promise.resolve({ items: [record('c', 4)], hasMore: false }) },
    });
    const certain = (await firstPageReadAhead(loaders, ['one', 'two'], 20, 0)).certain;
    expect(certain.map((item) => item.record.externalId)).toEqual(['a', 'c', 'b']);
  });

  it('stops at the last seen item of a source that has more, whose unseen items may rank higher', async () => {
    const loaders = loadersOf({
      one: { page: Promise.resolve({ items: [record('a', 50), record('b', 10)], hasMore: false }) },
      rest: { page: pending, candidates: { items: [record('r', 30)], hasMore: true } },
    });
    const certain = (await firstPageReadAhead(loaders, ['one', 'rest'], 10, 0)).certain;
    expect(certain.map((item) => item.record.externalId)).toEqual(['a']);
  });

  it('counts a failed source as empty and never rejects', async () => {
    const loaders = loadersOf({
      one: { page: Promise.resolve({ items: [record('a', 2), record('b', 1)], hasMore: false }) },
      broken: { page: Promise.reject(new Error('upstream down')) },
    });
    const certain = (await firstPageReadAhead(loaders, ['one', 'broken'], 1, 0)).certain;
    expect(certain.map((item) => item.record.externalId)).toEqual(['a']);
  });
});

describe('firstPageReadAhead', () => {
  // limit 4: exact a@50, b@40, c@20, d@10, e@5; unchecked r@45, s@30 above c, d and e.
  const sources = (likelyDropped: string[]) =>
    loadersOf({
      dify: { page: Promise.resolve({ items: [record('a', 50), record('b', 40), record('c', 20), record('d', 10), record('e', 5)], hasMore: false }) },
      rest: { page: pending, candidates: { items: [record('r', 45), record('s', 30)], hasMore: false, likelyDropped: new Set(likelyDropped) } },
    });
  const ids = (items: Array<{ record: ConversationRecord }>) => items.map((item) => item.record.externalId);

  it('adds the exact items on the page if the candidates predicted dropped are dropped and the rest kept', async () => {
    // s predicted dropped: a, r, b, c make the page; d would need r dropped too.
    const found = await firstPageReadAhead(sources(['s']), ['dify', 'rest'], 4, 10);
    expect(ids(found.certain)).toEqual(['a', 'b']);
    expect(ids(found.possible)).toEqual(['c']);
    // both predicted dropped: c and d; e still has four exact items above it.
    expect(ids((await firstPageReadAhead(sources(['r', 's']), ['dify', 'rest'], 4, 10)).possible)).toEqual(['c', 'd']);
  });

  it('adds none without predictions, and at most `maxPossible`, best first', async () => {
    expect((await firstPageReadAhead(sources([]), ['dify', 'rest'], 4, 10)).possible).toEqual([]);
    expect(ids((await firstPageReadAhead(sources(['r', 's']), ['dify', 'rest'], 4, 1)).possible)).toEqual(['c']);
    expect((await firstPageReadAhead(sources(['r', 's']), ['dify', 'rest'], 4, 0)).possible).toEqual([]);
  });

  it('offers none past the last seen item of a source that has more', async () => {
    const loaders = loadersOf({
      dify: { page: Promise.resolve({ items: [record('a', 50), record('b', 40), record('c', 20)], hasMore: false }) },
      rest: { page: pending, candidates: { items: [record('r', 45), record('s', 30)], hasMore: true, likelyDropped: new Set(['r', 's']) } },
    });
    const found = await firstPageReadAhead(loaders, ['dify', 'rest'], 2, 5);
    // a, r rank above b; c lies past s, where unseen REST items may rank higher.
    expect(ids(found.certain)).toEqual(['a']);
    expect(ids(found.possible)).toEqual(['b']);
  });
});
