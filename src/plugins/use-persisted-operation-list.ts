/**
 * Persisted operations (config `server.persistedOperations`): an allow-list read once at start
 * from a JSON file, either `{ "<id>": "<document>" }` (Relay, GraphQL Codegen) or Apollo's
 * manifest `{ "format": "apollo-persisted-query-manifest", "operations": [{ "id", "body" }] }`.
 * Clients send the id as `documentId` or `extensions.persistedQuery.sha256Hash` (version 1).
 * With `only`, any operation sent as text is refused: a locked-down frontend can run exactly
 * the operations it was built with. Persisted documents still pass validation and the limits.
 */
import { readFileSync } from 'node:fs';
import { usePersistedOperations, defaultExtractPersistedOperationId } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import { ConfigError } from '../config/config.js';

export interface PersistedOperationListOptions {
  /** Absolute path of the allow-list file. */
  file: string;
  /** Refuse operations sent as text. @default false */
  only: boolean;
}

/**
 * Reads and checks an allow-list file.
 * @returns id → document text
 * @throws ConfigError when the file is unreadable, not JSON, or of neither shape
 */
export function readPersistedOperations(file: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
    throw new ConfigError(`server.persistedOperations: cannot read ${file} (${reason})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`server.persistedOperations: ${file} must hold an object of id → document`);
  }
  const manifest = (parsed as { operations?: unknown }).operations;
  const entries: Array<[unknown, unknown]> = Array.isArray(manifest)
    ? manifest.map((item: { id?: unknown; body?: unknown } | null) => [item?.id, item?.body])
    : Object.entries(parsed);
  const operations = new Map<string, string>();
  for (const [id, body] of entries) {
    if (typeof id !== 'string' || id.length === 0 || typeof body !== 'string' || body.length === 0) {
      throw new ConfigError(`server.persistedOperations: ${file} has an entry that is not a non-empty id and document`);
    }
    operations.set(id, body);
  }
  return operations;
}

/** Serves the allow-list; see the file comment. */
export function usePersistedOperationList(options: PersistedOperationListOptions): Plugin {
  const operations = readPersistedOperations(options.file);
  return usePersistedOperations({
    getPersistedOperation: (id) => operations.get(id) ?? null,
    allowArbitraryOperations: !options.only,
    extractPersistedOperationId: (params, request, context) => {
      const documentId = (params as { documentId?: unknown }).documentId;
      return typeof documentId === 'string' ? documentId : defaultExtractPersistedOperationId(params, request, context);
    },
    customErrors: {
      notFound: { message: 'persisted operation not found', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
      persistedQueryOnly: {
        message: 'only persisted operations are accepted: send documentId',
        extensions: { code: 'FORBIDDEN', http: { status: 403 } },
      },
      keyNotFound: {
        message: 'send a query or the id of a persisted operation',
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
      },
    },
  }) as Plugin;
}
