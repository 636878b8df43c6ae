/**
 * Access classes: viewers who see the same of a source (`ProviderAdapter.accessClass`; for
 * Chatwoot every agent shares the account's view, each contact has their own). Viewers of one
 * class may share an upstream lookup and its answer; anything else is per viewer.
 */
import type { SourceEntry } from '../providers/contract.js';
import type { Viewer } from '../core/records.js';

/** The class of a viewer at a source: the adapter's, or the viewer (id and roles) alone. */
export function accessClassOf(source: SourceEntry, viewer: Viewer): string {
  return source.adapter.accessClass?.(viewer) ?? JSON.stringify(['viewer', viewer.id, [...viewer.roles].sort()]);
}
