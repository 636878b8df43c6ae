/**
 * Files sent with a Dify message: each uploaded with `POST /files/upload` as the viewer's `user`,
 * then named in `/chat-messages` `files[]` as `{ type, transfer_method: 'local_file',
 * upload_file_id }` (openapi_chat.en.json `uploadChatFile` and `ChatRequest.files`).
 *
 * The uploads run one after another and the message is sent only once all of them succeeded:
 * when one fails, nothing is sent and the send fails with that upload's error. Files uploaded
 * before the failure stay unused in Dify until its own clean-up removes them (the Service API
 * has no call to delete an upload). The app's own file rules (`GET /parameters` `file_upload`:
 * allowed types, how many) are left to Dify, which refuses a send that breaks them (400, read as
 * BAD_USER_INPUT by client.ts) and ignores the files when the app has file upload off.
 */
import type { RequestScope } from '../../upstream/request-scope.js';
import type { SendFile } from '../../core/records.js';
import type { DifyChatFile, DifyClient } from './client.js';

// Dify's extension lists (api/constants/__init__.py IMAGE_EXTENSIONS, VIDEO_EXTENSIONS,
// AUDIO_EXTENSIONS, DOCUMENT_EXTENSIONS), read first by api/factories/file_factory.py
// `_standardize_file_type`; a `type` that disagrees with them is refused under strict checking.
const BY_EXTENSION = new Map<string, string>([
  ...['jpg', 'jpeg', 'png', 'webp', 'gif', 'svg'].map((ext) => [ext, 'image'] as const),
  ...['mp4', 'mov', 'mpeg', 'webm'].map((ext) => [ext, 'video'] as const),
  ...['mp3', 'm4a', 'wav', 'amr', 'mpga'].map((ext) => [ext, 'audio'] as const),
  ...['txt', 'markdown', 'md', 'mdx', 'pdf', 'html', 'htm', 'xlsx', 'xls', 'vtt', 'properties', 'doc', 'docx', 'csv', 'eml', 'msg', 'pptx', 'ppt', 'xml', 'epub'].map(
    (ext) => [ext, 'document'] as const,
  ),
]);

/**
 * Dify's file type of an upload, as `_standardize_file_type` decides it: by extension, then by
 * MIME type (`image`, `video`, `audio` in it; `text` or `pdf` → `document`), else `custom`.
 */
export function difyFileType(name: string, mimeType: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  const byExtension = ext ? BY_EXTENSION.get(ext) : undefined;
  if (byExtension) return byExtension;
  for (const type of ['image', 'video', 'audio'] as const) if (mimeType.includes(type)) return type;
  if (mimeType.includes('text') || mimeType.includes('pdf')) return 'document';
  return 'custom';
}

/**
 * Uploads `files` in order as `user`; the first failure ends the uploads and is thrown.
 * @returns the `files[]` items for `/chat-messages`, in the same order
 * @throws GatewayError BAD_USER_INPUT (413 `file_too_large`, 415 `unsupported_file_type`),
 *   UPSTREAM_* as any write
 */
export async function uploadFiles(
  client: DifyClient,
  user: string,
  files: readonly SendFile[],
  scope?: RequestScope,
): Promise<DifyChatFile[]> {
  const uploaded: DifyChatFile[] = [];
  for (const file of files) {
    const uploadFileId = await client.uploadFile(user, file.data, file.name, scope);
    uploaded.push({ type: difyFileType(file.name, file.mimeType), uploadFileId });
  }
  return uploaded;
}
