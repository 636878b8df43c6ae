/**
 * GraphQL Code Generator config (`npm run codegen`): typed documents (client preset) for the
 * operations in `test/operations/*.graphql`, generated from the checked-in `schema.graphql`
 * into `test/generated/`. Reads local files only, so it runs offline.
 * test/clients/codegen.test.ts fails when `test/generated/` is stale.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

/** Where the typed documents go (relative to the repository root). */
export const GENERATED_DIR = 'test/generated/';

/** The config, generating into `outputDir` (the freshness test uses another one). */
export function codegenConfig(outputDir: string = GENERATED_DIR): CodegenConfig {
  return {
    schema: 'schema.graphql',
    documents: ['test/operations/*.graphql'],
    ignoreNoDocuments: false,
    generates: {
      [outputDir]: {
        preset: 'client',
        presetConfig: { fragmentMasking: false },
        config: {
          // Matches the project's ESM with `.js` import suffixes.
          emitLegacyCommonJSImports: false,
          useTypeImports: true,
          enumsAsTypes: true,
          scalars: { DateTime: 'string', ID: 'string' },
        },
      },
    },
  };
}

export default codegenConfig();
