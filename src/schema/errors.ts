/**
 * Errors that accompany data: a field that returns what the healthy sources gave and also
 * reports the sources that failed. The error joins the response's `errors` at the field's path.
 */
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { GatewayError } from '../providers/errors.js';

/** Adds `error` to the response at `info.path` without failing the field. */
export function reportPartialError(context: GatewayContext, info: GraphQLResolveInfo, error: GatewayError): void {
  context.partialErrors.push(
    new GraphQLError(error.message, { path: responsePathAsArray(info.path), extensions: error.extensions }),
  );
}
