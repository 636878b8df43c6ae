import { printSubgraphSchema } from '@apollo/subgraph';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { builder } from '../../src/schema/builder.js';
import { FEDERATION_LINK_URL, subgraphSchema } from '../../src/schema/federation.js';

describe('the subgraph schema', () => {
  it("is the one Pothos' toSubGraphSchema builds", () => {
    const pothos = builder.toSubGraphSchema({ linkUrl: FEDERATION_LINK_URL });
    expect(printSubgraphSchema(subgraphSchema)).toBe(printSubgraphSchema(pothos));
    expect(printSchema(subgraphSchema)).toBe(printSchema(pothos));
  });
});
