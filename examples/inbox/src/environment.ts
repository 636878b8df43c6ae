/**
 * The Relay environment of one viewer: queries and mutations as JSON POSTs to `/graphql`,
 * subscriptions as a POST that asks for `text/event-stream` (yoga's SSE). Server-sent events
 * rather than a WebSocket because a browser cannot set headers on a WebSocket, and the viewer's
 * headers (`x-chat-user`, `x-chat-roles`) must reach the subscription too.
 */
import { createParser } from 'eventsource-parser';
import {
  Environment,
  Network,
  Observable,
  RecordSource,
  Store,
  type FetchFunction,
  type GraphQLResponse,
  type SubscribeFunction,
} from 'relay-runtime';

const ENDPOINT = '/graphql';

/** Who the inbox runs as: nothing extra (demo mode's default viewer) or an agent's headers. */
export type ViewerHeaders = Record<string, string>;

function requestInit(headers: ViewerHeaders, accept: string, body: unknown, signal?: AbortSignal): RequestInit {
  return {
    method: 'POST',
    headers: { ...headers, accept, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  };
}

/** A new environment (with its own store) for requests carrying `headers`. */
export function createEnvironment(headers: ViewerHeaders): Environment {
  const fetchFn: FetchFunction = async (operation, variables) => {
    const response = await fetch(ENDPOINT, requestInit(headers, 'application/json', { query: operation.text, variables }));
    const payload = (await response.json()) as GraphQLResponse;
    if (!response.ok && !('data' in payload && payload.data)) {
      throw new Error(firstErrorMessage(payload) ?? `HTTP ${response.status}`);
    }
    return payload;
  };

  const subscribe: SubscribeFunction = (operation, variables) =>
    Observable.create<GraphQLResponse>((sink) => {
      const controller = new AbortController();
      const body = { query: operation.text, variables };
      streamEvents(requestInit(headers, 'text/event-stream', body, controller.signal), (payload) => sink.next(payload)).then(
        () => sink.complete(),
        (error: unknown) => {
          if (!controller.signal.aborted) sink.error(error instanceof Error ? error : new Error(String(error)));
        },
      );
      return () => controller.abort();
    });

  return new Environment({ network: Network.create(fetchFn, subscribe), store: new Store(new RecordSource()) });
}

/** POSTs `init` and hands each `next` event's payload to `onNext` until the stream completes. */
async function streamEvents(init: RequestInit, onNext: (payload: GraphQLResponse) => void): Promise<void> {
  const response = await fetch(ENDPOINT, init);
  if (!response.ok || !response.body) throw new Error(`subscription refused: HTTP ${response.status}`);
  let completed = false;
  const parser = createParser({
    onEvent(event) {
      if (event.event === 'complete') completed = true;
      else if (!completed && event.data) onNext(JSON.parse(event.data) as GraphQLResponse);
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  while (!completed) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  await reader.cancel().catch(() => undefined);
}

function firstErrorMessage(payload: GraphQLResponse): string | undefined {
  const errors = 'errors' in payload ? payload.errors : undefined;
  return Array.isArray(errors) ? errors[0]?.message : undefined;
}
