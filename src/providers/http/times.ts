/**
 * Time formats of the `http` kind, chosen per field:
 * - `iso8601`: `2026-03-15T13:59:11Z`, `…11.250+02:00` (a string with `Z` or an offset);
 * - `epoch-seconds`: a number (or numeric string) of seconds since 1970, fractions allowed;
 * - `epoch-ms`: a number (or numeric string) of milliseconds since 1970;
 * - `seconds.micros`: Slack's `ts`, a string `"1482960137.003543"` (seconds, six digits of µs).
 * A value is kept as the upstream wrote it (`raw`), so it can be sent back as a bound exactly.
 */

/** The formats a time field may have. */
export const TIME_FORMATS = ['iso8601', 'epoch-seconds', 'epoch-ms', 'seconds.micros'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/** A parsed upstream time: as written, and in epoch milliseconds (fractions of a ms kept). */
export interface ParsedTime {
  raw: string;
  ms: number;
}

/** Parses an upstream value in `format`; null when it is missing or not in that format. */
export function parseTime(value: unknown, format: TimeFormat): ParsedTime | null {
  if (value === undefined || value === null) return null;
  const raw = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value : null;
  if (raw === null || raw.includes('|')) return null;
  let ms: number;
  switch (format) {
    case 'iso8601':
      if (!ISO.test(raw)) return null;
      ms = Date.parse(raw);
      break;
    case 'epoch-seconds':
    case 'seconds.micros':
      if (!DECIMAL.test(raw)) return null;
      ms = Number(raw) * 1000;
      break;
    case 'epoch-ms':
      if (!DECIMAL.test(raw)) return null;
      ms = Number(raw);
      break;
  }
  return Number.isFinite(ms) ? { raw, ms } : null;
}

/**
 * One unit of the precision `raw` is written in, ms: the smallest step between two distinct
 * times (`…:11Z` → 1000, `…:11.25Z` → 10, `1482960137.003543` → 0.001).
 */
export function precisionMs(raw: string, format: TimeFormat): number {
  const fraction = /\.(\d+)/.exec(format === 'iso8601' ? raw.replace(/(Z|[+-]\d{2}:?\d{2})$/, '') : raw)?.[1]?.length ?? 0;
  const unit = format === 'epoch-ms' ? 1 : 1000;
  return unit / 10 ** fraction;
}

/**
 * Writes epoch `ms` in `format`, with the precision of `sample` (a value the upstream sent), so a
 * bound one unit beyond a time is exact: ISO 8601 in UTC, epoch numbers as decimal text.
 */
export function formatTime(ms: number, format: TimeFormat, sample: string): string {
  const precision = precisionMs(sample, format);
  switch (format) {
    case 'iso8601': {
      const iso = new Date(Math.floor(ms)).toISOString();
      if (precision >= 1000) return iso.replace(/\.\d{3}Z$/, 'Z');
      const digits = Math.min(3, Math.round(-Math.log10(precision / 1000)));
      return iso.replace(/\.(\d{3})Z$/, (_, frac: string) => `.${frac.slice(0, digits)}Z`);
    }
    case 'epoch-ms':
      return precision >= 1 ? String(Math.round(ms)) : (ms).toFixed(Math.round(-Math.log10(precision)));
    case 'epoch-seconds':
    case 'seconds.micros': {
      const digits = Math.max(0, Math.round(-Math.log10(precision / 1000)));
      return (ms / 1000).toFixed(digits);
    }
  }
}
