/**
 * Composes Federation v2 subgraphs into a supergraph SDL with `@theguild/federation-composition`
 * (the same rules as Apollo's composition), offline and without an account:
 *
 *   npx tsx scripts/compose-supergraph.ts \
 *     history=http://localhost:4000/graphql=subgraph.graphql \
 *     tickets=http://tickets.internal/graphql=../tickets/schema.graphql > supergraph.graphql
 *
 * Each argument is `name=routing URL=SDL file`. Prints the supergraph SDL to stdout; exit 1 with
 * the composition errors on stderr when the subgraphs do not compose.
 */
import { readFileSync } from 'node:fs';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse } from 'graphql';

/** One subgraph to compose: its name, the URL a gateway routes to, and its subgraph SDL. */
export interface SubgraphInput {
  name: string;
  url: string;
  sdl: string;
}

/**
 * Composes the subgraphs.
 * @returns the supergraph SDL (what Hive Gateway, Apollo Router or Cosmo read)
 * @throws Error listing every composition error when they do not compose
 */
export function composeSupergraph(subgraphs: readonly SubgraphInput[]): string {
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (compositionHasErrors(result)) {
    throw new Error(`composition failed:\n  ${result.errors.map((error) => error.message).join('\n  ')}`);
  }
  return result.supergraphSdl;
}

function main(args: string[]): void {
  const subgraphs = args.map((arg) => {
    const match = /^([A-Za-z][\w-]*)=(https?:\/\/[^=]+)=(.+)$/.exec(arg);
    if (!match) throw new Error(`expected name=url=file, got "${arg}"`);
    return { name: match[1]!, url: match[2]!, sdl: readFileSync(match[3]!, 'utf8') };
  });
  if (subgraphs.length === 0) throw new Error('usage: compose-supergraph name=url=file [name=url=file ...]');
  process.stdout.write(`${composeSupergraph(subgraphs)}\n`);
}

if (/compose-supergraph\.ts$/.test(process.argv[1] ?? '')) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
