/**
 * `GET /health` (liveness: the process answers) and `GET /ready` (readiness, src/gateway/readiness.ts:
 * 200 while at least one source can be reached, 503 while starting, draining or when every
 * source is down). Neither needs auth, and neither shows a URL or a secret.
 */
import type { Plugin } from 'graphql-yoga';
import type { Gateway } from '../gateway/gateway.js';
import { readinessOf } from '../gateway/readiness.js';

export type { ReadinessBody as Readiness } from '../gateway/readiness.js';

export function useHealth(gateway: Gateway): Plugin {
  const readiness = readinessOf(gateway);
  return {
    onRequest({ url, request, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/health') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }));
      } else if (url.pathname === '/ready') {
        const { httpStatus, body } = readiness.snapshot();
        endResponse(fetchAPI.Response.json(body, { status: httpStatus, headers: { 'cache-control': 'no-store' } }));
      }
    },
  };
}
