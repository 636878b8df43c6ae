/**
 * Loading the schema loads no provider adapter: `SourceKind` is built from the list of kind
 * names (src/providers/kinds.ts), not from the registry, so a process that only prints or
 * serves the schema never imports a backend's code.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The project-relative paths of the src/ modules a fresh process loads to import `module`. */
async function modulesLoadedBy(module: string): Promise<string[]> {
  const log = join(mkdtempSync(join(tmpdir(), 'chat-gateway-modules-')), 'loaded.txt');
  const hooks = pathToFileURL(join(root, 'test/helpers/module-trace.mjs')).href;
  const script = [
    `import { register } from 'node:module';`,
    `register(${JSON.stringify(hooks)}, { data: ${JSON.stringify(log)} });`,
    `await import(${JSON.stringify(pathToFileURL(join(root, module)).href)});`,
  ].join('\n');
  await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root });
  const src = pathToFileURL(join(root, 'src')).href;
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith(src))
    .map((url) => url.slice(src.length - 'src'.length).replace(/\?.*$/, ''));
}

describe('loading the schema', () => {
  it('imports no provider adapter', async () => {
    const loaded = await modulesLoadedBy('src/schema/index.ts');
    expect(loaded).toContain('src/schema/source.ts');
    expect(loaded.filter((path) => /^src\/providers\/[^/]+\//.test(path))).toEqual([]);
  }, 30_000);
});
