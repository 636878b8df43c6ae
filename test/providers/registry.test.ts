/**
 * The registry joins the list of kind names (src/providers/kinds.ts) with the adapter folders,
 * and refuses to start when the two disagree, naming what is missing on either side.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { providerKindList } from '../../src/providers/kinds.js';
import { loadProviderKinds, loadProviderKindsFrom } from '../../src/providers/registry.js';

/** A providers folder holding one adapter folder per entry: `index.js` default-exporting `{ kind }`. */
function providersFolder(folders: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'chat-gateway-providers-'));
  writeFileSync(join(directory, 'package.json'), '{"type":"module"}');
  for (const [folder, kind] of Object.entries(folders)) {
    mkdirSync(join(directory, folder));
    writeFileSync(join(directory, folder, 'index.js'), `export default { kind: ${JSON.stringify(kind)}, configShape: {}, create() {} };\n`);
  }
  mkdirSync(join(directory, 'no-index'));
  return directory;
}

const named = (kind: string) => ({ kind, graphKind: kind.toUpperCase(), description: `The ${kind} kind.` });

describe('provider registry', () => {
  it('has an adapter for every listed kind, with the names of kinds.ts, in its order', async () => {
    const kinds = await loadProviderKinds();
    expect([...kinds.keys()]).toEqual(providerKindList.map((name) => name.kind));
    for (const name of providerKindList) {
      expect(kinds.get(name.kind)).toMatchObject({ ...name, create: expect.any(Function), configShape: expect.any(Object) });
    }
  });

  it('names a listed kind without a folder and a folder that is not listed', async () => {
    const directory = providersFolder({ alpha: 'alpha', gamma: 'gamma' });
    await expect(loadProviderKindsFrom(directory, [named('alpha'), named('beta')])).rejects.toThrow(
      'src/providers/kinds.ts and the adapter folders disagree: kind "beta" is listed but src/providers/beta/index.ts does not exist; src/providers/gamma/ is not listed (add a line for it)',
    );
  });

  it('refuses a folder whose export names another kind', async () => {
    const directory = providersFolder({ alpha: 'omega' });
    await expect(loadProviderKindsFrom(directory, [named('alpha')])).rejects.toThrow(
      'src/providers/alpha/index.ts exports kind "omega"; a kind\'s folder carries its name',
    );
  });

  it('joins each adapter with its names', async () => {
    const directory = providersFolder({ beta: 'beta', alpha: 'alpha' });
    const kinds = await loadProviderKindsFrom(directory, [named('beta'), named('alpha')]);
    expect([...kinds.values()].map(({ kind, graphKind, description }) => [kind, graphKind, description])).toEqual([
      ['beta', 'BETA', 'The beta kind.'],
      ['alpha', 'ALPHA', 'The alpha kind.'],
    ]);
  });
});
