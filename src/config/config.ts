/**
 * The config file: YAML or JSON, `${ENV_VAR}` interpolated in string values after parsing (and
 * coerced to the field's type: src/config/env.ts), validated by one zod schema that is the single
 * source of truth for its type. Every problem is reported at once, by path, never with a value
 * (a value may be a secret): src/config/issues.ts.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { z } from 'zod';
import { isCidrOrAddress, isLoopbackHost } from '../core/addresses.js';
import { coerceText, getAt, interpolate, setAt } from './env.js';
import { configLine, describeIssues } from './issues.js';
import { sourceCommonShape, type ProviderKind } from '../providers/contract.js';

/** Thrown for any unusable config; `message` is safe to print. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Per-request limits; defaults let GraphiQL's introspection and the example operations through. */
const limitsSchema = z
  .object({
    /** Deepest field nesting (introspection exempt). @default 12 */
    maxDepth: z.number().int().min(1).max(100).default(12),
    /** Aliases per operation. @default 30 */
    maxAliases: z.number().int().min(0).max(10_000).default(30),
    /** Lexical tokens per document. @default 2000 */
    maxTokens: z.number().int().min(1).max(1_000_000).default(2000),
    /**
     * Cost (armor's formula: scalars 1, objects 2, ×1.5 per level, × `first`/`last`, 20 when
     * omitted, × the ids of `nodes`/`_entities`; introspection exempt). The README's graph query with 20
     * conversations × their last 20 messages costs 67,114 (`npx tsx scripts/operation-costs.ts --readme`).
     * @default 500000
     */
    maxCost: z.number().int().min(1).default(500_000),
    /** Directives per operation. @default 50 */
    maxDirectives: z.number().int().min(0).max(10_000).default(50),
    /**
     * Upstream calls one operation may send, across every source; past it the remaining loads
     * fail with BAD_USER_INPUT at their paths and are not sent. @default 200
     */
    maxUpstreamCallsPerRequest: z.number().int().min(1).max(100_000).default(200),
    /** Largest request body, bytes; larger ones answer HTTP 413. @default 1048576 */
    maxBodyBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
    /**
     * Largest upload, bytes: `transcribeAudio`'s file, or the files of one `sendMessage`
     * together; larger ones answer 413. @default 15728640 (15 MiB)
     */
    maxUploadBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(15 * 1024 * 1024),
    /** Files one request may upload (`sendMessage` attachments); more answer 400 BAD_USER_INPUT. @default 5 */
    maxUploadFiles: z.number().int().min(1).max(100).default(5),
    /**
     * MIME types `sendMessage` accepts as attachments: exact (`application/pdf`), a family
     * (`image/*`) or `*\/*` for any; others are BAD_USER_INPUT before any upstream call. The
     * backend's own rules apply on top. @default ['*\/*']
     */
    uploadMediaTypes: z
      .array(z.string().toLowerCase().regex(/^(\*\/\*|[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*))$/, 'must be type/subtype, type/* or */*'))
      .min(1)
      .default(['*/*']),
    /** Open subscriptions (SSE and WebSocket together) one viewer may hold on one replica. @default 20 */
    maxSubscriptionsPerViewer: z.number().int().min(1).max(10_000).default(20),
    /**
     * Live events held for one subscriber that has not read them yet (SSE and WebSocket alike);
     * one more ends that stream with `SUBSCRIBER_TOO_SLOW`. @default 100
     */
    subscriberBufferEvents: z.number().int().min(1).max(100_000).default(100),
    /**
     * A connection (HTTP, SSE or WebSocket) whose peer has not taken its pending output for this
     * long is closed (a WebSocket with `LiveCloseCode.SlowConsumer`), ms. @default 30000
     */
    maxStalledWriteMs: z.number().int().min(100).max(3_600_000).default(30_000),
    /**
     * Unsent output one connection may hold, bytes; past it the connection is closed at once.
     * @default 16777216 (16 MiB)
     */
    maxConnectionBufferBytes: z.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
  })
  .strict();

const serverSchema = z
  .object({
    /** Listening port. @default 4000 */
    port: z.number().int().min(0).max(65535).default(4000),
    /** Listening address. @default 0.0.0.0 (demo mode: 127.0.0.1) */
    host: z.string().min(1).default('0.0.0.0'),
    /** Serve GraphiQL on GET /graphql from a browser. @default true */
    graphiql: z.boolean().default(true),
    /** Answer introspection queries. @default true */
    introspection: z.boolean().default(true),
    /** Expose the Apollo Federation v2 subgraph fields (`_service`, `_entities`). @default true */
    federation: z.boolean().default(true),
    /** Overall budget of one GraphQL request across all its upstream calls, ms. @default 30000 */
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /**
     * On SIGTERM, how long `/ready` answers 503 while requests are still served, so load
     * balancers stop sending before the listener closes, ms. @default 5000 (demo mode: 0)
     */
    shutdownDelayMs: z.number().int().min(0).max(600_000).default(5_000),
    /**
     * After the listener closed, the longest wait for in-flight requests to finish before their
     * connections are closed, ms. Open subscriptions are ended cleanly at once. @default 30000
     */
    shutdownTimeoutMs: z.number().int().min(0).max(600_000).default(30_000),
    /**
     * HMAC key for cursors. Default: derived from the config's credentials only; required when
     * there are none, and under NODE_ENV=production.
     */
    cursorSecret: z.string().min(16).optional(),
    /** Limits on one request (src/plugins/use-armor.ts, src/plugins/use-upload-limits.ts, src/plugins/use-deadline.ts). */
    limits: limitsSchema.prefault({}),
    /**
     * Allow-list of persisted operations: a JSON file `{ "<id or sha256>": "<document>" }`,
     * relative to the config file. Clients send `extensions.persistedQuery.sha256Hash` or `documentId`.
     */
    persistedOperations: z.string().min(1).optional(),
    /** Refuse every operation that is not in `persistedOperations`. @default false */
    persistedOperationsOnly: z.boolean().default(false),
    /**
     * Browser origins allowed to call cross-origin (with credentials), e.g. `https://app.example.com`;
     * `*` allows any origin without credentials. @default [] (same-origin only)
     */
    corsOrigins: z
      .preprocess(
        // One origin or `*` may be written as a plain string (`corsOrigins: "*"`), several as a
        // comma-separated one (what a single environment variable holds).
        (value) => (typeof value === 'string' ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : value),
        z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ })])),
      )
      .default([]),
    /** Serve Prometheus metrics on `GET /metrics` (src/observability/use-metrics.ts). @default true */
    metrics: z.boolean().default(true),
    /** Bearer token `/metrics` requires (≥ 16 chars); none: `/metrics` is open. */
    metricsToken: z.string().min(16).optional(),
  })
  .strict()
  .refine((server) => !server.persistedOperationsOnly || server.persistedOperations !== undefined, {
    path: ['persistedOperationsOnly'],
    message: 'needs server.persistedOperations',
  });

/** OpenTelemetry tracing (src/observability/telemetry.ts); `OTEL_EXPORTER_OTLP_ENDPOINT` switches it on too. */
const telemetrySchema = z
  .object({
    otlp: z
      .object({
        /** OTLP/HTTP collector base URL, e.g. `http://otel-collector:4318` (traces go to `/v1/traces`). */
        endpoint: z.url({ protocol: /^https?$/ }),
      })
      .strict()
      .optional(),
    /** `service.name` of the spans. @default chat-history-gateway */
    serviceName: z.string().min(1).max(100).default('chat-history-gateway'),
  })
  .strict();

/**
 * Redis for several replicas: pub/sub of live updates and the cross-request cache. Without it
 * both are in memory (one instance). `REDIS_URL` sets `url` when the config has no `redis`.
 */
const redisSchema = z
  .object({
    /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
    url: z.url({ protocol: /^rediss?$/ }),
    /** Prefix of every key and channel, so several gateways can share one Redis. @default chat-gateway: */
    keyPrefix: z.string().max(64).default('chat-gateway:'),
    /** Longest wait for one Redis command before it counts as unreachable, ms. @default 1000 */
    commandTimeoutMs: z.number().int().min(10).max(60_000).default(1_000),
  })
  .strict();

const jwtSchema = z
  .object({
    secret: z.string().min(16).optional(),
    jwksUrl: z.url().optional(),
    issuer: z.string().optional(),
    audience: z.string().optional(),
    rolesClaim: z.string().default('roles'),
    clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
  })
  .strict()
  // Set or not, not truthy: an empty secret is reported once, as too short, not also here.
  .refine((jwt) => (jwt.secret !== undefined) !== (jwt.jwksUrl !== undefined), {
    message: 'set exactly one of secret or jwksUrl',
  });

/** How header mode knows a request came through the proxy (src/auth/header-trust.ts). */
const headerTrustSchema = z
  .object({
    /** A header the proxy adds to every request, e.g. `{ header: x-proxy-secret, value: ${PROXY_SECRET} }`. */
    proxySecret: z
      .object({
        header: z
          .string()
          .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name')
          .refine((name) => !/^(x-chat-|authorization$|cookie$|host$)/i.test(name), 'must not be a viewer, credential or host header'),
        value: z.string().min(16, 'must be at least 16 characters'),
      })
      .strict()
      .optional(),
    /** CIDRs (or addresses) of the proxies: the TCP peer must be in one. */
    trustedProxies: z.array(z.string().refine(isCidrOrAddress, 'must be a CIDR such as 10.0.0.0/8, or an address')).min(1).optional(),
  })
  .strict();

const authSchema = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('header'), header: headerTrustSchema.optional() }).strict(),
    z.object({ mode: z.literal('jwt'), jwt: jwtSchema }).strict(),
  ],
  {
    error: (issue) =>
      issue.input === undefined
        ? 'required: set auth.mode to "jwt", or to "header" behind an authenticating proxy'
        : 'auth.mode must be "header" or "jwt"',
  },
);

function buildSchema(kinds: KnownKinds) {
  const variants = [...kinds.values()].map((kind) => {
    const variant = z.object({ ...sourceCommonShape, ...kind.configShape, kind: z.literal(kind.kind) }).strict();
    const refine = kind.refineConfig;
    return refine ? variant.superRefine((source, ctx) => refine(source, ctx)) : variant;
  });
  const source = z.discriminatedUnion('kind', variants as unknown as [z.ZodObject, ...z.ZodObject[]]);
  return z
    .object({
      server: serverSchema.default(serverSchema.parse({})),
      auth: authSchema,
      telemetry: telemetrySchema.prefault({}),
      sources: z.array(source).min(1, 'at least one source is required'),
      redis: redisSchema.optional(),
    })
    .strict()
    .superRefine((config, ctx) => {
      const { auth, server } = config;
      if (auth.mode === 'header' && !auth.header?.proxySecret && !auth.header?.trustedProxies && !isLoopbackHost(server.host)) {
        ctx.addIssue({
          code: 'custom',
          path: ['auth', 'header'],
          message:
            `header mode on the non-loopback server.host "${server.host}" trusts anyone who reaches the port: ` +
            'set auth.header.proxySecret and/or auth.header.trustedProxies, or listen on 127.0.0.1',
        });
      }
      config.sources.forEach((source, index) => {
        // The viewer's token goes upstream: without an audience, a token issued for any other
        // application of the same issuer would be accepted and forwarded.
        const forwards = kinds.get((source as { kind: string }).kind)?.forwardsViewerToken?.(source as never);
        if (forwards && (auth.mode !== 'jwt' || !auth.jwt.audience)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sources', index, forwards.key],
            message: `${forwards.setting} needs auth.mode "jwt" with auth.jwt.audience set`,
          });
        }
      });
      const seen = new Set<string>();
      config.sources.forEach((source, index) => {
        const id = (source as { id: string }).id;
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['sources', index, 'id'], message: `duplicate source id "${id}"` });
        seen.add(id);
      });
    });
}

/** A source's validated config: common keys plus its kind's own keys. */
export type SourceConfig = z.infer<z.ZodObject<typeof sourceCommonShape>> & { kind: string } & Record<string, unknown>;

/** The validated config. */
export interface GatewayConfig {
  server: z.infer<typeof serverSchema>;
  auth: z.infer<typeof authSchema>;
  telemetry: z.infer<typeof telemetrySchema>;
  sources: SourceConfig[];
  redis?: z.infer<typeof redisSchema>;
}

export type AuthConfig = GatewayConfig['auth'];

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string value.
 * @throws ConfigError naming the path of every missing variable
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv): unknown {
  const result = interpolate(value, env);
  if (result.problems.length > 0) {
    const lines = result.problems.map((problem) => configLine(problem.path, problem.message, value));
    throw new ConfigError(lines.length === 1 ? lines[0]! : `invalid config:\n  ${lines.join('\n  ')}`);
  }
  return result.value;
}

/** Options of `validateConfig` when the object came from a file with `${VAR}` placeholders. */
export interface ValidateOptions {
  /** Whole-value placeholders by path (from `interpolate`): those values are coerced to their field's type. */
  placeholders?: Map<string, string>;
  /** Problems found before validation (missing variables), reported with the rest. */
  problems?: Array<{ path: PropertyKey[]; message: string }>;
}

/** Rounds of coercion: each round fixes every placeholder the last parse found mistyped. */
const COERCION_ROUNDS = 4;

/** The provider kinds a config may name, keyed by their `kind` (src/providers/registry.ts loads them). */
export type KnownKinds = ReadonlyMap<string, ProviderKind>;

/**
 * Validates an already-parsed config object (after interpolation) against the given provider
 * kinds. src/gateway/load-config.ts `validateConfig` passes the registered ones.
 * @throws ConfigError listing every problem at once, one `path: problem` line each
 */
export function validateConfigFor(kinds: KnownKinds, raw: unknown, options: ValidateOptions = {}): GatewayConfig {
  const known = [...kinds.keys()];
  const schema = buildSchema(kinds);
  const placeholders = options.placeholders ?? new Map<string, string>();
  const input = placeholders.size > 0 ? structuredClone(raw) : raw;
  const lines = (options.problems ?? []).map((problem) => configLine(problem.path, problem.message, raw));
  const badKinds = new Set<number>();
  if (input && typeof input === 'object' && Array.isArray((input as { sources?: unknown }).sources)) {
    (input as { sources: unknown[] }).sources.forEach((source, index) => {
      const kind = (source as { kind?: unknown })?.kind;
      if (typeof kind === 'string' && !kinds.has(kind)) {
        badKinds.add(index);
        lines.push(configLine(['sources', index, 'kind'], `unknown kind "${kind}" (expected one of: ${known.join(', ')})`, input));
      }
    });
  }
  let result = schema.safeParse(input);
  for (let round = 0; !result.success && round < COERCION_ROUNDS; round++) {
    let coerced = false;
    for (const issue of result.error.issues) {
      if (issue.code !== 'invalid_type' || !placeholders.has(issue.path.join('.'))) continue;
      const text = getAt(input, issue.path as PropertyKey[]);
      if (typeof text !== 'string') continue;
      const value = coerceText(text, issue.expected);
      if (value !== undefined && setAt(input, issue.path as PropertyKey[], value)) coerced = true;
    }
    if (!coerced) break;
    result = schema.safeParse(input);
  }
  if (!result.success) {
    // A value whose variable is missing was reported as such: not again for what it holds instead.
    const unset = new Set((options.problems ?? []).map((problem) => problem.path.join('.')));
    const issues = result.error.issues.filter(
      (issue) =>
        !(issue.path[0] === 'sources' && typeof issue.path[1] === 'number' && badKinds.has(issue.path[1])) &&
        !unset.has(issue.path.join('.')),
    );
    lines.push(...describeIssues(issues, schema, input, placeholders));
  }
  if (lines.length > 0) throw new ConfigError(`invalid config:\n  ${lines.join('\n  ')}`);
  return (result as { data: unknown }).data as GatewayConfig;
}

/**
 * Reads, parses, interpolates and validates a config file against the given provider kinds.
 * @param kinds the kinds a source may name (src/gateway/load-config.ts `loadConfigFile` passes the registered ones)
 * @param file path to a `.yaml`, `.yml` or `.json` file
 * @param env the environment to interpolate from (the CLI passes `process.env`)
 * @throws ConfigError when the file is unreadable, unparsable or invalid
 */
export async function loadConfigFileFor(kinds: KnownKinds, file: string, env: NodeJS.ProcessEnv): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  // The YAML parser is loaded only here: demo mode and embedders passing objects never need it.
  const { parse: parseYaml } = await import('yaml');
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    const position = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new ConfigError(`cannot parse ${file}${position ? ` at line ${position.line}` : ''}: not valid YAML or JSON`);
  }
  const { value, placeholders, problems } = interpolate(parsed, env);
  const config = validateConfigFor(kinds, value, { placeholders, problems });
  const persisted = config.server.persistedOperations;
  // Files named in the config are found next to it, wherever the gateway was started from.
  if (persisted !== undefined) config.server.persistedOperations = resolvePath(dirname(file), persisted);
  return config;
}

/**
 * The `redis` section `REDIS_URL` stands for when the config has none.
 * @throws ConfigError naming `REDIS_URL` (never its value: it may hold a password)
 */
export function redisFromUrl(url: string): NonNullable<GatewayConfig['redis']> {
  const result = redisSchema.safeParse({ url });
  if (!result.success) throw new ConfigError('REDIS_URL: expected redis://host:port or rediss://host:port');
  return result.data;
}
