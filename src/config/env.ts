/**
 * `${VAR}` interpolation of a parsed config, and coercion of interpolated values to the type
 * their field expects. Environment variables are strings, so `port: ${GW_PORT}` arrives as
 * `"4100"`; when the schema then asks for a number (or boolean, or list) there, the value is
 * converted instead of refused. Only whole-value placeholders are coerced, and only where the
 * schema says so: an all-digit API key stays a string.
 *
 * Syntax: `${VAR}`; `${VAR:-default}` (the default when VAR is unset or empty, as in a shell);
 * `$${` for a literal `${`.
 */

/** One problem found while interpolating; `path` is the config path of the value. */
export interface EnvProblem {
  path: PropertyKey[];
  message: string;
}

/** The interpolated config and what is needed to coerce and report on it. */
export interface Interpolated {
  value: unknown;
  /** Paths (joined with `.`) whose whole value was one placeholder, with its variable name. */
  placeholders: Map<string, string>;
  problems: EnvProblem[];
}

const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}$/;

/**
 * Replaces placeholders in every string value (keys are left alone), collecting every missing
 * variable instead of stopping at the first.
 */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv): Interpolated {
  const placeholders = new Map<string, string>();
  const problems: EnvProblem[] = [];
  const walk = (item: unknown, path: PropertyKey[]): unknown => {
    if (typeof item === 'string') {
      const whole = WHOLE.exec(item);
      if (whole) placeholders.set(path.join('.'), whole[1]!);
      return item.replace(PLACEHOLDER, (match, name: string | undefined, fallback: string | undefined) => {
        if (name === undefined) return '${';
        const found = env[name];
        if (found !== undefined && (found !== '' || fallback === undefined)) return found;
        if (fallback !== undefined) return fallback;
        problems.push({ path, message: `environment variable ${name} is not set` });
        return match;
      });
    }
    if (Array.isArray(item)) return item.map((entry, index) => walk(entry, [...path, index]));
    if (item && typeof item === 'object') {
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry, [...path, key])]));
    }
    return item;
  };
  return { value: walk(value, []), placeholders, problems };
}

/** What a field expected, as zod names it in an `invalid_type` issue. */
export type ExpectedType = 'number' | 'int' | 'boolean' | 'array' | string;

/**
 * Converts an interpolated string to the type its field expects.
 * @returns the converted value, or undefined when the text cannot be read as that type
 */
export function coerceText(text: string, expected: ExpectedType): unknown {
  const trimmed = text.trim();
  switch (expected) {
    case 'number':
    case 'int': {
      if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(trimmed)) return undefined;
      return Number(trimmed);
    }
    case 'boolean':
      if (/^(?:true|yes|on|1)$/i.test(trimmed)) return true;
      if (/^(?:false|no|off|0)$/i.test(trimmed)) return false;
      return undefined;
    case 'array':
      // A list from one variable: comma-separated (`CORS_ORIGINS=https://a.example,https://b.example`).
      return trimmed === '' ? [] : trimmed.split(',').map((entry) => entry.trim()).filter(Boolean);
    default:
      return undefined;
  }
}

/**
 * Sets `value` at `path` in a plain object tree (in place).
 * @returns false when the path does not lead to an existing container
 */
export function setAt(root: unknown, path: PropertyKey[], value: unknown): boolean {
  let container = root as Record<PropertyKey, unknown> | undefined;
  for (const key of path.slice(0, -1)) {
    if (!container || typeof container !== 'object') return false;
    container = container[key as string] as Record<PropertyKey, unknown> | undefined;
  }
  if (!container || typeof container !== 'object' || path.length === 0) return false;
  container[path[path.length - 1] as string] = value;
  return true;
}

/** Reads the value at `path` in a plain object tree. */
export function getAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const key of path) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key as string];
  }
  return value;
}
