/**
 * What every mutation shares: resolving the target source from a global ID, answering
 * NOT_SUPPORTED from the adapter's capabilities before any upstream call, the one audit log
 * line per write, and making the request's loaders forget what the write changed.
 */
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import type { SourceEntry } from '../providers/contract.js';
import { parseGlobalId, type SourceNodeRef } from '../core/global-id.js';
import { GatewayError, isGatewayError, notFound } from '../core/errors.js';
import type { AdapterCapability, ProviderAdapter } from '../providers/contract.js';
import type { Viewer } from '../core/records.js';

/** Names of the write operations, as they appear in the audit log. */
export type WriteOperation =
  | 'rateMessage'
  | 'createAnnotation'
  | 'updateAnnotation'
  | 'deleteAnnotation'
  | 'renameConversation'
  | 'deleteConversation'
  | 'sendMessage'
  | 'assistantReply'
  | 'setConversationStatus'
  | 'updateConversationVariable'
  | 'assignConversation'
  | 'changeConversationLabels'
  | 'setConversationPriority'
  | 'markConversationRead'
  | 'transcribeAudio';

/** Capabilities that qualify `sendMessage` and have no method of their own. */
const FLAG_ONLY: ReadonlySet<AdapterCapability> = new Set(['startConversation', 'sendFiles']);

/**
 * The adapter of a source that has `capability` (and its method).
 * @throws GatewayError NOT_SUPPORTED, before any upstream call, when the backend cannot do it
 */
export function requireCapability(source: SourceEntry, capability: AdapterCapability, what: string): ProviderAdapter {
  const adapter = source.adapter;
  const method = (adapter as unknown as Record<string, unknown>)[capability];
  if (!adapter.capabilities[capability] || (!FLAG_ONLY.has(capability) && typeof method !== 'function')) {
    throw new GatewayError('NOT_SUPPORTED', `source "${source.id}" (${source.kind}) cannot ${what}`, { sourceId: source.id });
  }
  return adapter;
}

/**
 * The source a global ID points into.
 * @throws GatewayError BAD_USER_INPUT (malformed or of another type), NOT_FOUND (unknown source)
 */
export function sourceOf<T extends SourceNodeRef['type']>(
  context: GatewayContext,
  globalId: string,
  type: T,
): { source: SourceEntry; ref: Extract<SourceNodeRef, { type: T }> } {
  const ref = parseGlobalId(globalId, type) as Extract<SourceNodeRef, { type: T }>;
  const source = context.gateway.sources.get(ref.sourceId);
  if (!source) throw notFound(type.toLowerCase());
  return { source, ref };
}

/**
 * A source named by its global ID or, for convenience, by its config id (`Source.name`).
 * @throws GatewayError BAD_USER_INPUT, NOT_FOUND
 */
export function sourceByIdOrName(context: GatewayContext, id: string): SourceEntry {
  const byName = context.gateway.sources.get(id);
  if (byName) return byName;
  return sourceOf(context, id, 'Source').source;
}

/** What the audit line names besides the outcome. */
export interface WriteTarget {
  operation: WriteOperation;
  sourceId: string;
  /** The backend's id of the target (conversation, message or annotation), or null for a new one. */
  targetExternalId: string | null;
}

/**
 * Runs one write as the request's viewer: logs one audit line (operation, source id, viewer
 * id, target external id, outcome code, duration in ms; never text or secrets) whatever the
 * outcome, then makes the source's loaders forget so the payload reads the state after it.
 * The outcome is `OK`, the error's code, or `CANCELLED` when `options.cancelled()` says the
 * client left before the write finished (what failed then is the client's leaving, not the
 * upstream).
 */
export async function runWrite<T>(
  context: GatewayContext,
  target: WriteTarget,
  write: (viewer: Viewer) => Promise<T>,
  options: { replayed?: boolean; cancelled?: () => boolean } = {},
): Promise<T> {
  const viewer = requireViewer(context);
  const started = performance.now();
  let outcome = 'OK';
  try {
    return await write(viewer);
  } catch (error) {
    outcome = isGatewayError(error) ? error.code : 'INTERNAL_SERVER_ERROR';
    throw error;
  } finally {
    if (options.cancelled?.()) outcome = 'CANCELLED';
    context.loaders.forget(target.sourceId);
    context.gateway.logger.info(
      {
        audit: 'write',
        operation: target.operation,
        sourceId: target.sourceId,
        viewerId: viewer.id,
        target: target.targetExternalId,
        outcome,
        ...(options.replayed ? { replayed: true } : {}),
        durationMs: Math.round(performance.now() - started),
      },
      'write',
    );
  }
}
