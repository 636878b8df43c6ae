/**
 * Execute once, deliver many (how Hasura multiplexes live queries): subscribers whose event
 * would produce the same result share one execution of it, and so one result object, which each
 * transport then writes to its own connection (over SSE one serialized text for all; graphql-ws
 * serializes each message with its id).
 *
 * A subscription's source stream is opened per subscriber, as before — admission, the access
 * check, its bounded buffer and token expiry stay its own. Only the mapping of an event to its
 * result is shared: the live hub hands every subscriber of a topic the same event object, and
 * the result for it is kept (weakly, by that object) under the grouping key
 *
 *   [live group, document text, operation name, variables]
 *
 * where the live group (src/schema/live-sharing.ts) is set by the subscribe resolver from the
 * topic, the viewer's access class and private-note visibility. Same key ⇒ same result: the
 * first subscriber to pull the event executes it, the others reuse that result. Operations whose
 * resolver set no group (other fields, failures) execute per subscriber as graphql-js would, and
 * so do operations that select a field whose value is the viewer's own beyond its access class
 * (a cursor, signed for one viewer; the viewer's "mine" counts): see `VIEWER_BOUND_FIELDS`.
 *
 * Streams produced this way replace the executor's own subscription mapping; queries and
 * mutations are untouched.
 */
import { createSourceEventStream, execute, visit, BREAK, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { liveGroupOf } from '../schema/live-sharing.js';
import type { GatewayContext } from '../schema/context.js';
import { streamEndAnnouncer } from '../core/stream-end.js';

/** Counts executions of live events, shared or not (tests read it; no upstream, no units). */
export interface LiveExecutionCounter {
  executions: number;
  /** Serializations of shared results (once per shared result, whatever the subscribers). */
  serializations?: number;
}

export interface SharedLiveExecutionOptions {
  /** Incremented once per execution of a live event (one per group and event when shared). */
  counter?: LiveExecutionCounter;
}

/** The gateway's plugin; list it after plugins that end subscriptions early (armor, viewer checks). */
export function useSharedLiveExecution(options: SharedLiveExecutionOptions = {}): Plugin {
  // event object → grouping key → its result; an event is forgotten with its last reader.
  const shared = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  const run = (args: ExecutionArgs, event: unknown): Promise<ExecutionResult> => {
    if (options.counter) options.counter.executions += 1;
    // The subscriber's context lives as long as its stream: what this event loaded (records,
    // DataLoader caches) is dropped once its result exists, not kept until the next event.
    const release = () => (args.contextValue as Partial<GatewayContext> | undefined)?.loaders?.clear();
    return Promise.resolve(execute({ ...args, rootValue: event })).finally(release);
  };
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const stream = await createSourceEventStream(args);
        if (!isAsyncIterable(stream)) return stream;
        const group = liveGroupOf(args.contextValue);
        if (group === undefined || selectsViewerBoundFields(args.document)) return mapStream(stream, (event) => run(args, event));
        const key = JSON.stringify([group, args.document.loc?.source.body ?? null, args.operationName ?? null, args.variableValues ?? null]);
        return mapStream(stream, (event) => {
          if (typeof event !== 'object' || event === null) return run(args, event);
          let results = shared.get(event);
          if (!results) shared.set(event, (results = new Map()));
          let result = results.get(key);
          if (!result) results.set(key, (result = run(args, event).then((done) => serializedOnce(done, options.counter))));
          return result;
        });
      });
    },
  };
}

/**
 * The shared result, serialized at most once for SSE: yoga's SSE writer serializes a result
 * with its own `stringify` when it has one (graphql-yoga's result-processor/stringify.js).
 * graphql-ws serializes each `next` message whole, its id included (`JSON.rawJSON` takes no
 * objects, so a shared text cannot be embedded), and skips the function like `JSON.stringify`
 * everywhere does.
 */
function serializedOnce(result: ExecutionResult, counter?: LiveExecutionCounter): ExecutionResult {
  let serialized: string | undefined;
  const stringify = (value: unknown) => {
    if (serialized === undefined) {
      serialized = JSON.stringify(value);
      if (counter) counter.serializations = (counter.serializations ?? 0) + 1;
    }
    return serialized;
  };
  return Object.assign(result, { stringify });
}

/**
 * Fields whose value depends on the viewer beyond its access class, by name wherever they are
 * nested: cursors are signed for the viewer they were issued to (src/core/cursor.ts);
 * `conversationCounts` counts the viewer's own tab (`mine`), and `conversations` may be filtered
 * by `assignee: ME`. Selecting one of them costs the sharing, never a wrong answer.
 */
const VIEWER_BOUND_FIELDS = new Set(['cursor', 'startCursor', 'endCursor', 'conversationCounts', 'conversations']);
const viewerBoundSelections = new WeakMap<DocumentNode, boolean>();

/** Whether `document` selects a viewer-bound field anywhere (fragments included); remembered per parsed document. */
function selectsViewerBoundFields(document: DocumentNode): boolean {
  let selects = viewerBoundSelections.get(document);
  if (selects === undefined) {
    selects = false;
    visit(document, {
      Field(node) {
        if (!VIEWER_BOUND_FIELDS.has(node.name.value)) return undefined;
        selects = true;
        return BREAK;
      },
    });
    viewerBoundSelections.set(document, selects);
  }
  return selects;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * `source` with each value mapped by `map`, passing `return` and `throw` straight through (no
 * async generator: its `return` would wait behind a pending `next` of an idle stream). It
 * announces its end (src/core/stream-end.ts), so observers such as the open-subscriptions gauge
 * need no wrapper of their own around every subscriber's stream.
 */
function mapStream(source: AsyncIterable<unknown>, map: (value: unknown) => Promise<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const end = streamEndAnnouncer();
  const mapped = async (step: IteratorResult<unknown>): Promise<IteratorResult<ExecutionResult>> => {
    if (step.done) {
      end.ended();
      return { done: true, value: undefined };
    }
    return { done: false, value: await map(step.value) };
  };
  const failed = (error: unknown): never => {
    end.ended();
    throw error;
  };
  const stream: AsyncIterableIterator<ExecutionResult> = end.announce({
    next: () => iterator.next().then(mapped, failed),
    return: async () => {
      try {
        await iterator.return?.();
      } finally {
        end.ended();
      }
      return { done: true, value: undefined };
    },
    throw: async (error?: unknown) => {
      if (iterator.throw) return iterator.throw(error).then(mapped, failed);
      await iterator.return?.();
      return failed(error);
    },
    [Symbol.asyncIterator]: () => stream,
  });
  return stream;
}
