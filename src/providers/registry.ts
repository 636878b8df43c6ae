/**
 * The provider kinds this gateway has: every kind listed in kinds.ts, joined with the
 * `ProviderKind` its folder `src/providers/<kind>/index.ts` default-exports. Loading them
 * imports every adapter, so only the gateway layer does it, at start.
 */
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProviderKind } from './contract.js';
import { providerKindList, type ProviderKindName } from './kinds.js';

/** An adapter's `ProviderKind` with its names from kinds.ts (`graphKind`, `description`). */
export type RegisteredProviderKind = ProviderKind & ProviderKindName;

const here = dirname(fileURLToPath(import.meta.url));

let loaded: Promise<Map<string, RegisteredProviderKind>> | undefined;

/**
 * Imports every listed kind's adapter once (see `loadProviderKindsFrom`).
 * @returns kinds keyed by their config `kind` value, in the order of kinds.ts.
 * @throws TypeError when kinds.ts and the folders under src/providers/ disagree.
 */
export function loadProviderKinds(): Promise<Map<string, RegisteredProviderKind>> {
  loaded ??= loadProviderKindsFrom(here, providerKindList);
  return loaded;
}

/**
 * Checks that `listed` and the adapter folders of `directory` (those with an `index.ts` or
 * `index.js`) name the same kinds, then imports each folder and checks its default export.
 * @param directory the folder holding one folder per kind (src/providers/ or dist/providers/)
 * @param listed the kinds this gateway has, in the order to return them
 * @returns kinds keyed by their config `kind` value, in the order of `listed`.
 * @throws TypeError naming every listed kind without a folder and every folder not listed, or
 *   the folder whose export is not a `ProviderKind` of its own name.
 */
export async function loadProviderKindsFrom(
  directory: string,
  listed: readonly ProviderKindName[],
): Promise<Map<string, RegisteredProviderKind>> {
  const indexOf = (folder: string) => ['index.ts', 'index.js'].map((name) => join(directory, folder, name)).find(existsSync);
  const folders = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && indexOf(entry.name))
    .map((entry) => entry.name)
    .sort();
  const names = new Set(listed.map((name) => name.kind));
  const problems = [
    ...[...names].filter((kind) => !folders.includes(kind)).map((kind) => `kind "${kind}" is listed but src/providers/${kind}/index.ts does not exist`),
    ...folders.filter((folder) => !names.has(folder)).map((folder) => `src/providers/${folder}/ is not listed (add a line for it)`),
  ];
  if (problems.length > 0) {
    throw new TypeError(`src/providers/kinds.ts and the adapter folders disagree: ${problems.join('; ')}`);
  }
  const kinds = new Map<string, RegisteredProviderKind>();
  for (const name of listed) {
    if (kinds.has(name.kind)) throw new TypeError(`provider kind "${name.kind}" is listed twice in src/providers/kinds.ts`);
    const module = (await import(pathToFileURL(indexOf(name.kind)!).href)) as { default?: unknown };
    const kind = module.default as ProviderKind | undefined;
    if (!kind || typeof kind.create !== 'function' || typeof kind.configShape !== 'object') {
      throw new TypeError(`src/providers/${name.kind}/index.ts must default-export a ProviderKind, got ${typeof kind}`);
    }
    if (kind.kind !== name.kind) {
      throw new TypeError(`src/providers/${name.kind}/index.ts exports kind "${String(kind.kind)}"; a kind's folder carries its name`);
    }
    kinds.set(name.kind, { ...name, ...kind });
  }
  return kinds;
}
