/**
 * Raw HTTP helpers for the security suite: any method, headers and body, through `yoga.fetch`
 * (the same handler the listening server runs).
 */
import type { GatewayYoga } from '../../src/yoga/yoga.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when it was not JSON. */
  body: any;
}

/** Sends one request to `/graphql` (or `path`). */
export async function send(
  yoga: GatewayYoga,
  init: { method?: string; headers?: Record<string, string>; body?: BodyInit; path?: string },
): Promise<RawResponse> {
  const response = await yoga.fetch(`http://gateway.test${init.path ?? '/graphql'}`, {
    method: init.method ?? 'POST',
    headers: init.headers,
    body: init.body,
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** POSTs a JSON GraphQL request with the given headers (no viewer unless they carry one). */
export function post(
  yoga: GatewayYoga,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return send(yoga, {
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
}

/** Headers of a header-mode viewer. */
export function as(id: string, roles: string[] = []): Record<string, string> {
  return { 'x-chat-user': id, ...(roles.length ? { 'x-chat-roles': roles.join(',') } : {}) };
}

/** The codes of a response's errors, in order. */
export function codes(response: RawResponse): string[] {
  return (response.body?.errors ?? []).map((error: any) => error.extensions?.code);
}
