/**
 * The app behind a Dify source, as `Source.app` shows it: each part (`parameters`, `info`,
 * `toolIcons`, `site`) read from its own endpoint only when asked for, and kept in the gateway's
 * shared cache for `appCacheTtlMs` under a key of the source alone (the cache is already
 * prefixed with the source id): these endpoints take no `user`, so one copy serves every viewer.
 * Concurrent misses in one process share one upstream call (a request whose shared read fails
 * reads again under its own deadline). A failed read is not cached; a TTL
 * of 0 caches nothing (every read asks Dify).
 */
import type { AppPart, AppParts } from '../../core/app-records.js';
import type { SharedCache } from '../../core/cache.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import type { DifyAppClient } from './app-client.js';
import { mapInfo, mapParameters, mapSite, mapToolIcons } from './app-mapping.js';

/** Reads one part of the app's description, cached. @throws GatewayError from its endpoint */
export type AppReader = <P extends AppPart>(part: P, scope?: RequestScope) => Promise<AppParts[P]>;

/** Default `appCacheTtlMs`: how long the app description is kept, ms. */
export const DEFAULT_APP_CACHE_TTL_MS = 60_000;

/** Creates the reader of one source. */
export function createAppReader(deps: { client: DifyAppClient; cache: SharedCache; ttlMs: number }): AppReader {
  const inFlight = new Map<AppPart, Promise<unknown>>();
  const fetchers: { [P in AppPart]: (scope?: RequestScope) => Promise<AppParts[P]> } = {
    parameters: async (scope) => mapParameters(await deps.client.parameters(scope)),
    info: async (scope) => mapInfo(await deps.client.info(scope)),
    toolIcons: async (scope) => mapToolIcons(await deps.client.meta(scope)),
    site: async (scope) => {
      const site = await deps.client.site(scope);
      return site ? mapSite(site) : null;
    },
  };
  return async <P extends AppPart>(part: P, scope?: RequestScope): Promise<AppParts[P]> => {
    const key = `dify-app:${part}`;
    // A TTL of 0 means "do not cache" here (to the cache it would mean "keep forever").
    const caching = deps.ttlMs > 0;
    const cached = caching ? await deps.cache.get<AppParts[P]>(key) : undefined;
    if (cached !== undefined) return cached;
    const running = inFlight.get(part) as Promise<AppParts[P]> | undefined;
    // A shared read runs under the first request's deadline: if it fails, read under our own.
    if (running) return running.catch(() => fetchers[part](scope));
    const read = (async () => {
      try {
        const value = await fetchers[part](scope);
        if (caching) await deps.cache.set(key, value, deps.ttlMs);
        return value;
      } finally {
        inFlight.delete(part);
      }
    })();
    inFlight.set(part, read);
    return read;
  };
}
