/**
 * The GraphQL context: built per request in `createContext`, never shared between requests.
 */
import type { GraphQLError } from 'graphql';
import type { Gateway } from '../gateway/gateway.js';
import { createLoaders, type Loaders } from '../loaders/index.js';
import { GatewayError } from '../core/errors.js';
import type { Viewer } from '../core/records.js';

export interface GatewayContext {
  gateway: Gateway;
  /** Null when the request carries no viewer (only introspection-like operations run then). */
  viewer: Viewer | null;
  loaders: Loaders;
  /**
   * Errors to add to the response while the field still returns data (a merged list whose one
   * source failed). Drained by `usePartialErrors` (src/plugins/use-partial-errors.ts).
   */
  partialErrors: GraphQLError[];
}

/** @throws GatewayError UNAUTHENTICATED when the request has no viewer */
export function requireViewer(context: Pick<GatewayContext, 'viewer'>): Viewer {
  if (!context.viewer) throw new GatewayError('UNAUTHENTICATED', 'a viewer is required');
  return context.viewer;
}

/** Builds the per-request part of the context. */
export function buildContext(gateway: Gateway, viewer: Viewer | null): GatewayContext {
  const context: GatewayContext = {
    gateway,
    viewer,
    loaders: createLoaders(gateway, () => requireViewer(context)),
    partialErrors: [],
  };
  return context;
}
