/**
 * Builds the example inbox into `dist/inbox/` (the gateway serves it at `/inbox` in demo mode).
 * Relay's Babel plugin turns each graphql`…` tag into an import of the artifact relay-compiler
 * generated next to it; Vite's own transform then handles TypeScript and JSX.
 */
import { transformAsync } from '@babel/core';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** Runs babel-plugin-relay on the source files that hold a graphql`…` tag. */
function relay(): Plugin {
  return {
    name: 'relay',
    enforce: 'pre',
    transform: {
      // Filtered before any JavaScript runs, so the bundler does not call in for every module.
      filter: { id: { include: /\.tsx?$/, exclude: /node_modules/ }, code: 'graphql`' },
      async handler(code, id) {
        const result = await transformAsync(code, {
          filename: id,
          babelrc: false,
          configFile: false,
          // Only parse TypeScript and JSX here: the output keeps both for Vite's transform.
          parserOpts: { plugins: ['typescript', 'jsx'] },
          plugins: [[require.resolve('babel-plugin-relay'), { eagerEsModules: true }]],
          sourceMaps: true,
        });
        return result?.code ? { code: result.code, map: result.map } : null;
      },
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/inbox/',
  plugins: [relay()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/inbox', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // React, react-dom and the Relay runtime are most of the ~500 kB (about 140 kB gzipped).
    chunkSizeWarningLimit: 1024,
    // Babel's first load dominates a build this small; the timing report would say so each time.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
