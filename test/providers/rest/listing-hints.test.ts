/** The per-viewer memory of which listed conversations the REST filter dropped. */
import { describe, expect, it } from 'vitest';
import { createListingHints } from '../../../src/providers/rest/listing-hints.js';

describe('listing hints', () => {
  it('names the conversations last seen dropped for that viewer only, latest outcome winning', () => {
    const hints = createListingHints();
    hints.record('ann', 'c1', false);
    hints.record('ann', 'c2', true);
    hints.record('bob', 'c3', false);
    expect([...hints.dropped('ann', ['c1', 'c2', 'c3', 'c4'])]).toEqual(['c1']);
    hints.record('ann', 'c1', true);
    hints.record('ann', 'c2', false);
    expect([...hints.dropped('ann', ['c1', 'c2'])]).toEqual(['c2']);
    expect([...hints.dropped('bob', ['c1', 'c3'])]).toEqual(['c3']);
  });
});
