/**
 * The GraphQL server object (graphql-yoga). Tests call `yoga.fetch(...)` in-process; server.ts
 * puts it behind a listening socket.
 */
import { GraphQLError } from 'graphql';
import { createGraphQLError, createYoga, maskError, type GraphiQLOptions, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { InvalidTokenError } from '../auth/jwt.js';
import { peerOf } from '../auth/header-trust.js';
import type { ViewerResolver } from '../auth/viewer.js';
import { buildContext, type GatewayContext } from '../schema/context.js';
import type { Gateway } from '../gateway/gateway.js';
import { useWebhooks } from '../plugins/use-webhooks.js';
import { createGatewayMetrics } from '../observability/gateway-metrics.js';
import { useAccessLog } from '../observability/use-access-log.js';
import { upstreamCallsOf, useDeadline } from '../plugins/use-deadline.js';
import { useGraphiQLPage } from '../plugins/use-graphiql-page.js';
import { useHardening } from '../plugins/use-hardening.js';
import { useAudioRoute } from '../plugins/use-audio-route.js';
import { CSRF_HEADERS } from '../plugins/use-csrf.js';
import { useInboxRoute } from '../plugins/use-inbox-route.js';
import { useHealth } from '../plugins/use-health.js';
import { useJitExecutor } from '../plugins/use-jit-executor.js';
import { useMetrics } from '../observability/use-metrics.js';
import { uploadFetchApi, useUploadLimits } from '../plugins/use-upload-limits.js';
import { usePartialErrors } from '../plugins/use-partial-errors.js';
import { useSharedLiveExecution, type LiveExecutionCounter } from '../plugins/use-shared-live-execution.js';
import { useViewerRequired } from '../plugins/use-viewer-required.js';
import { createYogaLogger } from '../observability/yoga-logger.js';
import { isGatewayError, type GatewayError } from '../core/errors.js';
import type { Viewer } from '../core/records.js';
import { subgraphSchema } from '../schema/federation.js';
import { schema } from '../schema/index.js';

/** The operation GraphiQL opens with. */
export const EXAMPLE_OPERATION = /* GraphQL */ `# Your most recent conversations across every source, with their last messages.
query RecentConversations {
  viewer {
    externalId
    roles
  }
  conversations(first: 10) {
    edges {
      node {
        id
        title
        status
        updatedAt
        source {
          name
          kind
        }
        messages(last: 5) {
          edges {
            node {
              role
              text
              createdAt
            }
          }
          pageInfo {
            hasPreviousPage
            startCursor
          }
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;

/**
 * The example write GraphiQL offers in a second tab in demo mode: it works there as is
 * (a question to the demo Dify app, answered in the payload).
 */
export const EXAMPLE_MUTATION = /* GraphQL */ `# Ask the Dify assistant something; its answer comes back in the payload (run "AskAssistant").
mutation AskAssistant {
  sendMessage(input: { sourceId: "assistant", text: "What are your opening hours?", clientMutationId: "graphiql-1" }) {
    clientMutationId
    conversation {
      id
      title
    }
    messages {
      id
      role
      text
      audioUrl
    }
  }
}
`;

/**
 * The agent's inbox GraphiQL offers in demo mode, with the headers of an agent (the demo
 * Chatwoot account's token owner): the "mine, open" tab of the `support` source and the count
 * of every tab.
 */
export const EXAMPLE_AGENT_INBOX = /* GraphQL */ `# An agent's "mine, open" inbox in the Chatwoot source, with the count on every tab (run "AgentInbox").
# Chatwoot's "mine" is its access token's owner: this tab's headers name that agent by email.
query AgentInbox {
  source(name: "support") {
    conversationCounts(filter: { statuses: [OPEN] }) {
      mine
      unassigned
      assigned
      all
    }
    conversations(first: 10, filter: { statuses: [OPEN], assignee: ME }) {
      edges {
        node {
          id
          title
          status
          updatedAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
`;

/**
 * The tabs GraphiQL opens with: the example query alone, so Run runs it; with `agentHeaders`
 * the agent's inbox in a tab of its own, sent with those headers; with `exampleWrites` the
 * example mutation last. Writes only on request (demo mode): against real backends the
 * mutation would send a real message.
 */
export function graphiqlTabs(
  headers: string | undefined,
  exampleWrites: boolean,
  agentHeaders?: string,
): NonNullable<GraphiQLOptions['defaultTabs']> {
  return [
    { query: EXAMPLE_OPERATION, headers: headers ?? null },
    ...(agentHeaders ? [{ query: EXAMPLE_AGENT_INBOX, headers: agentHeaders }] : []),
    ...(exampleWrites ? [{ query: EXAMPLE_MUTATION, headers: headers ?? null }] : []),
  ];
}

export interface GatewayYogaOptions {
  resolveViewer: ViewerResolver;
  /** Headers GraphiQL starts with (demo mode: the demo viewer). */
  graphiqlHeaders?: Record<string, string>;
  /** Headers of an agent for GraphiQL's agent inbox tab (demo mode); no such tab without. */
  graphiqlAgentHeaders?: Record<string, string>;
  /** Open GraphiQL with the example mutation in a second tab (demo mode only). @default false */
  graphiqlExampleWrites?: boolean;
  /** Plugins added after the observers and before the rest (tracing: `Telemetry.plugin`). */
  plugins?: Plugin[];
  /** The built example inbox to serve at `/inbox` (demo mode: `dist/inbox`); not served without. */
  inboxDirectory?: string;
  /** Counts executions of live events (tests: shared executions are counted once). */
  liveExecutions?: LiveExecutionCounter;
}

export type GatewayYoga = YogaServerInstance<Record<string, unknown>, GatewayContext>;

/**
 * Turns coded errors into GraphQL errors with `extensions.code` (and `sourceId`, `retryAfter`)
 * and masks everything else as an internal error. The one place this translation happens.
 */
export function maskGatewayError(error: unknown, message: string, isDev?: boolean): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (isGatewayError(original)) {
    const graphqlError = error instanceof GraphQLError ? error : undefined;
    return createGraphQLError(original.message, {
      nodes: graphqlError?.nodes,
      source: graphqlError?.source,
      positions: graphqlError?.positions,
      path: graphqlError?.path,
      extensions: { ...original.extensions, ...httpOf(original, graphqlError === undefined) },
    });
  }
  return maskError(error, message, isDev);
}

/**
 * The HTTP status (and headers) a coded error imposes on the whole response: 401 with a
 * `WWW-Authenticate` challenge (RFC 6750) for UNAUTHENTICATED, and 503 when the viewer could
 * not be checked at all (the token keys were unavailable before execution began).
 */
function httpOf(error: GatewayError, beforeExecution: boolean): { http?: { status: number; headers?: Record<string, string> } } {
  if (error.code === 'UNAUTHENTICATED') {
    const challenge = error instanceof InvalidTokenError ? 'Bearer error="invalid_token"' : 'Bearer';
    return { http: { status: 401, headers: { 'WWW-Authenticate': challenge } } };
  }
  if (error.code === 'UPSTREAM_UNAVAILABLE' && beforeExecution) return { http: { status: 503 } };
  return {};
}

/** CORS for `server.corsOrigins`: none at all by default; `*` never with credentials. */
function corsOf(origins: string[]) {
  if (origins.length === 0) return false as const;
  const any = origins.includes('*');
  return { origin: any ? ['*'] : origins.map((origin) => new URL(origin).origin), credentials: !any, methods: ['GET', 'POST'] };
}

/** Builds the yoga server for a gateway. */
export function createGatewayYoga(gateway: Gateway, options: GatewayYogaOptions): GatewayYoga {
  const { server } = gateway.config;
  const metrics = server.metrics ? createGatewayMetrics(gateway) : undefined;
  return createYoga<Record<string, unknown>, GatewayContext>({
    // The subgraph schema is the API schema plus `_service` and `_entities`.
    schema: server.federation ? subgraphSchema : schema,
    // Client and upstream errors are answered with a code; only the gateway's own faults log at error.
    logging: createYogaLogger(gateway.logger),
    landingPage: false,
    // Our /health answers {"status":"ok"}; yoga's own empty 200 moves out of its way.
    healthCheckEndpoint: '/livez',
    maskedErrors: { maskError: maskGatewayError },
    // The page is served by useGraphiQLPage (rendered and compressed once), not by yoga.
    graphiql: false,
    // A WebSocket operation arrives with the viewer its connection authenticated (src/server/ws.ts).
    context: async (initial) =>
      buildContext(
        gateway,
        'viewer' in initial ? (initial.viewer as Viewer | null) : await options.resolveViewer(initial.request, peerOf(initial.req)),
      ),
    // Yoga's default CORS reflects any origin with credentials, which would let any web page
    // read a cookie-authenticated viewer's data: only configured origins get CORS headers.
    cors: corsOf(server.corsOrigins),
    // The body limits live in useUploadLimits (multipart only for the mutations that take files; other
    // bodies keep maxBodyBytes): yoga's own would stream every body through a second counter.
    maxRequestBodySize: false,
    fetchAPI: uploadFetchApi(server.limits),
    plugins: [
      // Observers first: they must see the operations that later plugins end early. The access
      // log's observer also feeds the operation metrics.
      ...(metrics ? [useMetrics(gateway, { token: server.metricsToken, metrics, closeMetrics: true, countOperations: false })] : []),
      useAccessLog(gateway.logger.child({ component: 'access' }), { upstreamCallsOf, onReport: metrics?.recordOperation }),
      ...(options.plugins ?? []),
      ...(server.graphiql ? [useGraphiQLPage(graphiqlOptions(options))] : []),
      useWebhooks(gateway),
      useHealth(gateway),
      ...(options.inboxDirectory ? [useInboxRoute(options.inboxDirectory)] : []),
      useAudioRoute(gateway, options.resolveViewer),
      useUploadLimits(server.limits),
      useHardening(server),
      useViewerRequired(gateway.config.auth.mode),
      usePartialErrors(),
      useSharedLiveExecution({ counter: options.liveExecutions }),
      useJitExecutor(),
      useDeadline(server.requestTimeoutMs, { maxUpstreamCalls: server.limits.maxUpstreamCallsPerRequest }),
    ],
  });
}

/** What the GraphiQL page opens with. */
function graphiqlOptions(options: GatewayYogaOptions): GraphiQLOptions {
  const headers = options.graphiqlHeaders ? JSON.stringify(options.graphiqlHeaders, null, 2) : undefined;
  return {
    title: 'chat-history-gateway',
    defaultTabs: graphiqlTabs(
      headers,
      options.graphiqlExampleWrites ?? false,
      options.graphiqlAgentHeaders ? JSON.stringify(options.graphiqlAgentHeaders, null, 2) : undefined,
    ),
    headers,
    shouldPersistHeaders: false,
    // GraphiQL streams subscriptions over a GET (text/event-stream), which the CSRF check
    // refuses without a proof header; only same-origin script can add one.
    additionalHeaders: { [CSRF_HEADERS[0]!]: 'graphiql' },
  };
}
