/**
 * Request-body limits once uploads exist. Ordinary GraphQL bodies stay capped at
 * `server.limits.maxBodyBytes`; only a multipart request (the GraphQL multipart request spec)
 * may be larger, and only for `transcribeAudio` and `sendMessage`: its files are capped at
 * `maxUploadBytes` each (and together, plus the envelope) while they stream in (the multipart
 * parser stops reading there), answered as HTTP 413 with `BAD_USER_INPUT`, and at
 * `maxUploadFiles` files (HTTP 400 `BAD_USER_INPUT`). A multipart request for any other
 * operation is refused.
 *
 * This plugin is the only body limit: yoga's own (`maxRequestBodySize`) is off, because it pipes
 * every body through a TransformStream even when `Content-Length` is declared, which cost a fifth
 * of the gateway's CPU per query. A declared length is checked here and the server never reads
 * past it; only a chunked body (no `Content-Length`) is counted as it streams.
 */
import { createFetch } from '@whatwg-node/fetch';
import { getOperationAST, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** Room for the multipart envelope (`operations`, `map`, part headers) on top of the file, bytes. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export interface UploadLimitOptions {
  /** Largest non-multipart body, bytes (`server.limits.maxBodyBytes`). */
  maxBodyBytes: number;
  /**
   * Largest upload (one file, or all files of a request together), bytes
   * (`server.limits.maxUploadBytes`). @default 15 MiB
   */
  maxUploadBytes: number;
  /** Files one request may upload (`server.limits.maxUploadFiles`). @default 5 */
  maxUploadFiles: number;
}

/** The Fetch API yoga should use: its multipart parser enforces the file cap while streaming. */
export function uploadFetchApi(options: UploadLimitOptions) {
  return createFetch({
    formDataLimits: {
      fileSize: options.maxUploadBytes,
      files: options.maxUploadFiles,
      fieldSize: options.maxBodyBytes,
      fields: 8,
      parts: 8 + options.maxUploadFiles,
    },
  });
}

/** The largest multipart body, bytes: the files (together at most `maxUploadBytes`) plus their envelope. */
export function overallBodyLimit(options: UploadLimitOptions): number {
  return Math.max(options.maxBodyBytes, options.maxUploadBytes + MULTIPART_OVERHEAD_BYTES);
}

// yoga's own code for an oversize body; an oversize upload is the viewer's input (BAD_USER_INPUT).
const tooLarge = (what: string, limit: number, code = 'REQUEST_ENTITY_TOO_LARGE') =>
  createGraphQLError(`${what} is larger than ${limit} bytes`, { extensions: { code, http: { status: 413 } } });

const isMultipart = (request: Request) => (request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');

// Only one non-negative integer is a valid Content-Length: anything else (a list, a sign, as in
// request-smuggling attempts) is refused rather than allowed to skip the check.
const CONTENT_LENGTH = /^\d+$/;

/**
 * `request` with its body counted as it streams: past `limit` bytes the read fails with `error`.
 * `RequestClass` builds the copy (the upload Fetch API's, whose multipart parser caps the file).
 */
function countedBody(request: Request, limit: number, error: () => Error, RequestClass: typeof Request = Request): Request {
  let read = 0;
  const limited = request.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > limit) controller.error(error());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new RequestClass(request.url, { method: request.method, headers: request.headers, body: limited, duplex: 'half' } as RequestInit);
}

/** The only root fields a multipart request may select: the mutations that take files. */
const UPLOAD_FIELDS: ReadonlySet<string> = new Set(['transcribeAudio', 'sendMessage']);

/**
 * Whether the operation that will run is a mutation whose root fields (through fragments and
 * aliases) are all mutations that take files (`UPLOAD_FIELDS`). Read from the parsed document,
 * not the query text: a comment, an alias or another operation's name must not pass for it. A
 * query that does not parse is false.
 */
function onlyUploadField(query: string | undefined, operationName: string | undefined): boolean {
  let document: DocumentNode;
  try {
    document = parse(query ?? '', { noLocation: true });
  } catch {
    return false;
  }
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'mutation') return false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fields: string[] = [];
  const seen = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (!fragment) fields.push(`...${selection.name.value}`);
        else collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return fields.length > 0 && fields.every((field) => UPLOAD_FIELDS.has(field) || field === '__typename');
}

export function useUploadLimits(options: UploadLimitOptions): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null && !CONTENT_LENGTH.test(declared)) {
        throw createGraphQLError('Content-Length header is invalid.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
      }
      if (requestParser == null) return;
      const original = requestParser;
      if (isMultipart(request)) {
        const limit = overallBodyLimit(options);
        if (declared !== null && Number(declared) > limit) throw tooLarge('the request body', limit);
        setRequestParser(async (req) => {
          try {
            // The copy is the upload Fetch API's Request: its multipart parser enforces the file cap.
            const copy =
              declared === null && req.body != null
                ? countedBody(req, limit, () => tooLarge('the request body', limit), fetchAPI.Request)
                : new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body: req.body, duplex: 'half' } as RequestInit);
            return await original(copy);
          } catch (error) {
            const code = (error as { extensions?: { code?: unknown } })?.extensions?.code;
            if (code === 'REQUEST_ENTITY_TOO_LARGE') throw tooLarge('the uploaded file', options.maxUploadBytes, 'BAD_USER_INPUT');
            if (/Files limit exceeded/.test((error as Error)?.message ?? '')) {
              throw createGraphQLError(`at most ${options.maxUploadFiles} files may be uploaded in one request`, {
                extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
              });
            }
            throw error;
          }
        });
        return;
      }
      if (declared !== null && Number(declared) > options.maxBodyBytes) {
        throw tooLarge('the request body', options.maxBodyBytes);
      }
      // A declared length was checked above (and the server never reads past it); only a
      // chunked body needs counting as it streams.
      if (declared !== null || request.body == null) return;
      setRequestParser((req) => original(countedBody(req, options.maxBodyBytes, () => tooLarge('the request body', options.maxBodyBytes))));
    },
    onParams({ request, params }) {
      if (isMultipart(request) && !onlyUploadField(params.query, params.operationName ?? undefined)) {
        throw createGraphQLError('file uploads are accepted by transcribeAudio and sendMessage only', {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      }
    },
  };
}
