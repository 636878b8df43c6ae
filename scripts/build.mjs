#!/usr/bin/env node
/**
 * Compiles src/ to dist/ with tsc (tsconfig.build.json), and the example inbox
 * (examples/inbox/, scripts/build-inbox.mjs) to dist/inbox/, which demo mode serves at /inbox.
 *
 *   node scripts/build.mjs             always build (`npm run build`)
 *   node scripts/build.mjs --if-stale  build only when a file under src/ or examples/inbox/,
 *                                      schema.graphql, a tsconfig or package.json is newer than
 *                                      the last build (`npm start`, `prepare`, the test set-up)
 *
 * Plain JavaScript on purpose: `npm start` runs it before anything is compiled, and nothing may
 * need a transpiler at run time. The output is written to a sibling folder and swapped in, so a
 * gateway started from dist/ never sees half a build, and files whose source was deleted do not
 * linger (the provider registry refuses an adapter folder that src/providers/kinds.ts does not list).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const inboxRoot = join(root, 'examples', 'inbox');
const inputs = ['src', 'examples/inbox', 'schema.graphql', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((name) => join(root, name));

/** Newest mtime (ms) under `path`; directories count too, so a deleted file makes the build stale. */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Vite 8, which bundles the example inbox, runs on Node ^20.19 or >=22.12. */
function nodeRunsVite() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
}

function isStale() {
  if (!existsSync(stamp)) return true;
  // An installed package without src/ (the container image) is never stale.
  if (!existsSync(join(root, 'src'))) return false;
  const built = statSync(stamp).mtimeMs;
  return inputs.some((input) => newestMtime(input) > built);
}

async function build() {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('chat-gateway: building dist/ needs the dev dependencies (typescript): run `npm ci`\n');
    process.exit(1);
  }
  const next = join(root, 'dist.next');
  rmSync(next, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', next], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    process.stderr.write('chat-gateway: build failed\n');
    process.exit(result.status ?? 1);
  }
  // The container build and an installed package have no examples/: no inbox to serve there,
  // and build-inbox.mjs (not shipped either) is loaded only when there is one to build.
  if (existsSync(inboxRoot) && !nodeRunsVite()) {
    process.stderr.write(`chat-gateway: skipping the example inbox: its bundler needs Node ^20.19 or >=22.12 (this is ${process.version})\n`);
  } else if (existsSync(inboxRoot)) {
    try {
      const { buildInbox } = await import('./build-inbox.mjs');
      await buildInbox(join(next, 'inbox'));
    } catch (error) {
      rmSync(next, { recursive: true, force: true });
      process.stderr.write(`chat-gateway: building the example inbox failed: ${error.message}\n`);
      process.exit(1);
    }
  }
  writeFileSync(join(next, '.build-stamp'), `${new Date().toISOString()}\n`);
  const old = join(root, 'dist.old');
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
}

if (!process.argv.includes('--if-stale') || isStale()) await build();
