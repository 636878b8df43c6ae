/**
 * The config file: YAML or JSON, `${ENV_VAR}` interpolated in string values after parsing,
 * validated by one zod schema that is the single source of truth for its type. Errors name the
 * bad field by path and never print a value (a value may be a secret).
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadProviderKinds } from './providers/registry.js';
import type { ProviderKind } from './providers/types.js';

/** Thrown for any unusable config; `message` is safe to print. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

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
    /** HMAC key for cursors; default derives one from the sources' credentials. */
    cursorSecret: z.string().min(16).optional(),
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
  .refine((jwt) => Boolean(jwt.secret) !== Boolean(jwt.jwksUrl), {
    message: 'set exactly one of secret or jwksUrl',
  });

const authSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('header') }).strict(),
  z.object({ mode: z.literal('jwt'), jwt: jwtSchema }).strict(),
]);

/** Keys every source has. Durations in milliseconds. */
const sourceCommonShape = {
  id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must match ^[a-z][a-z0-9-]{0,31}$'),
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Per upstream attempt. @default 10000 */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Extra attempts for idempotent reads. @default 2 */
  retries: z.number().int().min(0).max(5).default(2),
  /** Largest upstream body read, bytes. @default 10 MiB */
  maxResponseBytes: z.number().int().positive().default(10 * 1024 * 1024),
};

function buildSchema(kinds: Map<string, ProviderKind>) {
  const variants = [...kinds.values()].map((kind) =>
    z.object({ ...sourceCommonShape, ...kind.configShape, kind: z.literal(kind.kind) }).strict(),
  );
  const source = z.discriminatedUnion('kind', variants as unknown as [z.ZodObject, ...z.ZodObject[]]);
  return z
    .object({
      server: serverSchema.default(serverSchema.parse({})),
      auth: authSchema.default({ mode: 'header' }),
      sources: z.array(source).min(1, 'at least one source is required'),
    })
    .strict()
    .superRefine((config, ctx) => {
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
  sources: SourceConfig[];
}

export type AuthConfig = GatewayConfig['auth'];

/** Replaces `${VAR}` in every string value; a missing variable is an error naming its path. */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: string[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        throw new ConfigError(`${formatPath(path)}: environment variable ${name} is not set`);
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, [...path, String(index)]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, [...path, key])]),
    );
  }
  return value;
}

/**
 * Validates an already-parsed config object (after interpolation).
 * @throws ConfigError listing every bad field as `path: problem`.
 */
export async function validateConfig(raw: unknown): Promise<GatewayConfig> {
  const kinds = await loadProviderKinds();
  const known = [...kinds.keys()];
  if (raw && typeof raw === 'object' && Array.isArray((raw as { sources?: unknown }).sources)) {
    const sources = (raw as { sources: unknown[] }).sources;
    sources.forEach((source, index) => {
      const kind = (source as { kind?: unknown })?.kind;
      if (typeof kind === 'string' && !kinds.has(kind)) {
        throw new ConfigError(`sources.${index}.kind: unknown kind "${kind}" (expected one of: ${known.join(', ')})`);
      }
    });
  }
  const result = buildSchema(kinds).safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new ConfigError(`invalid config:\n  ${lines.join('\n  ')}`);
  }
  return result.data as GatewayConfig;
}

/**
 * Reads, parses, interpolates and validates a config file.
 * @param file path to a `.yaml`, `.yml` or `.json` file
 * @param env the environment to interpolate from (the CLI passes `process.env`)
 * @throws ConfigError when the file is unreadable, unparsable or invalid
 */
export async function loadConfigFile(file: string, env: NodeJS.ProcessEnv): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    const position = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new ConfigError(`cannot parse ${file}${position ? ` at line ${position.line}` : ''}: not valid YAML or JSON`);
  }
  return validateConfig(interpolateEnv(parsed, env));
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}
