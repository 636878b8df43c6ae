/**
 * Dify's app description and conversation variables → records, on the published document's own
 * examples and on the keys Dify's `VariableEntity` adds (max_length, number, files).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { difyInfoSchema, difyParametersSchema, difyVariablePageSchema } from '../../../src/providers/dify/app-schemas.js';
import { mapInfo, mapInputField, mapParameters, mapToolIcons, mapVariable } from '../../../src/providers/dify/app-mapping.js';

const spec = JSON.parse(readFileSync(new URL('../../contracts/specs/dify/openapi_chat.en.json', import.meta.url), 'utf8'));
const example = (path: string) => Object.values(spec.paths[path].get.responses['200'].content['application/json'].examples as Record<string, { value: unknown }>)[0]!.value;

describe('Dify app mapping', () => {
  it("maps the document's /parameters example", () => {
    const record = mapParameters(difyParametersSchema.parse(example('/parameters')));
    expect(record).toEqual({
      openingStatement: 'Hello! How can I help you today?',
      suggestedQuestions: ['What can you do?', 'Tell me about your features.'],
      inputForm: [
        {
          kind: 'TEXT',
          upstreamKind: 'text-input',
          variable: 'city',
          label: 'City',
          required: true,
          maxLength: null,
          options: null,
          defaultValue: null,
          allowedFileTypes: null,
          allowedFileExtensions: null,
          allowedUploadMethods: null,
        },
      ],
      fileUpload: { enabled: true, numberLimit: 3, detail: 'high', transferMethods: ['remote_url', 'local_file'] },
      uploadLimits: { fileSizeLimitMb: 15, imageFileSizeLimitMb: 10, audioFileSizeLimitMb: 50, videoFileSizeLimitMb: 100, workflowFileUploadLimit: 10 },
      speechToText: false,
      textToSpeech: { enabled: false, voice: 'alloy', language: 'en-US', autoPlay: false },
      suggestedQuestionsAfterAnswer: true,
      retrieverResource: true,
    });
  });

  it('maps an app configured with nothing to empty defaults', () => {
    expect(mapParameters(difyParametersSchema.parse({}))).toMatchObject({
      openingStatement: null,
      suggestedQuestions: [],
      inputForm: [],
      fileUpload: null,
      speechToText: false,
      textToSpeech: null,
    });
  });

  it("maps the kinds and keys of Dify's VariableEntity, unknown kinds as OTHER", () => {
    expect(mapInputField({ select: { label: 'Plan', variable: 'plan', required: false, options: ['a', 'b'], default: 'a' } })).toMatchObject({
      kind: 'SELECT',
      options: ['a', 'b'],
      defaultValue: 'a',
    });
    expect(mapInputField({ paragraph: { label: 'Notes', variable: 'notes', max_length: 0 } })).toMatchObject({ kind: 'PARAGRAPH', maxLength: null, required: false });
    expect(mapInputField({ 'file-list': { label: 'Docs', variable: 'docs', max_length: 3, allowed_file_types: ['document'], allowed_file_upload_methods: ['local_file'] } })).toMatchObject({
      kind: 'FILE_LIST',
      maxLength: 3,
      allowedFileTypes: ['document'],
      allowedUploadMethods: ['local_file'],
    });
    expect(mapInputField({ external_data_tool: { label: 'Weather', variable: 'weather' } })).toMatchObject({ kind: 'OTHER', upstreamKind: 'external_data_tool' });
    expect(mapInputField({ 'text-input': { label: 'No variable' } })).toBeNull();
    expect(mapInputField({})).toBeNull();
  });

  it('maps /info, tool icons of both shapes, and variables', () => {
    expect(mapInfo(difyInfoSchema.parse({ name: 'App', description: '', tags: ['x'] }))).toEqual({ name: 'App', description: null, tags: ['x'], mode: null, authorName: null });
    expect(mapToolIcons({ tool_icons: { search: 'https://icons.example/search.svg', stats: { background: '#fff', content: '📊' } } })).toEqual([
      { tool: 'search', url: 'https://icons.example/search.svg', emoji: null, background: null },
      { tool: 'stats', url: null, emoji: '📊', background: '#fff' },
    ]);
    const page = difyVariablePageSchema.parse(example('/conversations/{conversation_id}/variables'));
    expect(page.data.map(mapVariable)).toEqual([
      {
        externalId: 'a1b2c3d4-5678-90ab-cdef-1234567890ab',
        name: 'user_preference',
        valueType: 'string',
        value: 'dark_mode',
        description: 'User preference setting',
        createdAt: new Date(1705407629 * 1000),
        updatedAt: new Date(1705411229 * 1000),
      },
    ]);
    expect(mapVariable({ id: 'v', name: 'n', value_type: 'number', value: 3 }).value).toBe('3');
  });
});
