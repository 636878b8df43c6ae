import { describe, expect, it } from 'vitest';
import {
  comparePositions,
  decodePosition,
  formatLike,
  positionOf,
  precisionMs,
} from '../../../src/providers/rest/paging.js';

describe('rest paging positions', () => {
  it('decodes `<ISO timestamp>|<id>` keys, ids may contain the separator', () => {
    expect(decodePosition('2026-03-15T13:59:11Z|msg_92kd82')).toEqual({
      raw: '2026-03-15T13:59:11Z',
      ms: Date.parse('2026-03-15T13:59:11Z'),
      id: 'msg_92kd82',
    });
    expect(decodePosition('2026-03-15T13:59:11.5+02:00|a|b')?.id).toBe('a|b');
  });

  it.each(['', 'msg_92kd82', '|msg', '2026-03-15T13:59:11Z|', 'yesterday|msg', '2026-13-45T99:00:00Z|m', '1710511151|m'])(
    'rejects the malformed key %j',
    (key) => {
      expect(decodePosition(key)).toBeNull();
    },
  );

  it('orders by time, then by id', () => {
    const a = positionOf('2026-03-15T13:59:11Z', 'b');
    const b = positionOf('2026-03-15T13:59:11Z', 'c');
    const c = positionOf('2026-03-15T13:59:10Z', 'z');
    expect([a, b, c].sort(comparePositions).map((p) => p.id)).toEqual(['z', 'b', 'c']);
    // Same instant written two ways is the same time.
    expect(comparePositions(positionOf('2026-03-15T14:59:11+01:00', 'b'), a)).toBe(0);
  });

  it('widens windows by the precision the upstream writes its timestamps in', () => {
    expect(precisionMs('2026-03-15T13:59:11Z')).toBe(1000);
    expect(precisionMs('2026-03-15T13:59:11.120Z')).toBe(1);
    const ms = Date.parse('2026-03-15T13:59:12Z');
    expect(formatLike('2026-03-15T13:59:11Z', ms)).toBe('2026-03-15T13:59:12Z');
    expect(formatLike('2026-03-15T13:59:11.120Z', ms + 121)).toBe('2026-03-15T13:59:12.121Z');
  });
});
