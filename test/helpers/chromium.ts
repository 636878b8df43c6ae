/**
 * Debian's Chromium, headless, as the browser tests drive it: the flags keep it off the network
 * (this machine has none but loopback, and Chromium's background services would retry forever),
 * a fresh profile each time, and every request that leaves loopback blocked and recorded.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where `scripts/install-test-deps.sh` puts Debian's Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A browser context, what it blocked, and a `close` that also removes its profile. */
export interface TestBrowser {
  context: BrowserContext;
  /** URLs the page asked for outside loopback (aborted). */
  blocked: string[];
  /** Every URL the page asked for. */
  requested: string[];
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a new profile at 1400×900.
 * @throws Error naming the install script when Chromium is missing
 */
export async function launchTestBrowser(name: string): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/install-test-deps.sh\``);
  const userDataDir = mkdtempSync(join(tmpdir(), `${name}-`));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
  });
  const blocked: string[] = [];
  const requested: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    requested.push(url.href);
    if (LOOPBACK.has(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return {
    context,
    blocked,
    requested,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
