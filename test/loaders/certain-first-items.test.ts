/**
 * Which listed conversations are certain to be on the first merged page before a filtering
 * source (REST `owner`) has finished its per-item checks: the ones that stay on it whatever the
 * checks decide, and no other; and which ones may be on it (read ahead too, a bounded few).
 */
import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { certainFirstItems, firstPageReadAhead } from '../../src/loaders/conversation-list.js';
import type { Loaders, SourceLoaders } from '../../src/loaders/index.js';
import { createRequestMemo, listingCandidates } from '../../src/providers/request-memo.js';
import type { ConversationPage, ConversationRecord, ConversationSlice } from '../../src/providers/types.js';

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
  candidates?: { items: ConversationRecord[]; hasMore: boolean };
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
  return { forSource: (id) => bySource.get(id)!, forget: () => undefined, logger: createLogger('silent') };
}

const pending = new Promise<ConversationSlice>(() => undefined);

describe('certainFirstItems', () => {
  it('returns the exact items that stay in the top `limit` however many unchecked candidates pass', async () => {
    // limit 4: exact a@50, b@40, c@20, d@10; unchecked r@45, s@30 above c and d.
    const loaders = loadersOf({
      dify: { page: Promise.resolve({ items: [record('a', 50), record('b', 40), record('c', 20), record('d', 10)], hasMore: false }) },
      rest: { page: pending, candidates: { items: [record('r', 45), record('s', 30)], hasMore: false } },
    });
    const certain = await certainFirstItems(loaders, ['dify', 'rest'], 4);
    // c has a, r, b, s above it: 4, so if both pass it falls off; only a and b are certain.
    expect(certain.map((item) => item.record.externalId)).toEqual(['a', 'b']);
  });

  it('takes all exact items when no source filters and everything fits', async () => {
    const loaders = loadersOf({
      one: { page: Promise.resolve({ items: [record('a', 5), record('b', 3)], hasMore: false }) },
      two: { page: Promise.resolve({ items: [record('c', 4)], hasMore: false }) },
    });
    const certain = await certainFirstItems(loaders, ['one', 'two'], 20);
    expect(certain.map((item) => item.record.externalId)).toEqual(['a', 'c', 'b']);
  });

  it('stops at the last seen item of a source that has more, whose unseen items may rank higher', async () => {
    const loaders = loadersOf({
      one: { page: Promise.resolve({ items: [record('a', 50), record('b', 10)], hasMore: false }) },
      rest: { page: pending, candidates: { items: [record('r', 30)], hasMore: true } },
    });
    const certain = await certainFirstItems(loaders, ['one', 'rest'], 10);
    expect(certain.map((item) => item.record.externalId)).toEqual(['a']);
  });

  it('counts a failed source as empty and never rejects', async () => {
    const loaders = loadersOf({
      one: { page: Promise.resolve({ items: [record('a', 2), record('b', 1)], hasMore: false }) },
      broken: { page: Promise.reject(new Error('upstream down')) },
    });
    const certain = await certainFirstItems(loaders, ['one', 'broken'], 1);
    expect(certain.map((item) => item.record.externalId)).toEqual(['a']);
  });
});

describe('firstPageReadAhead', () => {
  // limit 4: exact a@50, b@40, c@20, d@10, e@5; unchecked r@45, s@30 above c, d and e.
  const sources = () =>
    loadersOf({
      dify: { page: Promise.resolve({ items: [record('a', 50), record('b', 40), record('c', 20), record('d', 10), record('e', 5)], hasMore: false }) },
      rest: { page: pending, candidates: { items: [record('r', 45), record('s', 30)], hasMore: false } },
    });

  it('adds, best first, the exact items that make the page if enough unchecked candidates above them are dropped', async () => {
    // c needs one of r, s dropped, d both; e has four exact items above it and cannot make it.
    const found = await firstPageReadAhead(sources(), ['dify', 'rest'], 4, 10);
    expect(found.certain.map((item) => item.record.externalId)).toEqual(['a', 'b']);
    expect(found.possible.map((item) => item.record.externalId)).toEqual(['c', 'd']);
  });

  it('returns at most `maxPossible` of them, the most likely first', async () => {
    const found = await firstPageReadAhead(sources(), ['dify', 'rest'], 4, 1);
    expect(found.possible.map((item) => item.record.externalId)).toEqual(['c']);
    expect((await firstPageReadAhead(sources(), ['dify', 'rest'], 4, 0)).possible).toEqual([]);
  });

  it('offers none past the last seen item of a source that has more', async () => {
    const loaders = loadersOf({
      dify: { page: Promise.resolve({ items: [record('a', 50), record('b', 40), record('c', 20)], hasMore: false }) },
      rest: { page: pending, candidates: { items: [record('r', 45), record('s', 30)], hasMore: true } },
    });
    const found = await firstPageReadAhead(loaders, ['dify', 'rest'], 2, 5);
    // r and a, b rank above s; c lies past s, where unseen REST items may rank higher.
    expect(found.certain.map((item) => item.record.externalId)).toEqual(['a']);
    expect(found.possible.map((item) => item.record.externalId)).toEqual(['b']);
  });
});
