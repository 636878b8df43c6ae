import { describe, expect, it } from 'vitest';
import { createMemoryCache, prefixCache } from '../../src/core/cache.js';

describe('memory cache', () => {
  it('keeps values for their TTL, null included', async () => {
    const cache = createMemoryCache();
    await cache.set('a', null, 50);
    await cache.set('b', { n: 1 }, 10_000);
    expect(await cache.get('a')).toBeNull();
    expect(await cache.get('b')).toEqual({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await cache.get('a')).toBeUndefined();
    await cache.delete('b');
    expect(await cache.get('b')).toBeUndefined();
  });

  it('prefixes keys so sources cannot read each other', async () => {
    const cache = createMemoryCache();
    await prefixCache(cache, 'source:one:').set('k', 1, 10_000);
    expect(await prefixCache(cache, 'source:two:').get('k')).toBeUndefined();
    expect(await cache.get('source:one:k')).toBe(1);
  });
});
