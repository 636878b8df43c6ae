/**
 * Dify's file upload and the `files` of `/chat-messages`, as the Service API handles them
 * (openapi_chat.en.json `uploadChatFile`, `FileUploadResponse`, `ChatRequest.files`;
 * api/controllers/service_api/app/file.py, api/services/file_service.py,
 * api/factories/file_factory.py):
 * - `POST /files/upload` multipart `file` (+ `user`, default `DEFAULT-USER`) answers 201 with
 *   the upload; no file part → 400 `no_file_uploaded`, more than one → 400 `too_many_files`,
 *   no file name → 400 `filename_not_exists_error`, `/` or `\` in it → 400 `invalid_param`,
 *   over the size limit of its kind (image 10 MB, video 100 MB, audio 50 MB, other 15 MB:
 *   `UPLOAD_*_FILE_SIZE_LIMIT` defaults) → 413 `file_too_large`;
 * - `files[]` items `{type, transfer_method, upload_file_id | url}`: a `local_file` must name
 *   an upload of the same `user` (the spec: "a file can only be used later by requests
 *   carrying the same user value"), else 400 `invalid_param`; the message keeps each as a
 *   message file (`message_files` in `/messages`, `belongs_to: user`) with its own id;
 *   `remote_url` items are not simulated (400 `invalid_param`);
 * - the app's file upload settings (`fileUpload`): off, `files` are ignored (Dify builds no
 *   files without a file upload config, api/core/app/apps/chat/app_generator.py); a type the
 *   app does not take → 400 "File validation failed for file: <name>", more than its number
 *   limit → 400 "Number of files exceeds the maximum limit <n>" (file_factory.py).
 */
import { randomUUID } from 'node:crypto';
import type { SimulatorReply } from '../http-server.js';
import type { DifyFixtureFile } from './fixtures.js';
import { signedUrl } from './reads.js';
import type { DifyCall, DifyState } from './state.js';
import { difyError, seconds } from './validation.js';

const MB = 1024 * 1024;
const SIZE_LIMITS: Record<string, number> = { image: 10 * MB, video: 100 * MB, audio: 50 * MB };
const DEFAULT_SIZE_LIMIT = 15 * MB;
const FILE_TYPES = ['image', 'document', 'audio', 'video', 'custom'] as const;

/** The kind Dify sizes an upload by, from its MIME type. */
const kindOf = (mimeType: string) => (['image', 'video', 'audio'] as const).find((kind) => mimeType.startsWith(`${kind}/`)) ?? 'document';

/** `POST /files/upload`: reads `user` from the form itself, like `/audio-to-text`. */
export async function uploadFile({ request, state }: DifyCall): Promise<SimulatorReply> {
  const contentType = request.headers['content-type'] ?? '';
  if (request.bodyTruncated) return difyError(413, 'file_too_large', 'File size exceeded.');
  let form: FormData;
  try {
    if (!/^multipart\/form-data/i.test(contentType)) throw new Error('not multipart');
    form = await new Response(new Uint8Array(request.raw), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return difyError(400, 'no_file_uploaded', 'Please upload your file.');
  }
  const files = form.getAll('file');
  if (files.length === 0) return difyError(400, 'no_file_uploaded', 'Please upload your file.');
  if (files.length > 1) return difyError(400, 'too_many_files', 'Only one file is allowed.');
  const file = files[0]!;
  if (typeof file === 'string') return difyError(400, 'no_file_uploaded', 'Please upload your file.');
  if (!file.name) return difyError(400, 'filename_not_exists_error', 'The specified filename does not exist.');
  if (/[/\\]/.test(file.name)) return difyError(400, 'invalid_param', 'Filename contains invalid characters');
  const mimeType = file.type.split(';')[0]!.trim().toLowerCase() || 'application/octet-stream';
  if (file.size > (SIZE_LIMITS[kindOf(mimeType)] ?? DEFAULT_SIZE_LIMIT)) return difyError(413, 'file_too_large', 'File size exceeded.');
  const rawUser = form.get('user');
  const user = typeof rawUser === 'string' && rawUser.trim() !== '' ? rawUser.trim() : 'DEFAULT-USER';
  const extension = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  const upload = { id: randomUUID(), user, name: file.name, extension, mimeType, size: file.size, createdAtMs: state.now() };
  state.uploads.set(upload.id, upload);
  const createdAt = seconds(upload.createdAtMs);
  return {
    status: 201,
    body: {
      id: upload.id,
      name: upload.name,
      size: upload.size,
      extension: upload.extension || null,
      mime_type: upload.mimeType,
      created_by: null,
      created_at: createdAt,
      preview_url: null,
      source_url: signedUrl(state.origin, `/files/${upload.id}/file-preview`, upload.id, createdAt),
      original_url: null,
      user_id: null,
      tenant_id: null,
      conversation_id: null,
      file_key: null,
    },
  };
}

/**
 * The `files` of a `/chat-messages` body as the message files it stores, or an error reply.
 * Absent or empty → `[]`.
 */
export function chatFiles(state: DifyState, user: string, value: unknown): DifyFixtureFile[] | SimulatorReply {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return difyError(400, 'invalid_param', 'files must be a list');
  const settings = state.fileUpload;
  if (!settings.enabled) return [];
  const stored: DifyFixtureFile[] = [];
  for (const item of value as Array<Record<string, unknown> | null>) {
    const type = item?.type;
    if (typeof type !== 'string' || !(FILE_TYPES as readonly string[]).includes(type)) return difyError(400, 'invalid_param', 'Invalid file type');
    // `remote_url` is not simulated (the gateway sends uploads only).
    if (item!.transfer_method === 'local_file') {
      const upload = typeof item!.upload_file_id === 'string' ? state.uploads.get(item!.upload_file_id) : undefined;
      if (!upload || upload.user !== user) return difyError(400, 'invalid_param', 'Invalid upload file');
      if (settings.allowedFileTypes.length > 0 && !settings.allowedFileTypes.includes(type)) {
        return difyError(400, 'invalid_param', `File validation failed for file: ${upload.name}`);
      }
      stored.push({
        id: randomUUID(),
        filename: upload.name,
        type: type as DifyFixtureFile['type'],
        mimeType: upload.mimeType,
        size: upload.size,
        transferMethod: 'local_file',
        belongsTo: 'user',
        path: `/files/${upload.id}/file-preview`,
        uploadFileId: upload.id,
      });
    } else {
      return difyError(400, 'invalid_param', 'Invalid transfer method');
    }
  }
  if (stored.length > settings.numberLimits) {
    return difyError(400, 'invalid_param', `Number of files exceeds the maximum limit ${settings.numberLimits}`);
  }
  return stored;
}
