/**
 * Prints how many upstream calls each example operation makes on the built-in simulators, as
 * the demo viewer and as an agent (who sees a whole Chatwoot account), next to the call budget
 * (`server.limits.maxUpstreamCallsPerRequest`). Use it to size the budget for a frontend.
 *
 *   npx tsx scripts/upstream-calls.ts
 *
 * Counts come from the simulators' own request logs, so they include every retry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createViewerResolver } from '../src/auth/viewer.js';
import { validateConfig } from '../src/gateway/load-config.js';
import { startDemoBackends } from '../src/demo/demo.js';
import { createGateway } from '../src/gateway/gateway.js';
import { createLogger } from '../src/core/logger.js';
import { createGatewayYoga, EXAMPLE_OPERATION } from '../src/yoga/yoga.js';

const backends = await startDemoBackends();
const config = await validateConfig(backends.config);
const gateway = await createGateway(config, createLogger('silent'));
const yoga = createGatewayYoga(gateway, { resolveViewer: createViewerResolver({ auth: config.auth }) });
const simulators = Object.values(backends.simulators);
const upstreamCalls = () => simulators.reduce((sum, simulator) => sum + simulator.requests.length, 0);

async function run(query: string, variables: Record<string, unknown>, roles: string[]): Promise<{ calls: number; codes: string[] }> {
  const before = upstreamCalls();
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-chat-user': 'demo-user' };
  if (roles.length > 0) headers['x-chat-roles'] = roles.join(',');
  const response = await yoga.fetch('http://gateway.local/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return { calls: upstreamCalls() - before, codes: (body.errors ?? []).map((error) => error.extensions?.code ?? '?') };
}

/** The first 100 conversation ids of the merged list. */
async function hundredIds(): Promise<string[]> {
  const response = await yoga.fetch('http://gateway.local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user' },
    body: JSON.stringify({ query: '{ conversations(first: 100) { edges { node { id } } } }' }),
  });
  const body = (await response.json()) as { data: { conversations: { edges: Array<{ node: { id: string } }> } } };
  return body.data.conversations.edges.map((edge) => edge.node.id);
}

/** A conversation id of each source, from the merged list. */
async function sampleIds(): Promise<string[]> {
  const response = await yoga.fetch('http://gateway.local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user' },
    body: JSON.stringify({ query: '{ conversations(first: 30) { edges { node { id source { name } } } } }' }),
  });
  const body = (await response.json()) as { data: { conversations: { edges: Array<{ node: { id: string; source: { name: string } } }> } } };
  const bySource = new Map<string, string>();
  for (const { node } of body.data.conversations.edges) if (!bySource.has(node.source.name)) bySource.set(node.source.name, node.id);
  return [...bySource.values()];
}

const dir = new URL('../test/operations/', import.meta.url);
const fragments = readFileSync(new URL('fragments.graphql', dir), 'utf8');
/** The operation plus the fragments it spreads (an unused fragment fails validation). */
function withFragments(text: string): string {
  const used = fragments.split(/(?=^fragment )/m).filter((fragment) => {
    const name = /^fragment (\w+)/.exec(fragment)?.[1];
    return name !== undefined && text.includes(`...${name}`);
  });
  return [text, ...used].join('\n');
}
const documents = Object.fromEntries(
  readdirSync(dir)
    .filter((name) => name.endsWith('.graphql') && name !== 'fragments.graphql')
    .map((name) => [name, withFragments(readFileSync(new URL(name, dir), 'utf8'))]),
);
const ids = await sampleIds();
const cases: Array<[string, string, Record<string, unknown>, string?]> = [
  ['EXAMPLE_OPERATION (GraphiQL)', EXAMPLE_OPERATION, {}],
  ['RecentConversations (defaults)', documents['recent-conversations.graphql']!, {}],
  ['RecentConversations first 20, last 20', documents['recent-conversations.graphql']!, { first: 20, lastMessages: 20 }],
  ['ConversationsPage first 50', documents['conversations-page.graphql']!, { first: 50 }],
  ['ConversationsPage first 100', documents['conversations-page.graphql']!, { first: 100 }],
  ...ids.map((id, index): [string, string, Record<string, unknown>] => [
    `ConversationMessages last 20 (source ${index + 1})`,
    documents['conversation-messages.graphql']!,
    { id, last: 20 },
  ]),
  ['NodesByIds (one conversation per source)', documents['nodes.graphql']!, { ids }, 'NodesByIds'],
  ['NodesByIds (every listed conversation, ≤ 100)', documents['nodes.graphql']!, { ids: await hundredIds() }, 'NodesByIds'],
];

console.log(`call budget: ${config.server.limits.maxUpstreamCallsPerRequest} per request`);
console.log(['operation'.padEnd(44), 'viewer', ' agent', ' errors'].join(' '));
for (const [name, query, variables, operationName] of cases) {
  const text = operationName ? query.replace(/query NodeById[\s\S]*?(?=query NodesByIds)/, '') : query;
  const asViewer = await run(text, variables, []);
  const asAgent = await run(text, variables, ['agent']);
  const codes = [...new Set([...asViewer.codes, ...asAgent.codes])].join(',');
  console.log([name.padEnd(44), String(asViewer.calls).padStart(6), String(asAgent.calls).padStart(6), ` ${codes}`].join(' '));
}
await gateway.close();
await backends.close();
