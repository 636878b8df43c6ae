/**
 * A gateway on the real simulators for tests: the demo backends on loopback, a validated config
 * pointing at them (overridable), and the yoga server called in-process with `yoga.fetch`.
 */
import { createViewerResolver } from '../../src/auth/viewer.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import { createLogger } from '../../src/core/logger.js';
import type { Viewer } from '../../src/core/records.js';
import { createGatewayYoga, type GatewayYoga } from '../../src/yoga/yoga.js';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

export interface TestGateway {
  yoga: GatewayYoga;
  gateway: Gateway;
  backends: DemoBackends;
  /** POSTs one operation; `viewer` defaults to `demo-user` (pass null for no viewer headers). */
  query<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    viewer?: Partial<Viewer> | null,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /** Changes the config built for the simulators (e.g. short time-outs, extra sources). */
  configure?: (config: DemoBackends['config'] & Record<string, any>) => unknown;
  /** Requests without a viewer run as this one (demo mode behaviour). */
  defaultViewer?: Viewer;
}

/** Starts the simulators and a gateway on them. Call `close()` in `afterAll`. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const backends = await startDemoBackends();
  const raw = options.configure ? options.configure(structuredClone(backends.config)) : backends.config;
  const config = await validateConfig(raw);
  const gateway = await createGateway(config, createLogger('silent'));
  const yoga = createGatewayYoga(gateway, {
    resolveViewer: createViewerResolver({ auth: config.auth, defaultViewer: options.defaultViewer }),
  });
  return {
    yoga,
    gateway,
    backends,
    async query(query, variables, viewer = { id: 'demo-user' }) {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (viewer?.id !== undefined) headers['x-chat-user'] = viewer.id;
      if (viewer?.roles?.length) headers['x-chat-roles'] = viewer.roles.join(',');
      const response = await yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: response.status, ...body };
    },
    async close() {
      await gateway.close();
      await backends.close();
    },
  };
}
