/**
 * `GET /health` (liveness: the process answers) and `GET /ready` (readiness: 200 while at least
 * one source can be reached, 503 while draining or when every source is down). Neither needs
 * auth, and neither shows a URL or a secret.
 */
import type { Plugin } from 'graphql-yoga';
import type { Gateway } from '../gateway.js';

/** The `/ready` body. */
export interface Readiness {
  status: 'ready' | 'degraded' | 'draining';
  sources: Record<string, { kind: string; state: 'closed' | 'open' | 'half-open' }>;
}

/** Computes readiness from each source's circuit state. */
export function readinessOf(gateway: Gateway): { httpStatus: number; body: Readiness } {
  const sources: Readiness['sources'] = {};
  for (const source of gateway.sources.values()) {
    sources[source.id] = { kind: source.kind, state: gateway.circuitState(source.id) };
  }
  const states = Object.values(sources).map((source) => source.state);
  const down = states.filter((state) => state === 'open').length;
  if (gateway.draining) return { httpStatus: 503, body: { status: 'draining', sources } };
  const allDown = states.length > 0 && down === states.length;
  return { httpStatus: allDown ? 503 : 200, body: { status: down > 0 ? 'degraded' : 'ready', sources } };
}

export function useHealth(gateway: Gateway): Plugin {
  return {
    onRequest({ url, request, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/health') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }));
      } else if (url.pathname === '/ready') {
        const { httpStatus, body } = readinessOf(gateway);
        endResponse(fetchAPI.Response.json(body, { status: httpStatus }));
      }
    },
  };
}
