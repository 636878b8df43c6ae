/**
 * What every layer needs to know about conversation list filters (`ConversationFilter`,
 * `ConversationOrder` in records.ts): a canonical key (cursors and DataLoader keys of one
 * filter never match another's), the checks the gateway makes itself on every listed item, and
 * the one error for a filter a source cannot honour.
 */
import { GatewayError } from './errors.js';
import type { ConversationFilter, ConversationOrder, ConversationRecord } from './records.js';

/** The order of a list when none is asked for: most recent activity first (DESIGN §4). */
export const DEFAULT_CONVERSATION_ORDER: ConversationOrder = 'UPDATED_AT_DESC';

/** A filter's field names, as the graph's `ConversationFilter` input spells them. */
export type ConversationFilterField = keyof ConversationFilter;

/** A list request's filter and order, as the layers between the graph and the adapters pass it. */
export interface ConversationListing {
  filter: ConversationFilter;
  order: ConversationOrder;
}

/** The unfiltered list in its default order. */
export const UNFILTERED: ConversationListing = { filter: {}, order: DEFAULT_CONVERSATION_ORDER };

/**
 * One string per distinct listing (fields in a fixed order, lists sorted, times in ms), so two
 * requests for the same list share cursors and loads, and different ones never do.
 */
export function listingKey(listing: ConversationListing): string {
  const { filter } = listing;
  return JSON.stringify([
    listing.order,
    filter.statuses ? [...new Set(filter.statuses)].sort() : null,
    filter.pinned ?? null,
    filter.assignee ?? null,
    filter.labels ? [...new Set(filter.labels)].sort() : null,
    filter.search ?? null,
    filter.updatedAfter?.getTime() ?? null,
  ]);
}

/** True when the listing filters nothing and keeps the default order. */
export function isUnfiltered(listing: ConversationListing): boolean {
  return listingKey(listing) === listingKey(UNFILTERED);
}

/**
 * The checks the gateway makes on every listed item whatever the source did upstream: status
 * (exact, the record carries it) and last activity after `updatedAfter`. Sources list newest
 * activity first, so with `UPDATED_AT_DESC` the first item not after `updatedAfter` ends the
 * list (`stop`); nothing past it is read.
 */
export function gatewayCheck(listing: ConversationListing, record: ConversationRecord): 'keep' | 'skip' | 'stop' {
  const { updatedAfter, statuses } = listing.filter;
  if (updatedAfter && !(record.updatedAt && record.updatedAt.getTime() > updatedAfter.getTime())) return 'stop';
  if (statuses && !statuses.includes(record.status)) return 'skip';
  return 'keep';
}

/**
 * The error of a source that cannot honour `field` (or the order): NOT_SUPPORTED at the list's
 * path, naming the source and the filter (`extensions.filter`), while other sources still answer.
 */
export function filterNotSupported(sourceId: string, field: ConversationFilterField | 'orderBy', reason: string): GatewayError {
  return new GatewayError('NOT_SUPPORTED', `source "${sourceId}" cannot filter conversations by ${field}: ${reason}`, {
    sourceId,
    filter: field,
  });
}

/**
 * Refuses every filter field the adapter was given that it does not list in `honoured` (the
 * gateway's own `statuses` and `updatedAfter` are always honoured), and any order but those in
 * `orders`.
 * @throws GatewayError NOT_SUPPORTED for the first such field
 */
export function refuseUnhonoured(
  sourceId: string,
  filter: ConversationFilter | undefined,
  order: ConversationOrder | undefined,
  honoured: { fields: readonly ConversationFilterField[]; orders: readonly ConversationOrder[] },
  reason: string,
): void {
  for (const [field, value] of Object.entries(filter ?? {}) as Array<[ConversationFilterField, unknown]>) {
    if (value === undefined || field === 'statuses' || field === 'updatedAfter' || honoured.fields.includes(field)) continue;
    throw filterNotSupported(sourceId, field, reason);
  }
  const wanted = order ?? DEFAULT_CONVERSATION_ORDER;
  if (!honoured.orders.includes(wanted)) throw filterNotSupported(sourceId, 'orderBy', `it lists ${honoured.orders.join(' or ')} only`);
}
