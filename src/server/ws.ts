/**
 * graphql-ws over WebSocket on `/graphql` (same HTTP server, same schema and yoga plugins as
 * SSE and plain HTTP). Auth is the gateway's: in header mode the trusted proxy's headers on the
 * upgrade request (connection parameters cannot override them); in jwt mode a bearer token in
 * `connectionParams.authorization` (or `Authorization`, or the upgrade request's header),
 * verified at `connection_init`. A bad one closes with 4403; the token's `exp` later closes the
 * socket with `LiveCloseCode.TokenExpired`. Keep-alive is ws ping/pong every `keepAliveMs`.
 *
 * The upgrade follows the origin rule of HTTP requests (`isCrossSiteOrigin`): another site's
 * `Origin` gets HTTP 403 and no socket, so a page elsewhere cannot ride a cookie-authenticated
 * proxy's session. With that, a socket is as safe as a JSON POST, and it serves mutations too.
 * One bad operation (a syntax error, a limit, a validation error) is answered with that
 * operation's `error` message; the socket and its other operations live on.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { ConnectionInitMessage } from 'graphql-ws';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ViewerResolver } from '../auth/viewer.js';
import type { ConnectionWatchdog } from './connection-watchdog.js';
import { isCrossSiteOrigin } from '../plugins/use-csrf.js';
import type { Gateway } from '../gateway/gateway.js';
import type { Viewer } from '../core/records.js';
import type { GatewayYoga } from '../yoga/yoga.js';
import { onTokenExpiry, tokenExpiresAt } from '../live/token-expiry.js';

/**
 * Close codes this gateway sends, beside graphql-ws's own. The values of graphql-ws's
 * `CloseCode.Unauthorized` (4401) and `CloseCode.Forbidden` (4403) are written out: importing
 * graphql-ws's entry module for two numbers would load its client and server at start-up.
 */
export enum LiveCloseCode {
  /** The viewer's token expired: connect again with a fresh one (`CloseCode.Unauthorized`). */
  TokenExpired = 4401,
  /** Credentials refused at `connection_init` (`CloseCode.Forbidden`). */
  Forbidden = 4403,
  /** The gateway is shutting down. */
  GoingAway = 1001,
  /**
   * The peer stopped reading: its output waited `server.limits.maxStalledWriteMs` without
   * draining, or exceeded `server.limits.maxConnectionBufferBytes`.
   */
  SlowConsumer = 4008,
}

export interface GraphQLWsOptions {
  resolveViewer: ViewerResolver;
  /** Ping interval; a socket that misses a pong is dropped. @default 12000 */
  keepAliveMs?: number;
  /** The path served. @default /graphql */
  path?: string;
  /** Closes sockets whose peer stopped reading; given the WebSocket's own way to close. */
  watchdog?: ConnectionWatchdog;
}

export interface GraphQLWsServer {
  /** Sockets open now. */
  clients(): number;
  /** Ends every subscription and closes every socket with 1001. */
  close(): Promise<void>;
}

type ConnectionParams = ConnectionInitMessage['payload'];

/** The upgrade request's headers, plus (jwt mode only) a token from `connectionParams`. */
function headersOf(request: IncomingMessage, params: ConnectionParams, jwtMode: boolean): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  if (jwtMode && params && typeof params === 'object') {
    const nested = (params as { headers?: Record<string, unknown> }).headers;
    const raw = [params.authorization, params.Authorization, nested?.authorization, nested?.Authorization].find(
      (value): value is string => typeof value === 'string',
    );
    if (raw) headers.set('authorization', /^bearer /i.test(raw) ? raw : `Bearer ${raw}`);
  }
  return headers;
}

/** Attaches the graphql-ws endpoint to `server`. */
export function attachGraphQLWs(server: Server, yoga: GatewayYoga, gateway: Gateway, options: GraphQLWsOptions): GraphQLWsServer {
  // The WebSocket modules are loaded at the first upgrade request, not at start-up; until then
  // the listener below holds the upgrade, exactly as `new WebSocketServer({ server })` would.
  let endpoint: Promise<WsEndpoint> | undefined;
  let loaded: WsEndpoint | undefined;
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (isCrossSiteOrigin(request.headers.origin, request.headers.host, gateway.config.server.corsOrigins)) {
      const body = 'WebSocket upgrades from another site are refused: list its origin in server.corsOrigins\n';
      socket.end(`HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    endpoint ??= loadEndpoint(yoga, gateway, options).then((ready) => (loaded = ready));
    endpoint.then(
      ({ wsServer }) =>
        wsServer.handleUpgrade(request, socket, head, (ws) => {
          options.watchdog?.setCloser(socket as Socket, () => {
            ws.close(LiveCloseCode.SlowConsumer, 'the client stopped reading');
            // A peer that does not read will not take the close frame either.
            setTimeout(() => ws.terminate(), 1_000).unref();
          });
          quietClientFaults(ws, gateway.logger);
          wsServer.emit('connection', ws, request);
        }),
      () => socket.destroy(),
    );
  };
  server.on('upgrade', onUpgrade);
  return {
    clients: () => loaded?.wsServer.clients.size ?? 0,
    async close() {
      server.off('upgrade', onUpgrade);
      await (await endpoint?.catch(() => undefined))?.close();
    },
  };
}

/**
 * A frame the client got wrong (too large, bad opcode, bad UTF-8: `ws`'s `WS_ERR_*` codes) makes
 * `ws` emit 'error' and then close the socket itself with the matching code (1009 for a frame
 * over `maxBodyBytes`). graphql-ws would print such an 'error' to stderr with a stack as an
 * internal fault; it is the client's, so it is logged at warn and not passed on.
 */
function quietClientFaults(ws: WebSocket, logger: Gateway['logger']): void {
  const emit = ws.emit.bind(ws);
  ws.emit = ((event: string | symbol, ...args: unknown[]) => {
    const code = (args[0] as { code?: unknown } | undefined)?.code;
    if (event === 'error' && typeof code === 'string' && code.startsWith('WS_ERR_')) {
      logger.warn({ code }, 'WebSocket client sent a malformed or oversized frame: closed');
      return true;
    }
    return emit(event, ...args);
  }) as WebSocket['emit'];
}

interface WsEndpoint {
  wsServer: WebSocketServer;
  close(): Promise<void>;
}

/** The `ws` server (no HTTP server of its own: `attachGraphQLWs` hands it upgrades) running graphql-ws. */
async function loadEndpoint(yoga: GatewayYoga, gateway: Gateway, options: GraphQLWsOptions): Promise<WsEndpoint> {
  const [{ WebSocketServer }, { useServer }] = await Promise.all([import('ws'), import('graphql-ws/use/ws')]);
  const wsServer = new WebSocketServer({ noServer: true, path: options.path ?? '/graphql', maxPayload: gateway.config.server.limits.maxBodyBytes });
  const jwtMode = gateway.config.auth.mode === 'jwt';
  const viewers = new WeakMap<WebSocket, Viewer | null>();
  const expiryTimers = new WeakMap<WebSocket, () => void>();

  const disposable = useServer(
    {
      async onConnect(ctx) {
        const { request, socket } = ctx.extra;
        let viewer: Viewer | null;
        try {
          const headers = headersOf(request, ctx.connectionParams, jwtMode);
          viewer = await options.resolveViewer(new Request('http://gateway/graphql', { headers }), {
            address: request.socket.remoteAddress,
          });
        } catch {
          return false;
        }
        viewers.set(socket, viewer);
        const expires = viewer ? tokenExpiresAt(viewer) : undefined;
        if (expires !== undefined) {
          const left = expires - Date.now();
          if (left <= 0) return false;
          expiryTimers.set(socket, onTokenExpiry(expires, () => socket.close(LiveCloseCode.TokenExpired, 'token expired')));
        }
        return true;
      },
      async onSubscribe(ctx, _id, payload) {
        const { socket } = ctx.extra;
        // No `request` in the envelope: yoga's "mutations only over POST" check reads it, and
        // this socket passed the origin check that makes it as safe as a POST.
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          socket,
          params: payload,
          viewer: viewers.get(socket) ?? null,
        });
        try {
          const args: ExecutionArgs = {
            schema,
            operationName: payload.operationName,
            document: parse(payload.query),
            variableValues: payload.variables,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
          const errors = validate(args.schema, args.document);
          if (errors.length > 0) return errors;
          return args;
        } catch (error) {
          // Thrown here, graphql-ws would close the whole socket (4500).
          if (error instanceof GraphQLError) return [error];
          gateway.logger.error({ err: error }, 'graphql-ws operation failed before execution');
          return [new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
        }
      },
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => never }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => never }).subscribe(args),
      onClose(ctx) {
        expiryTimers.get(ctx.extra.socket)?.();
      },
    },
    wsServer,
    options.keepAliveMs ?? 12_000,
  );

  return {
    wsServer,
    async close() {
      for (const socket of wsServer.clients) socket.close(LiveCloseCode.GoingAway, 'server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
