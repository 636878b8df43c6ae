/**
 * The README's figures and examples, checked against what they describe: the operation-limit
 * figures against `scripts/operation-costs.ts`'s computation, and the upload (`curl`) and
 * graphql-ws snippets run as written (host and placeholders aside) against a demo-mode gateway.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFigure, missingFragments, operationFigures, readmeFigures } from '../scripts/lib/operation-figures.js';
import { startGateway } from '../src/cli.js';
import type { RunningServer } from '../src/server/server.js';
import { parse } from 'graphql';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
/** The README with its line breaks and indentation folded, as a sentence reads. */
const prose = readme.replace(/\s+/g, ' ');

/** The first fenced block of `language` whose text includes `marker`. */
function snippet(language: string, marker: string): string {
  for (const match of readme.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))) {
    if (match[1]!.includes(marker)) return match[1]!;
  }
  throw new Error(`no ${language} block with ${marker} in README.md`);
}

describe('README figures', () => {
  const figures = readmeFigures();

  it('quotes the operation costs scripts/operation-costs.ts computes', () => {
    const { graphiqlExample, heaviestTestOperation, graphQuery20x20, graphQuery100x100, unsizedNestedLists } = figures;
    expect(prose).toContain(`20 conversations × their last 20 messages costs ${formatFigure(graphQuery20x20.cost)}`);
    expect(prose).toContain(`The GraphiQL example costs ${formatFigure(graphiqlExample.cost)} (${graphiqlExample.tokens} tokens)`);
    expect(prose).toContain(`heaviest test operation (\`${heaviestTestOperation.file}\`) ${formatFigure(heaviestTestOperation.cost)}`);
    expect(prose).toContain(`20 conversations × 20 messages ${formatFigure(graphQuery20x20.cost)}, with 100 × 100 ${formatFigure(graphQuery100x100.cost)}`);
    expect(prose).toContain(`messages … } } }\`) ${formatFigure(unsizedNestedLists.cost)}`);
    expect(prose).toContain(`GraphiQL example has depth ${graphiqlExample.depth} and no aliases, the test operations at most depth ${figures.testOperationsMaxDepth}`);
    // "both refused at the default 500,000" stays true.
    expect(graphQuery100x100.cost).toBeGreaterThan(500_000);
    expect(unsizedNestedLists.cost).toBeGreaterThan(500_000);
    expect(graphiqlExample.aliases).toBe(0);
  });

  it('refuses a document whose fragments were not given instead of under-counting it', () => {
    const text = readFileSync(join(root, 'test/operations/recent-conversations.graphql'), 'utf8');
    expect(missingFragments(parse(text))).toEqual(['ConversationRow', 'MessageBubble']);
    expect(() => operationFigures(text)).toThrow('fragments ConversationRow, MessageBubble are used but not defined');
    const fragments = readFileSync(join(root, 'test/operations/fragments.graphql'), 'utf8');
    expect(operationFigures(`${text}\n${fragments}`).cost).toBe(figures.heaviestTestOperation.cost);
  });
});

describe('README examples against a demo-mode gateway', () => {
  let running: RunningServer;

  beforeAll(async () => {
    running = await startGateway({ configFile: undefined, port: 0, help: false }, { LOG_LEVEL: 'silent' });
  }, 30_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('runs the speech-to-text curl command as written, with the WAV file it names', async () => {
    const command = snippet('sh', 'transcribeAudio').split('\n# Read an answer aloud')[0]!.replaceAll('http://localhost:4000', running.url);
    expect(existsSync(join(root, 'docs/question.wav'))).toBe(true);
    const { stdout } = await promisify(execFile)('sh', ['-c', command], { cwd: root });
    const body = JSON.parse(stdout) as { data?: { transcribeAudio: { text: string } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data!.transcribeAudio.text).toBe('What are your opening hours?');
  });

  it('runs the send-with-a-file curl command as written; the stored message lists the file', async () => {
    const command = snippet('sh', 'variables.files.0').replaceAll('http://localhost:4000', running.url);
    const { stdout } = await promisify(execFile)('sh', ['-c', command], { cwd: root });
    const body = JSON.parse(stdout) as { data?: { sendMessage: { messages: Array<{ role: string; attachments: unknown[] }> } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const [user] = body.data!.sendMessage.messages;
    expect(user!.attachments).toEqual([expect.objectContaining({ name: 'graphiql.png', mimeType: 'image/png', size: readFileSync(join(root, 'docs/graphiql.png')).length })]);
  });

  it('runs the graphql-ws snippet as written on this Node version', { timeout: 30_000 }, async () => {
    const conversation = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ conversations(first: 1, sourceIds: ["support"]) { edges { node { id } } } }' }),
    });
    const conversationId = ((await conversation.json()) as any).data.conversations.edges[0].node.id as string;
    const code = snippet('ts', "from 'graphql-ws'").replace('wss://chat-gateway.example.com', running.url.replace('http:', 'ws:'));
    // The snippet's free names, as an application would define them.
    const prelude = [
      "const getToken = async () => 'unused in header mode';",
      `const conversationId = ${JSON.stringify(conversationId)};`,
      'const render = (message: unknown) => { console.log(JSON.stringify(message)); process.exit(0); };',
    ].join('\n');
    // Inside the repository, so that `graphql-ws` and `ws` resolve as in an application.
    const dir = join(root, 'node_modules', '.cache', 'readme-snippets');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'graphql-ws.mts');
    const [imports, body] = [code.slice(0, code.indexOf('\nconst client')), code.slice(code.indexOf('\nconst client'))];
    writeFileSync(file, `${imports}\n${prelude}\n${body}`);
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // A message arrives once the subscription is open: send until the snippet renders one.
      let sent = 0;
      const timer = setInterval(() => {
        void fetch(`${running.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user', 'x-chat-roles': 'agent' },
          body: JSON.stringify({
            query: 'mutation ($id: ID!, $text: String!) { sendMessage(input: { conversationId: $id, text: $text }) { messages { id } } }',
            variables: { id: conversationId, text: `from the README test ${++sent}` },
          }),
        });
      }, 500);
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no message rendered; output:\n${output}`)), 20_000));
      const code = await Promise.race([exited, timeout]).finally(() => clearInterval(timer));
      expect(output).toContain('from the README test');
      expect(code).toBe(0);
    } finally {
      child.kill();
    }
  });
});
