/**
 * Appends the errors resolvers reported alongside data (`context.partialErrors`, e.g. one
 * failed source of a merged list) to the execution result.
 */
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';

export function usePartialErrors(): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext;
      return {
        onExecuteDone({ result, setResult }) {
          if (!context.partialErrors?.length || !('data' in result)) return;
          setResult({ ...result, errors: [...(result.errors ?? []), ...context.partialErrors] });
        },
      };
    },
  };
}
