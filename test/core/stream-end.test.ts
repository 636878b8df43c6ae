/** The end announcement streams give their observers (src/core/stream-end.ts). */
import { describe, expect, it } from 'vitest';
import { onStreamEnd, streamEndAnnouncer } from '../../src/core/stream-end.js';

describe('stream end announcements', () => {
  it('calls every listener once, including one registered after the end, past a failing one', () => {
    const end = streamEndAnnouncer();
    const stream = end.announce({});
    const calls: string[] = [];
    expect(onStreamEnd(stream, () => calls.push('a'))).toBe(true);
    onStreamEnd(stream, () => {
      throw new Error('an observer fault');
    });
    onStreamEnd(stream, () => calls.push('b'));
    end.ended();
    end.ended();
    expect(calls).toEqual(['a', 'b']);
    onStreamEnd(stream, () => calls.push('late'));
    expect(calls).toEqual(['a', 'b', 'late']);
  });

  it('says so when a stream does not announce its end', () => {
    expect(onStreamEnd({ next: () => undefined }, () => undefined)).toBe(false);
    expect(onStreamEnd(null, () => undefined)).toBe(false);
  });
});
