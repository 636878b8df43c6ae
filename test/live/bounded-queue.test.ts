/**
 * One subscriber's bounded queue: values in order, at most `capacity` held, overflow ends the
 * stream with one failure value, and `onEnd` runs exactly once however the stream ends.
 */
import { describe, expect, it } from 'vitest';
import { createBoundedQueue } from '../../src/live/bounded-queue.js';

function queue(capacity = 3) {
  let ended = 0;
  const created = createBoundedQueue<string>({ capacity, overflow: () => 'overflowed', onEnd: () => void (ended += 1) });
  return { queue: created, ended: () => ended };
}

async function drain(iterator: AsyncIterator<string>) {
  const values: string[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) values.push(next.value);
  return values;
}

describe('bounded queue', () => {
  it('hands values to a waiting reader and buffers up to capacity', async () => {
    const { queue: q, ended } = queue();
    const waiting = q.next();
    expect(q.push('a')).toBe(true);
    expect(await waiting).toEqual({ done: false, value: 'a' });
    for (const value of ['b', 'c', 'd']) expect(q.push(value)).toBe(true);
    q.finish();
    expect(await drain(q)).toEqual(['b', 'c', 'd']);
    expect(ended()).toBe(1);
  });

  it('drops what is buffered past capacity and ends with the overflow value only', async () => {
    const { queue: q, ended } = queue();
    for (const value of ['a', 'b', 'c']) q.push(value);
    expect(q.push('d')).toBe(false);
    expect(q.closed).toBe(true);
    expect(q.push('e')).toBe(false);
    expect(await drain(q)).toEqual(['overflowed']);
    expect(ended()).toBe(1);
  });

  it('delivers a last value given to finish even into a full buffer', async () => {
    const { queue: q } = queue(2);
    q.push('a');
    q.push('b');
    q.finish('failed');
    expect(await drain(q)).toEqual(['a', 'b', 'failed']);
  });

  it('ends once when the reader returns early, releasing what was buffered', async () => {
    const { queue: q, ended } = queue();
    q.push('a');
    const pending = q.next();
    expect(await pending).toEqual({ done: false, value: 'a' });
    const waiting = q.next();
    await q.return!();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await q.return!();
    q.finish('late');
    expect(ended()).toBe(1);
  });

  it('keeps its methods on a shared prototype, not a set of closures per subscriber', () => {
    const { queue: created } = queue();
    const own = Object.getOwnPropertyNames(created).filter((name) => typeof (created as unknown as Record<string, unknown>)[name] === 'function');
    expect(own).toEqual([]);
    expect(Object.getPrototypeOf(created)).toBe(Object.getPrototypeOf(queue().queue));
  });
});
