/**
 * Serves the GraphiQL page (GET on the GraphQL endpoint from a browser, `Accept: text/html`).
 * The page is 9 MB of HTML with the whole editor inlined (`@graphql-yoga/render-graphiql`);
 * yoga's own GraphiQL handler renders it again for every load, uncompressed and without cache
 * headers, and each load left ~17 MB more RSS behind. Here it is rendered and compressed
 * (brotli and gzip, ~1/5 of the size) once, at the first load, and every load after that sends
 * the same bytes, with an `ETag` and `Cache-Control: no-cache`, so a browser's reload is a 304
 * with no body.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { shouldRenderGraphiQL, type GraphiQLOptions, type Plugin } from 'graphql-yoga';

/** One encoding of the page: its bytes and its validator. */
interface Encoded {
  body: Uint8Array;
  etag: string;
}

/** The page in each encoding a browser may ask for. */
interface RenderedPage {
  br: Encoded;
  gzip: Encoded;
  identity: Encoded;
}

/**
 * Brotli quality: 5 compresses the page to about the size 11 does, in a fraction of the time
 * (the page is compressed on the event loop's thread pool at the first load).
 */
const BROTLI_QUALITY = 5;

/**
 * Answers GraphiQL page loads on `endpoint` (default `/graphql`); every other request passes.
 * @param options what the page opens with (tabs, headers, title)
 */
export function useGraphiQLPage(options: GraphiQLOptions, endpoint = '/graphql'): Plugin {
  let rendered: Promise<RenderedPage> | undefined;
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== endpoint || !shouldRenderGraphiQL(request)) return;
      // A failed render (out of memory, say) is tried again at the next load, not kept.
      rendered ??= renderPage(options).catch((error: unknown) => {
        rendered = undefined;
        throw error;
      });
      return rendered.then((page) => {
        const encoding = preferredEncoding(request.headers.get('accept-encoding') ?? '');
        const { body, etag } = page[encoding];
        const headers: Record<string, string> = {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-cache',
          vary: 'Accept-Encoding',
          etag,
        };
        if (request.headers.get('if-none-match') === etag) {
          endResponse(new fetchAPI.Response(null, { status: 304, headers }));
          return;
        }
        if (encoding !== 'identity') headers['content-encoding'] = encoding;
        endResponse(new fetchAPI.Response(body as Uint8Array<ArrayBuffer>, { status: 200, headers }));
      });
    },
  };
}

async function renderPage(options: GraphiQLOptions): Promise<RenderedPage> {
  // The renderer (a 9 MB module) is loaded when the page is first asked for.
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  const html = Buffer.from(renderGraphiQL(options));
  const [br, gzipped] = await Promise.all([
    promisify(brotliCompress)(html, {
      params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: html.length },
    }),
    promisify(gzip)(html),
  ]);
  // One validator per encoding: a cache must not answer a gzip request with brotli bytes.
  const tag = createHash('sha256').update(html).digest('base64url').slice(0, 22);
  return {
    br: { body: br, etag: `"${tag}-br"` },
    gzip: { body: gzipped, etag: `"${tag}-gz"` },
    identity: { body: html, etag: `"${tag}"` },
  };
}

/** `br` when the client takes it, else `gzip`, else none (q-values of 0 respected). */
function preferredEncoding(acceptEncoding: string): keyof RenderedPage {
  const accepted = new Set(
    acceptEncoding
      .toLowerCase()
      .split(',')
      .map((entry) => entry.trim().split(';'))
      .filter(([, ...params]) => !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param)))
      .map(([name]) => name!.trim()),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return 'identity';
}
