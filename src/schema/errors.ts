/**
 * Errors that accompany data: a field that returns what the healthy sources gave and also
 * reports the sources that failed. The error joins the response's `errors` at the field's path.
 */
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from './context.js';
import type { GatewayError } from '../core/errors.js';

/** Adds `error` to the response at `info.path` without failing the field. */
export function reportPartialError(context: GatewayContext, info: GraphQLResolveInfo, error: GatewayError): void {
  context.partialErrors.push(
    new GraphQLError(error.message, { path: responsePathAsArray(info.path), extensions: error.extensions }),
  );
}

/**
 * One item of a list field whose items fail on their own (`nodes`, `_entities`): a failure
 * becomes a resolved `Error` value instead of a rejection. Both executors null such an item
 * and report the error at its own index; graphql-jit misplaces the items after a rejected one.
 */
export function settleItem<T>(item: Promise<T>): Promise<T | Error> {
  return item.then(undefined, (error: unknown) => (error instanceof Error ? error : new Error(String(error))));
}
