/**
 * The import layers of src/, checked by dependency-cruiser in `npm test`
 * (test/architecture.test.ts; by hand: `npx depcruise src`). docs/ARCHITECTURE.md explains them.
 *
 * Layers from top to bottom. A module may import its own layer and any layer below it, never
 * one above: the direction is
 *   entry → demo → server → yoga → plugins → observability → auth → schema → loaders → gateway
 *   → live → config → providers → upstream → core
 * Each layer's `why` becomes the comment of its rule and is printed with a violation.
 */
const LAYERS = [
  {
    name: 'entry',
    path: '^src/[^/]+\\.ts$',
    why: 'src/cli.ts, src/start.ts and src/demo-simulators.ts are the processes\' entry points: they wire every layer together, and nothing may import them back (the CLI loads start.ts on demand so --help stays fast).',
  },
  {
    name: 'demo',
    path: '^src/demo/',
    why: 'demo mode and its upstream simulators are started only by the entry points (and tests); a configured gateway never loads them, so no layer of the gateway may import them.',
  },
  {
    name: 'server',
    path: '^src/server/',
    why: 'the HTTP listener and the WebSocket transport own sockets and shutdown; everything below serves a request without knowing how it arrived.',
  },
  {
    name: 'yoga',
    path: '^src/yoga/',
    why: 'the yoga instance assembles plugins and schema into one server object; plugins and the schema must not depend on how they are assembled.',
  },
  {
    name: 'plugins',
    path: '^src/plugins/',
    why: 'yoga plugins (hardening, deadline, health, webhook and audio routes) wrap requests around the schema; the schema and the state below never call back into a plugin.',
  },
  {
    name: 'observability',
    path: '^src/observability/',
    why: 'metrics, access logs and tracing watch the layers below through their hooks and observers; nothing below may need them to work.',
  },
  {
    name: 'auth',
    path: '^src/auth/',
    why: 'viewer resolution (JWT, trusted headers) runs before the schema; the schema and below receive a Viewer and never authenticate.',
  },
  {
    name: 'schema',
    path: '^src/schema/',
    why: 'the GraphQL schema (types, resolvers, the request context) is the only layer that knows GraphQL; loaders, gateway, live and adapters never see it.',
  },
  {
    name: 'loaders',
    path: '^src/loaders/',
    why: 'per-request DataLoaders batch the schema\'s reads into adapter calls; they know sources, not GraphQL.',
  },
  {
    name: 'gateway',
    path: '^src/gateway/',
    why: 'the long-lived gateway state (sources, breakers, cache, live hub, readiness) is built from config at start; per-request layers above use it, the parts below are built by it.',
  },
  {
    name: 'live',
    path: '^src/live/',
    why: 'the live hub (pub/sub, feeds, pollers) fans adapter events out to subscriptions; it is given its sources and never reaches up to the gateway that built it.',
  },
  {
    name: 'config',
    path: '^src/config/',
    why: 'config validation is pure: it is given the registered provider kinds and returns a typed config; it loads no adapter and builds nothing.',
  },
  {
    name: 'providers',
    path: '^src/providers/',
    why: 'adapters translate one backend into records; they know HTTP through upstream/ and never see GraphQL, the gateway or config loading.',
  },
  {
    name: 'upstream',
    path: '^src/upstream/',
    why: 'the HTTP client (request scope, retries, breaker, observer) serves every adapter alike and knows no backend.',
  },
  {
    name: 'core',
    path: '^src/core/',
    why: 'the shared vocabulary (viewer, records, GatewayError, cache interface, global IDs, cursors, logger) that every layer speaks imports nothing of the app, so it can never be part of a circle.',
  },
];

// The top layer has nothing above it; every rule below names it, so nothing imports it back.
const upward = LAYERS.slice(1).map((layer, below) => ({
  name: `layer-${layer.name}`,
  severity: 'error',
  comment: `${layer.name} may import only itself and the layers below it: ${layer.why}`,
  from: { path: layer.path },
  to: { path: LAYERS.slice(0, below + 1).map((above) => above.path) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a circle makes load order matter (a module sees another half-initialised) and ties its members into one unit that can only change together.',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'no-adapter-to-adapter',
      severity: 'error',
      comment: 'each backend folder stands alone so that it can be added or removed by itself (a folder and its line in kinds.ts); shared adapter code lives in src/providers/*.ts.',
      from: { path: '^src/providers/([^/]+)/' },
      to: { path: '^src/providers/[^/]+/', pathNot: '^src/providers/$1/' },
    },
    {
      name: 'no-src-to-test-or-scripts',
      severity: 'error',
      comment: 'dist/ ships src/ only: code used by tests or scripts alone (the fault proxy) lives in test/ or scripts/, and src/ never imports it.',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type that runs upward couples the layers just the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
