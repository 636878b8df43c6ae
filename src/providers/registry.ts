/**
 * The provider kinds this gateway knows: every folder under src/providers/ whose `index.ts`
 * default-exports a `ProviderKind`. Adding a backend means adding a folder, nothing else.
 */
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProviderKind } from './contract.js';

const here = dirname(fileURLToPath(import.meta.url));

let loaded: Promise<Map<string, ProviderKind>> | undefined;

/**
 * Imports every provider folder once and checks each export's shape.
 * @returns kinds keyed by their config `kind` value, in folder-name order.
 * @throws TypeError naming the folder when an export is not a `ProviderKind`.
 */
export function loadProviderKinds(): Promise<Map<string, ProviderKind>> {
  loaded ??= (async () => {
    const kinds = new Map<string, ProviderKind>();
    const folders = readdirSync(here, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    for (const folder of folders) {
      const file = ['index.ts', 'index.js'].map((name) => join(here, folder, name)).find(existsSync);
      if (!file) continue;
      const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
      const kind = module.default as ProviderKind | undefined;
      if (
        !kind ||
        typeof kind.kind !== 'string' ||
        typeof kind.graphKind !== 'string' ||
        typeof kind.create !== 'function' ||
        typeof kind.configShape !== 'object'
      ) {
        throw new TypeError(`src/providers/${folder}/index.ts must default-export a ProviderKind, got ${typeof kind}`);
      }
      if (kinds.has(kind.kind)) throw new TypeError(`provider kind "${kind.kind}" is defined twice`);
      kinds.set(kind.kind, kind);
    }
    return kinds;
  })();
  return loaded;
}
