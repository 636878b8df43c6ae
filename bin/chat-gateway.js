#!/usr/bin/env node
// Runs the compiled CLI from dist/ (`npm run build`; `npm ci` and `npm start` build it when
// missing or stale). No transpiler at run time.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('chat-gateway: dist/ is missing: run `npm run build` (or `npm ci`, which builds it)\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
