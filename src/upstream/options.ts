/**
 * How to talk to one source's upstream: its URL, time-outs, retries and size cap, declared
 * once as a zod shape. Config validation spreads the shape into every source's keys
 * (src/providers/contract.ts `sourceCommonShape`), the HTTP client takes the inferred type
 * (src/upstream/http.ts `UpstreamClientOptions`), and `upstreamOptionsOf` hands the one to the
 * other, so a new time-out is one edit here.
 */
import { z } from 'zod';

/** Defaults of the keys below, shared by config validation and clients built without a config. */
export const UPSTREAM_DEFAULTS = {
  timeoutMs: 10_000,
  retries: 2,
  retryBackoffMs: 100,
  retryMaxWaitMs: 2_000,
  sendTimeoutMs: 120_000,
  maxResponseBytes: 10 * 1024 * 1024,
} as const;

/** Per-source upstream keys. Durations in milliseconds. */
export const upstreamOptionsShape = {
  /** Prefix before the documented paths, e.g. `https://api.dify.ai/v1`. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Per upstream attempt; the default of the three time-outs below. @default 10000 */
  timeoutMs: z.number().int().positive().default(UPSTREAM_DEFAULTS.timeoutMs),
  /** TCP/TLS connect time-out. @default timeoutMs */
  connectTimeoutMs: z.number().int().positive().optional(),
  /** From request sent to response headers. @default timeoutMs */
  headersTimeoutMs: z.number().int().positive().optional(),
  /** Whole body read, and the longest gap between two chunks. @default timeoutMs */
  bodyTimeoutMs: z.number().int().positive().optional(),
  /** Extra attempts for idempotent reads (GETs on network errors, 502/503/504 and 429). @default 2 */
  retries: z.number().int().min(0).max(5).default(UPSTREAM_DEFAULTS.retries),
  /** First back-off before a retry, doubled each time, jittered. @default 100 */
  retryBackoffMs: z.number().int().min(1).max(60_000).default(UPSTREAM_DEFAULTS.retryBackoffMs),
  /** Longest single wait before a retry; a longer Retry-After is answered as RATE_LIMITED. @default 2000 */
  retryMaxWaitMs: z.number().int().min(1).max(60_000).default(UPSTREAM_DEFAULTS.retryMaxWaitMs),
  /** Time-out of one write (POST/DELETE; a blocking Dify send waits for the model), not cut by the request deadline. @default 120000 */
  sendTimeoutMs: z.number().int().positive().default(UPSTREAM_DEFAULTS.sendTimeoutMs),
  /** Largest upstream body read, bytes; a larger one fails with UPSTREAM_ERROR without being buffered. @default 10 MiB */
  maxResponseBytes: z.number().int().positive().default(UPSTREAM_DEFAULTS.maxResponseBytes),
};

/** Keys a client built without a validated config may leave out: the client applies `UPSTREAM_DEFAULTS`. */
type FallbackKey = 'retryBackoffMs' | 'retryMaxWaitMs' | 'sendTimeoutMs';

/** The validated keys, as a source's config holds them (inferred from `upstreamOptionsShape`). */
export type UpstreamOptions = Omit<z.output<z.ZodObject<typeof upstreamOptionsShape>>, FallbackKey> &
  Partial<Pick<z.output<z.ZodObject<typeof upstreamOptionsShape>>, FallbackKey>>;

const UPSTREAM_KEYS = Object.keys(upstreamOptionsShape) as Array<keyof UpstreamOptions>;

/** The upstream keys of a source's config, for `createUpstreamClient`. */
export function upstreamOptionsOf(config: UpstreamOptions): UpstreamOptions {
  const options: Record<string, unknown> = {};
  for (const key of UPSTREAM_KEYS) options[key] = config[key];
  return options as unknown as UpstreamOptions;
}
