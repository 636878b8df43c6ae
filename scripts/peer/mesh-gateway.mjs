/**
 * The peer of `npm run bench:peer`: GraphQL Mesh composing Dify's published OpenAPI document
 * (test/contracts/specs/dify/openapi_chat.en.json; test/contracts/README.md names its origin)
 * and Hive Gateway serving it, set up as its documentation shows and with nothing tuned. Plain JavaScript on bare Node, as a Mesh user would run it.
 *
 * Environment: `DIFY_BASE_URL` (the Dify prefix with `/v1`), `DIFY_API_KEY` (sent as
 * `Authorization: Bearer …`). Listens on a free loopback port and prints one line,
 * `listening http://127.0.0.1:<port>/graphql`, once it serves.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { getComposedSchemaFromConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const baseUrl = process.env.DIFY_BASE_URL;
if (!baseUrl || !process.env.DIFY_API_KEY) throw new Error('DIFY_BASE_URL and DIFY_API_KEY are required');

const quiet = { log() {}, info() {}, warn() {}, error: console.error, debug() {}, child: () => quiet };
const supergraph = await getComposedSchemaFromConfig(
  {
    subgraphs: [
      {
        sourceHandler: loadOpenAPISubgraph('Dify', {
          source: fileURLToPath(new URL('../../test/contracts/specs/dify/openapi_chat.en.json', import.meta.url)),
          // The document's server is a template (`https://{api_base_url}`): point it here.
          endpoint: baseUrl,
          operationHeaders: { Authorization: 'Bearer {env.DIFY_API_KEY}' },
        }),
      },
    ],
  },
  quiet,
);

const gateway = createGatewayRuntime({ supergraph, logging: 'error', graphiql: false, landingPage: false });
const server = createServer(gateway);
server.listen(0, '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`listening http://127.0.0.1:${port}/graphql\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
