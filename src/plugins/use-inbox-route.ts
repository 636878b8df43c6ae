/**
 * `GET /inbox`: the example React + Relay inbox (examples/inbox/, built by scripts/build.mjs into
 * dist/inbox/), served in demo mode only. `index.html` answers at `/inbox` and `/inbox/` with
 * `no-cache`, so a rebuild shows at the next load; the files under `/inbox/assets/` carry a
 * content hash in their names, so browsers may keep them for a year without asking again.
 * Nothing else under the prefix is served: any other path is 404, a write 405.
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Plugin } from 'graphql-yoga';

/** The route's path; the example is built with this as its base URL. */
export const INBOX_PATH = '/inbox';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A built asset's name: no directories, no leading dot, a known extension. */
const ASSET_NAME = /^assets\/[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * @param directory the built inbox (holds `index.html` and `assets/`). When it is missing, the
 *   route says how to build it instead of serving a page.
 */
export function useInboxRoute(directory: string): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      const { pathname } = url;
      if (pathname !== INBOX_PATH && !pathname.startsWith(`${INBOX_PATH}/`)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      const rest = pathname.slice(INBOX_PATH.length + 1);
      const isIndex = rest === '';
      const contentType = CONTENT_TYPES[extname(rest)];
      if (!isIndex && !(ASSET_NAME.test(rest) && contentType)) {
        endResponse(new fetchAPI.Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
        return;
      }
      let body: Buffer;
      try {
        body = await readFile(join(directory, isIndex ? 'index.html' : rest));
      } catch {
        const message = isIndex ? 'the example inbox is not built: run `npm run build`\n' : 'not found\n';
        endResponse(new fetchAPI.Response(message, { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
        return;
      }
      const headers = {
        'content-type': isIndex ? CONTENT_TYPES['.html']! : contentType!,
        'cache-control': isIndex ? 'no-cache' : IMMUTABLE,
        'content-length': String(body.byteLength),
        'x-content-type-options': 'nosniff',
      };
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers }));
    },
  };
}
