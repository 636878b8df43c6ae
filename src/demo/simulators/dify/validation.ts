/**
 * Dify's error bodies and argument checks as its controllers produce them
 * (api/libs/external_api.py, pydantic models, `uuid_value`), shared by every simulated endpoint.
 */
import { createHash } from 'node:crypto';
import type { SimulatorReply } from '../http-server.js';

type Query = URLSearchParams;
/** One pydantic validation error. */
export type PydanticError = { type: string; loc: string[]; msg: string; input: string | undefined };

/** Canonical dashed or undashed UUID, any case. */
export const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** `{"code","message","status"}` with that HTTP status. */
export function difyError(status: number, code: string, message: string, headers?: Record<string, string>): SimulatorReply {
  return { status, body: { code, message, status }, headers };
}

/** Dify normalizes ids through `uuid.UUID`: lower-case, dashed. */
export function normalizeUuid(value: string): string {
  const hex = value.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A deterministic UUID (v4 layout) derived from `seed`, for ids the seed data does not store. */
export function uuidFrom(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return normalizeUuid(bytes.toString('hex'));
}

/** A UUID query argument; blank counts as absent. */
export function uuidArg(query: Query, name: string, errors: PydanticError[], required: boolean): string | null {
  const value = query.get(name);
  if (value === null) {
    if (required) errors.push({ type: 'missing', loc: [name], msg: 'Field required', input: undefined });
    return null;
  }
  if (value === '') return null;
  if (!UUID.test(value)) {
    errors.push({ type: 'value_error', loc: [name], msg: 'Value error, must be a valid UUID', input: value });
    return null;
  }
  return normalizeUuid(value);
}

/** `limit` in 1–100 (default 20). */
export function limitArg(query: Query, errors: PydanticError[]): number {
  return intArg(query, 'limit', errors, 20, 1, 100);
}

/** An integer query argument within [min, max]. */
export function intArg(query: Query, name: string, errors: PydanticError[], fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const fail = (type: string, msg: string) => errors.push({ type, loc: [name], msg, input: raw });
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) {
    fail('int_parsing', 'Input should be a valid integer, unable to parse string as an integer');
    return fallback;
  }
  const value = Number(raw);
  if (value < min) fail('greater_than_equal', `Input should be greater than or equal to ${min}`);
  if (value > max) fail('less_than_equal', `Input should be less than or equal to ${max}`);
  return value;
}

/** `str(ValidationError)` as pydantic 2 prints it. */
export function pydanticMessage(model: string, errors: PydanticError[]): string {
  const head = `${errors.length} validation error${errors.length === 1 ? '' : 's'} for ${model}`;
  const lines = errors.map(
    (error) =>
      `${error.loc.join('.')}\n  ${error.msg} [type=${error.type}, input_value='${error.input ?? ''}', input_type=str]\n` +
      `    For further information visit https://errors.pydantic.dev/2.11/v/${error.type}`,
  );
  return [head, ...lines].join('\n');
}

/** Python's `json.dumps` spacing (`", "` and `": "`), which Dify uses for 422 details. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonJson(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** The 422 body newer Dify builds answer for bad query args. */
export function unprocessable(errors: PydanticError[]): SimulatorReply {
  const detail = errors.map(({ type, loc, msg }) => ({ type, loc, msg }));
  return difyError(422, 'unprocessable_entity', pythonJson(detail));
}

/** Epoch ms → the epoch seconds Dify shows. */
export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
