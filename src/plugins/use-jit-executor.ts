/**
 * Executes queries and mutations with graphql-jit (through `@envelop/graphql-jit`): each
 * distinct operation document is compiled once into a function specialised to its selection,
 * then reused, which spends far less CPU per field than graphql-js's interpreting executor.
 * Parsing, validation and the other plugins' checks still run as before; the compiled function
 * receives the same context, root and variables. Subscriptions keep graphql-js's `subscribe`.
 *
 * Order: list this plugin before any plugin that wraps the execute function (`useDeadline`),
 * so that the wrapper wraps the compiled executor instead of being replaced by it.
 */
import type { JITCache } from '@envelop/graphql-jit';
import { GraphQLError, type Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

/** Most compiled operations kept; a cold one is compiled again when it comes back. */
const MAX_COMPILED = 1_000;

export function useJitExecutor(): Plugin {
  // By document text, behind the plugin's own `WeakMap` by parsed document (yoga's parser cache
  // hands out one object per text): bounds what a client sending ever-new operations can hold.
  const cache = new LRUCache<string, NonNullable<ReturnType<JITCache['get']>>>({ max: MAX_COMPILED });
  // graphql-jit is a large module: it is loaded at the first operation, not at start-up.
  let jit: Promise<Plugin> | undefined;
  return {
    async onExecute(payload) {
      jit ??= import('@envelop/graphql-jit').then(({ useGraphQlJit }) => useGraphQlJit({}, { cache }) as Plugin);
      (await jit).onExecute!(payload);
      const source = payload.args.document.loc?.source;
      if (!source) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors?.some(lacksPositions)) return;
          setResult({ ...result, errors: result.errors.map((error) => (lacksPositions(error) ? positioned(error, source) : error)) });
        },
      };
    },
  };
}

/**
 * graphql-jit's errors carry `locations` but neither AST nodes nor positions, and yoga rebuilds
 * every error from those when it serializes the response: without them `locations` would vanish.
 */
function lacksPositions(error: GraphQLError): boolean {
  return error.positions === undefined && error.nodes === undefined && (error.locations?.length ?? 0) > 0;
}

/** The same error with `source` and `positions` (offsets) computed from its line/column locations. */
function positioned(error: GraphQLError, source: Source): GraphQLError {
  const lineStarts = [0];
  for (let index = source.body.indexOf('\n'); index !== -1; index = source.body.indexOf('\n', index + 1)) {
    lineStarts.push(index + 1);
  }
  const positions = error.locations!.map(({ line, column }) => (lineStarts[line - 1] ?? 0) + column - 1);
  return new GraphQLError(error.message, {
    source,
    positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
