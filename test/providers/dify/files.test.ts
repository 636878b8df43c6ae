/**
 * Dify file types of uploads (src/providers/dify/files.ts) and the mapping of the upload
 * errors: `type` must agree with Dify's own `_standardize_file_type`, and a refused upload is
 * the viewer's input, not the gateway's fault.
 */
import { describe, expect, it } from 'vitest';
import { difyFileType } from '../../../src/providers/dify/files.js';
import { mapDifyError } from '../../../src/providers/dify/client.js';

describe('difyFileType', () => {
  it('decides by extension first, as Dify does', () => {
    expect(difyFileType('photo.PNG', 'application/octet-stream')).toBe('image');
    expect(difyFileType('clip.mov', 'application/octet-stream')).toBe('video');
    expect(difyFileType('voice.m4a', 'application/octet-stream')).toBe('audio');
    expect(difyFileType('terms.pdf', 'application/octet-stream')).toBe('document');
    expect(difyFileType('sheet.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe('document');
  });

  it('falls back to the MIME type, then to custom', () => {
    expect(difyFileType('scan', 'image/tiff')).toBe('image');
    expect(difyFileType('notes', 'text/plain')).toBe('document');
    expect(difyFileType('archive.zip', 'application/zip')).toBe('custom');
  });
});

describe('upload errors', () => {
  const answer = (status: number, code: string) => ({ status, body: { code, message: 'x', status }, headers: {} });

  it('maps file_too_large and unsupported_file_type to BAD_USER_INPUT naming a file', () => {
    expect(mapDifyError('assistant', answer(413, 'file_too_large'))).toMatchObject({ code: 'BAD_USER_INPUT', message: 'the file is too large for the source' });
    expect(mapDifyError('assistant', answer(415, 'unsupported_file_type'))).toMatchObject({ code: 'BAD_USER_INPUT', message: 'the source does not accept this file type' });
    expect(mapDifyError('assistant', answer(413, 'audio_too_large'))).toMatchObject({ code: 'BAD_USER_INPUT', message: 'the audio is too large for the source' });
    expect(mapDifyError('assistant', answer(415, 'unsupported_audio_type'))).toMatchObject({ code: 'BAD_USER_INPUT', message: 'the source does not accept this audio type' });
  });

  it("maps the app's file rules (400 invalid_param) to BAD_USER_INPUT, other 400s to UPSTREAM_ERROR", () => {
    const refused = (message: string) => mapDifyError('assistant', { status: 400, body: { code: 'invalid_param', message, status: 400 }, headers: {} });
    expect(refused('File validation failed for file: notes.txt')).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refused('Number of files exceeds the maximum limit 3')).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refused('Number of image files exceeds the maximum limit 1')).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refused('File validation failed for file: notes.txt')!.message).not.toContain('notes.txt');
    expect(refused('query is required')).toMatchObject({ code: 'UPSTREAM_ERROR' });
  });
});
