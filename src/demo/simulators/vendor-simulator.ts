/**
 * What the vendor simulators of the `http` kind's presets (OpenAI, Matrix, Slack, Zendesk) have in
 * common: a handle that names the seeded conversations, tells the stored order (the upstream's
 * own full list, for tests to compare against) and can answer the vendor's 429 on demand.
 */
import type { SimulatorHandle } from './http-server.js';
import { Throttle } from './throttle.js';

/** Ids of the seeded conversations, in the vendor's own id format. */
export interface SeededConversations {
  /** A long thread whose messages share timestamps in groups. */
  long: string;
  /** A conversation without messages. */
  empty: string;
  /** A conversation that exists upstream but that the configured viewer/credential may not read. */
  forbidden: string;
  /** A short readable conversation. */
  short: string;
}

/** A started vendor simulator. */
export interface VendorSimulator extends SimulatorHandle {
  /** Values of the preset's `${VAR}`s that point it at this simulator (base URL, credentials). */
  env: Record<string, string>;
  conversations: SeededConversations;
  /** Message ids of a readable conversation, oldest first, as the vendor stores them. */
  messageIds(conversationId: string): string[];
  /** Answers the vendor's rate-limit reply on demand. */
  throttle: Throttle;
}

/** Options every vendor simulator takes. */
export interface VendorSimulatorOptions {
  /** Port to bind on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
}

/** A fixed-alphabet id of `length` characters derived from `n` (stable across starts). */
export function stableId(prefix: string, n: number, length = 24): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let state = (n + 1) * 2654435761;
  let id = '';
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state ^ (state >>> 13), 1597334677) + i) >>> 0;
    id += alphabet[state % alphabet.length];
  }
  return prefix + id;
}

export { Throttle };
