import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSchemaFile } from '../../src/schema/print.js';

describe('schema.graphql', () => {
  it('matches the schema printed from the code (run `npm run print-schema` after a schema change)', () => {
    const checkedIn = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(checkedIn).toBe(printSchemaFile());
  });
});
