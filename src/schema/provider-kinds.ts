/**
 * The registered provider kinds (src/providers/registry.ts), loaded once before any type file
 * runs: `SourceKind` has one value per kind, so a new backend folder is all a new kind needs.
 * builder.ts imports this module, which makes every type file wait for it and keeps the order
 * in which they register fields (and so the printed schema) fixed.
 */
import { loadProviderKinds } from '../providers/registry.js';
import type { ProviderKind } from '../providers/contract.js';

/** Every registered kind, in folder-name order. */
export const providerKinds: readonly ProviderKind[] = [...(await loadProviderKinds()).values()];
