/**
 * Builds the example inbox (examples/inbox/) into `<outDir>`: relay-compiler generates the
 * Relay artifacts from the repository's schema.graphql, then Vite bundles the app with hashed
 * asset names. Called by scripts/build.mjs; plain JavaScript for the same reason as that file.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** The example's sources. */
const inboxRoot = join(root, 'examples', 'inbox');

/**
 * @param {string} outDir where index.html and assets/ go (emptied first)
 * @returns {Promise<void>} rejects when relay-compiler or Vite fails
 */
export async function buildInbox(outDir) {
  const require = createRequire(import.meta.url);
  const relayCompiler = join(dirname(require.resolve('relay-compiler/package.json')), 'cli.js');
  // relay-compiler finds relay.config.json in its working directory.
  const relay = spawnSync(process.execPath, [relayCompiler, '--output', 'quiet-with-errors'], { cwd: inboxRoot, stdio: 'inherit' });
  if (relay.status !== 0) throw new Error(`relay-compiler exited with ${relay.status ?? relay.signal}`);
  const { build } = await import('vite');
  await build({ configFile: join(inboxRoot, 'vite.config.ts'), build: { outDir } });
}
