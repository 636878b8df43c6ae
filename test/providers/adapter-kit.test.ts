import { describe, expect, it } from 'vitest';
import { createViewerMemo, eachLimited, groupRefs, toSlot } from '../../src/providers/adapter-kit.js';
import { GatewayError } from '../../src/core/errors.js';

describe('adapter kit', () => {
  it('turns NOT_FOUND into an empty slot and keeps other failures', () => {
    expect(toSlot(new GatewayError('NOT_FOUND', 'gone'))).toBeNull();
    const slot = toSlot(new GatewayError('UPSTREAM_UNAVAILABLE', 'down'));
    expect(slot).toBeInstanceOf(GatewayError);
    expect(toSlot('plain')).toEqual(new Error('plain'));
  });

  it('groups refs by conversation and prefills unparsable slots', () => {
    const refs = [
      { conversationExternalId: 'a', key: '1' },
      { conversationExternalId: 'b', key: 'x' },
      { conversationExternalId: 'a', key: '2' },
      { conversationExternalId: '', key: '3' },
    ];
    const { results, groups } = groupRefs<string, string, number>(refs, (ref) => {
      const key = Number(ref.key);
      if (!Number.isInteger(key)) return new Error('bad key');
      return ref.conversationExternalId ? { conversation: ref.conversationExternalId, key } : null;
    });
    expect([...groups]).toEqual([['a', [{ slot: 0, key: 1 }, { slot: 2, key: 2 }]]]);
    expect(results[1]).toEqual(new Error('bad key'));
    expect(results[3]).toBeNull();
  });

  it('keeps at most the given number of tasks in flight', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      done.push(item);
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('memoises per viewer object and forgets failures', async () => {
    const memo = createViewerMemo<string, number>();
    const viewer = { id: 'u', roles: [] };
    let calls = 0;
    const compute = () => Promise.resolve((calls += 1));
    expect(await memo(viewer, 'k', compute)).toBe(1);
    expect(await memo(viewer, 'k', compute)).toBe(1);
    expect(await memo({ id: 'u', roles: [] }, 'k', compute)).toBe(2);
    await expect(memo(viewer, 'f', () => Promise.reject(new Error('once')))).rejects.toThrow('once');
    expect(await memo(viewer, 'f', compute)).toBe(3);
  });
});
