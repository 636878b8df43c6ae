/**
 * graphql-ws over WebSocket on `/graphql` (same HTTP server, same schema and yoga plugins as
 * SSE and plain HTTP). Auth is the gateway's: in header mode the trusted proxy's headers on the
 * upgrade request (connection parameters cannot override them); in jwt mode a bearer token in
 * `connectionParams.authorization` (or `Authorization`, or the upgrade request's header),
 * verified at `connection_init`. A bad one closes with 4403; the token's `exp` later closes the
 * socket with `LiveCloseCode.TokenExpired`. Keep-alive is ws ping/pong every `keepAliveMs`.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { ConnectionInitMessage } from 'graphql-ws';
import type { ExecutionArgs } from 'graphql';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ViewerResolver } from '../auth/viewer.js';
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
}

export interface GraphQLWsOptions {
  resolveViewer: ViewerResolver;
  /** Ping interval; a socket that misses a pong is dropped. @default 12000 */
  keepAliveMs?: number;
  /** The path served. @default /graphql */
  path?: string;
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
    endpoint ??= loadEndpoint(yoga, gateway, options).then((ready) => (loaded = ready));
    endpoint.then(
      ({ wsServer }) => wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request)),
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
        const { socket, request } = ctx.extra;
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          request,
          socket,
          params: payload,
          viewer: viewers.get(socket) ?? null,
        });
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
