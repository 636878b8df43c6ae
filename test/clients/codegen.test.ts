import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import { codegenConfig, GENERATED_DIR } from '../../codegen.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('test/generated (typed documents from codegen.ts)', () => {
  it('matches what `npm run codegen` generates from schema.graphql and test/operations', async () => {
    // Generated in memory with the same config, then compared file by file with the checked-in ones.
    const outputs: Array<{ filename: string; content: string }> = await generate({ ...codegenConfig(), cwd: root, silent: true }, false);
    const generated = Object.fromEntries(outputs.map((output) => [output.filename.replace(/^.*\//, ''), output.content]));
    expect(Object.keys(generated).sort()).toEqual(['gql.ts', 'graphql.ts', 'index.ts']);
    const onDisk = Object.fromEntries(
      readdirSync(`${root}${GENERATED_DIR}`).map((name) => [name, readFileSync(`${root}${GENERATED_DIR}${name}`, 'utf8')]),
    );
    expect(onDisk, 'test/generated is stale: run `npm run codegen`').toEqual(generated);
  });
});
