/**
 * Dify's audio endpoints (api/controllers/service_api/app/audio.py, api/services/audio_service.py):
 * - `POST /text-to-audio` `{message_id | text, user, voice, streaming}` answers WAV bytes
 *   (`audio/wav`; chunked in 16 KiB pieces with `streaming: true`). Like Dify, it looks `message_id` up across the whole app, **without**
 *   scoping it to `user`, and speaks that message's answer; an unknown id answers 404.
 * - `POST /audio-to-text` multipart `file` + `user` answers `{text}`: no file → 400
 *   `no_audio_uploaded`, over 30 MB → 413 `audio_too_large`, a type outside Dify's list → 415
 *   `unsupported_audio_type`. A WAV made by `/text-to-audio` is "heard" as the text it spoke.
 */
import type { SimulatorReply } from '../http-server.js';
import { cannedTranscript } from './answers.js';
import { findExchange, type DifyCall } from './state.js';
import { difyError, normalizeUuid, UUID } from './validation.js';
import { readWavComment, synthesizeWav } from './wav.js';

/** Dify's `FILE_SIZE_LIMIT` for speech-to-text: 30 MB. */
export const DIFY_AUDIO_MAX_BYTES = 30 * 1024 * 1024;
const STREAM_CHUNK_BYTES = 16 * 1024;
/** `ALLOWED_EXTENSIONS`, checked as `audio/<ext>` against the part's MIME type. */
const AUDIO_TYPES = ['mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'wav', 'webm', 'amr'].map((ext) => `audio/${ext}`);

/** `POST /text-to-audio`. */
export function textToAudio({ body, state }: DifyCall): SimulatorReply {
  let text = typeof body.text === 'string' ? body.text : '';
  const messageId = typeof body.message_id === 'string' ? body.message_id : '';
  if (messageId) {
    if (!UUID.test(messageId)) return difyError(400, 'invalid_param', `${messageId} is not a valid uuid.`);
    const found = findExchange(state, null, normalizeUuid(messageId));
    if (!found) return difyError(404, 'not_found', 'Message Not Exists.');
    text = found.exchange.answer;
  }
  if (text.trim() === '') return difyError(400, 'invalid_param', 'Text is required');
  const audio = synthesizeWav(text);
  if (body.streaming !== true) return { status: 200, body: audio, headers: { 'content-type': 'audio/wav' } };
  // `streaming: true`: chunked transfer, one piece at a time, as a TTS provider produces it.
  return {
    status: 200,
    headers: { 'content-type': 'audio/wav' },
    stream: async (response, closed) => {
      for (let offset = 0; offset < audio.length && !closed.aborted; offset += STREAM_CHUNK_BYTES) {
        response.write(audio.subarray(offset, offset + STREAM_CHUNK_BYTES));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

/**
 * `POST /audio-to-text`. The user comes from the form (Dify's `WhereisUserArg.FORM`), so this
 * handler reads it itself.
 */
export async function audioToText({ request }: DifyCall): Promise<SimulatorReply> {
  const contentType = request.headers['content-type'] ?? '';
  if (request.bodyTruncated || request.bodyBytes > DIFY_AUDIO_MAX_BYTES + 64 * 1024) {
    return difyError(413, 'audio_too_large', 'Audio size exceeded.');
  }
  let form: FormData;
  try {
    if (!/^multipart\/form-data/i.test(contentType)) throw new Error('not multipart');
    form = await new Response(new Uint8Array(request.raw), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return difyError(400, 'no_audio_uploaded', 'Please upload your audio.');
  }
  const user = form.get('user');
  if (typeof user !== 'string' || user.trim() === '') return difyError(400, 'invalid_param', 'Arg user must be provided.');
  const file = form.get('file');
  if (!file || typeof file === 'string') return difyError(400, 'no_audio_uploaded', 'Please upload your audio.');
  if (file.size > DIFY_AUDIO_MAX_BYTES) return difyError(413, 'audio_too_large', 'Audio size exceeded.');
  if (!AUDIO_TYPES.includes(file.type.split(';')[0]!.trim().toLowerCase())) {
    return difyError(415, 'unsupported_audio_type', 'Audio type not allowed.');
  }
  const audio = Buffer.from(await file.arrayBuffer());
  return { status: 200, body: { text: readWavComment(audio) ?? cannedTranscript(audio) } };
}
