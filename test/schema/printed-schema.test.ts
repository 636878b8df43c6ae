import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSchemaFile, printSubgraphSchemaFile } from '../../src/schema/print.js';

const checkedIn = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8');

describe('printed schemas (run `npm run print-schema` after a schema change)', () => {
  it('schema.graphql matches the API schema printed from the code', () => {
    expect(checkedIn('schema.graphql')).toBe(printSchemaFile());
  });

  it('subgraph.graphql matches the subgraph SDL printed from the code', () => {
    expect(checkedIn('subgraph.graphql')).toBe(printSubgraphSchemaFile());
  });

  it('keeps federation out of the client-facing schema and in the subgraph one', () => {
    const api = checkedIn('schema.graphql');
    const subgraph = checkedIn('subgraph.graphql');
    expect(api).not.toMatch(/_entities|_service|@key|@link/);
    expect(subgraph).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    for (const type of ['Conversation', 'Message', 'Source']) {
      expect(subgraph).toMatch(new RegExp(`type ${type} implements Node\\s+@key\\(fields: "id"\\)`));
    }
    expect(subgraph).toMatch(/type PageInfo\s+@shareable/);
    expect(subgraph).toMatch(/node\(id: ID!\): Node @shareable/);
    expect(subgraph).toMatch(/nodes\(ids: \[ID!\]!\): \[Node\]! @shareable/);
  });
});
