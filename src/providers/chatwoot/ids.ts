/**
 * The ids the gateway hands around for Chatwoot: conversation display ids and message ids,
 * both positive decimal integers as the API writes them.
 */

const DECIMAL_ID = /^[1-9]\d{0,14}$/;

/** A conversation external id (display id) → number, or null when it cannot name any conversation. */
export function parseDisplayId(externalId: string): number | null {
  return DECIMAL_ID.test(externalId) ? Number(externalId) : null;
}

/** A message key (the message id, decimal) → number, or null when malformed. */
export function parseMessageKey(key: string): number | null {
  return DECIMAL_ID.test(key) ? Number(key) : null;
}
