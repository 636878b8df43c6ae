/**
 * The files of a `sendMessage` (GraphQL multipart request) read into `SendFile`s: checked
 * against the upload limits that the multipart parser cannot apply (how many files one send
 * takes after the `map` is applied, which MIME types `server.limits.uploadMediaTypes` allows,
 * no empty file), named without any directory part, and digested for the idempotency
 * fingerprint. The size cap (`maxUploadBytes`) was applied while the body streamed in
 * (src/plugins/use-upload-limits.ts), so reading a file whole here is bounded.
 */
import { createHash } from 'node:crypto';
import { badInput } from '../core/errors.js';
import type { SendFile } from '../core/records.js';

/** What the checks read from `server.limits`. */
export interface SendFileLimits {
  /** Files one send may carry. */
  maxUploadFiles: number;
  /** Allowed MIME types: `type/subtype`, `type/*` or `*\/*`, lower case. */
  uploadMediaTypes: readonly string[];
}

/** The declared type of an upload: lower case, parameters dropped, octet-stream when absent. */
export function mediaTypeOf(file: Blob): string {
  const type = file.type.split(';')[0]!.trim().toLowerCase();
  return type === '' ? 'application/octet-stream' : type;
}

/** Whether `type` (lower case) matches one of `allowed` (`*\/*`, `image/*`, `application/pdf`). */
export function mediaTypeAllowed(type: string, allowed: readonly string[]): boolean {
  const family = type.split('/')[0];
  return allowed.some((pattern) => pattern === '*/*' || pattern === type || (pattern.endsWith('/*') && pattern.slice(0, -2) === family));
}

/**
 * A client's file name as the upstreams take it: the last path segment (Dify refuses `/` and
 * `\` in names with 400 `invalid_param`, api/controllers/service_api/app/file.py), control
 * characters dropped, at most 200 characters; `file` when nothing is left.
 */
export function uploadName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base === '' ? 'file' : base.slice(0, 200);
}

/**
 * Reads the files of one send.
 * @param files the `files` input (null or absent: none)
 * @throws GatewayError BAD_USER_INPUT: more than `maxUploadFiles`, a MIME type outside
 *   `uploadMediaTypes`, an empty file
 */
export async function readSendFiles(files: readonly Blob[] | null | undefined, limits: SendFileLimits): Promise<SendFile[]> {
  if (!files || files.length === 0) return [];
  // The parser caps the file parts; the `map` may still point one part at several list slots.
  if (files.length > limits.maxUploadFiles) throw badInput(`at most ${limits.maxUploadFiles} files may be sent with one message`);
  const read: SendFile[] = [];
  for (const [index, file] of files.entries()) {
    const name = uploadName((file as Blob & { name?: string }).name);
    const mimeType = mediaTypeOf(file);
    if (!mediaTypeAllowed(mimeType, limits.uploadMediaTypes)) {
      throw badInput(`files[${index}]: type ${mimeType.slice(0, 100)} is not accepted (allowed: ${limits.uploadMediaTypes.join(', ')})`);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.byteLength === 0) throw badInput(`files[${index}] is empty`);
    read.push({
      name,
      mimeType,
      size: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      // A platform Blob whatever class the multipart parser used: adapters hand it to FormData.
      data: new Blob([bytes], { type: mimeType }),
    });
  }
  return read;
}
