/**
 * Attachments of a Chatwoot message create, as Rails and Chatwoot take them: the body is
 * `multipart/form-data` with the message fields as text parts and one `attachments[]` part per
 * file (Rack turns `attachments[]` into a list; `Messages::MessageBuilder#process_attachments`
 * stores each, app/builders/messages/message_builder.rb). Each attachment's `file_type` comes
 * from its content type (app/helpers/file_type_helper.rb `file_type`), and a file over 40 MB is
 * refused by `Attachment#acceptable_file` (422).
 */
import type { LoggedRequest, SimulatorReply } from '../http-server.js';
import type { ScriptAttachment } from './fixture-scripts.js';

/** `Attachment::MAX_FILE_SIZE`-like cap of the simulator, bytes (40 MB). */
export const CHATWOOT_MAX_ATTACHMENT_BYTES = 40 * 1024 * 1024;

/** Rails' answer to a multipart body it cannot read. */
export const UNPROCESSABLE_FORM: SimulatorReply = { status: 422, body: { error: 'Invalid multipart body' } };

// FileTypeHelper: these exact image and video types; any `audio/`; the rest is `file`.
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/webp'];
const VIDEO_TYPES = ['video/ogg', 'video/mp4', 'video/webm', 'video/quicktime'];

/** Chatwoot's `file_type` for a content type. */
export function chatwootFileType(contentType: string): ScriptAttachment['fileType'] {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (IMAGE_TYPES.includes(type)) return 'image';
  if (VIDEO_TYPES.includes(type)) return 'video';
  if (type.includes('audio/')) return 'audio';
  return 'file';
}

export function isMultipart(request: LoggedRequest): boolean {
  return /^multipart\/form-data/i.test(request.headers['content-type'] ?? '');
}

/**
 * A multipart body as Rails params: text parts as strings, `attachments[]` as a list of
 * files (`attachments`). Null when the body does not parse.
 */
export async function formBody(request: LoggedRequest): Promise<Record<string, unknown> | null> {
  if (request.bodyTruncated) return null;
  try {
    const form = await new Response(new Uint8Array(request.raw), { headers: { 'content-type': request.headers['content-type']! } }).formData();
    const body: Record<string, unknown> = {};
    for (const [name, value] of form.entries()) if (typeof value === 'string' && !name.endsWith('[]')) body[name] = value;
    body.attachments = form.getAll('attachments[]').filter((value): value is File => typeof value !== 'string');
    return body;
  } catch {
    return null;
  }
}
