/**
 * Validation of Relay connection arguments, shared by every connection field.
 */
import { badInput } from '../core/errors.js';

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;
/** Page size when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 20;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A validated page request: read `limit` items forward from `cursor`, or backward from it. */
export interface PageRequest {
  direction: 'forward' | 'backward';
  limit: number;
  /** The opaque cursor given by the client (still to be decoded), or null. */
  cursor: string | null;
}

/**
 * `first`/`after` read forward, `last`/`before` read backward; with neither `first` nor `last`
 * the page is the first 20 (or, with `before` alone, the 20 before it).
 * @throws GatewayError BAD_USER_INPUT for `first` with `last`, a size outside 0–100, or a
 *   cursor from the other direction (`first` with `before`, `last` with `after`)
 */
export function parseConnectionArgs(args: ConnectionArgs): PageRequest {
  const { first, after, last, before } = args;
  if (first != null && last != null) throw badInput('use either first or last, not both');
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw badInput(`${name} must be between 0 and ${MAX_PAGE_SIZE}`);
    }
  }
  if (after != null && before != null) throw badInput('use either after or before, not both');
  if (first != null && before != null) throw badInput('before pages backward: use it with last');
  if (last != null && after != null) throw badInput('after pages forward: use it with first');
  if (last != null || before != null) {
    return { direction: 'backward', limit: last ?? DEFAULT_PAGE_SIZE, cursor: before ?? null };
  }
  return { direction: 'forward', limit: first ?? DEFAULT_PAGE_SIZE, cursor: after ?? null };
}
