/**
 * Pure mapping of Dify's app description and conversation variables to the records of
 * src/core/app-records.ts.
 */
import type {
  AppInfoRecord,
  AppInputFieldRecord,
  AppInputKind,
  AppParametersRecord,
  AppSiteRecord,
  AppToolIconRecord,
  ConversationVariableRecord,
} from '../../core/app-records.js';
import { difyInputFieldSchema, type DifyInfo, type DifyMeta, type DifyParameters, type DifySite, type DifyVariable } from './app-schemas.js';

/**
 * Dify's `VariableEntityType` values (api/core/app/app_config/entities.py) → the graph's kinds.
 * `external_data_tool` and kinds newer builds add are OTHER.
 */
const KINDS: Record<string, AppInputKind> = {
  'text-input': 'TEXT',
  paragraph: 'PARAGRAPH',
  select: 'SELECT',
  number: 'NUMBER',
  checkbox: 'CHECKBOX',
  file: 'FILE',
  'file-list': 'FILE_LIST',
};

/**
 * One `user_input_form` item (`{ "<kind>": settings }`) → a field, or null when it has no
 * variable name (nothing a send could set).
 */
export function mapInputField(item: Record<string, unknown>): AppInputFieldRecord | null {
  const [upstreamKind, raw] = Object.entries(item)[0] ?? [];
  if (upstreamKind === undefined) return null;
  const parsed = difyInputFieldSchema.safeParse(raw);
  if (!parsed.success) return null;
  const field = parsed.data;
  const kind = KINDS[upstreamKind] ?? 'OTHER';
  return {
    kind,
    upstreamKind,
    variable: field.variable,
    label: field.label ?? field.variable,
    required: field.required ?? false,
    // A limit of 0 is Dify's "none" (`if variable_entity.max_length and …`).
    maxLength: field.max_length && field.max_length > 0 ? field.max_length : null,
    options: kind === 'SELECT' ? (field.options ?? []) : null,
    // Dify's form keeps "" for a default nobody set.
    defaultValue: field.default === '' || field.default === undefined ? null : field.default,
    allowedFileTypes: field.allowed_file_types ?? null,
    allowedFileExtensions: field.allowed_file_extensions ?? null,
    allowedUploadMethods: field.allowed_file_upload_methods ?? null,
  };
}

/** `GET /parameters` → the start screen. */
export function mapParameters(answer: DifyParameters): AppParametersRecord {
  const image = answer.file_upload?.image;
  const limits = answer.system_parameters;
  const tts = answer.text_to_speech;
  return {
    openingStatement: answer.opening_statement || null,
    suggestedQuestions: (answer.suggested_questions ?? []).filter((question) => question.trim() !== ''),
    inputForm: (answer.user_input_form ?? []).map(mapInputField).filter((field): field is AppInputFieldRecord => field !== null),
    fileUpload: image
      ? {
          enabled: image.enabled ?? false,
          numberLimit: image.number_limits ?? null,
          detail: image.detail ?? null,
          transferMethods: image.transfer_methods ?? [],
        }
      : null,
    uploadLimits: limits
      ? {
          fileSizeLimitMb: limits.file_size_limit ?? null,
          imageFileSizeLimitMb: limits.image_file_size_limit ?? null,
          audioFileSizeLimitMb: limits.audio_file_size_limit ?? null,
          videoFileSizeLimitMb: limits.video_file_size_limit ?? null,
          workflowFileUploadLimit: limits.workflow_file_upload_limit ?? null,
        }
      : null,
    speechToText: answer.speech_to_text?.enabled ?? false,
    // The document: `autoPlay` is the string `enabled` or `disabled`.
    textToSpeech: tts
      ? { enabled: tts.enabled ?? false, voice: tts.voice || null, language: tts.language || null, autoPlay: tts.autoPlay === 'enabled' }
      : null,
    suggestedQuestionsAfterAnswer: answer.suggested_questions_after_answer?.enabled ?? false,
    retrieverResource: answer.retriever_resource?.enabled ?? false,
  };
}

/** `GET /info` → name and description. */
export function mapInfo(answer: DifyInfo): AppInfoRecord {
  return {
    name: answer.name ?? null,
    description: answer.description || null,
    tags: answer.tags ?? [],
    mode: answer.mode ?? null,
    authorName: answer.author_name ?? null,
  };
}

/** `GET /meta` → tool icons, by tool name. */
export function mapToolIcons(answer: DifyMeta): AppToolIconRecord[] {
  return Object.entries(answer.tool_icons ?? {}).map(([tool, icon]) =>
    typeof icon === 'string'
      ? { tool, url: icon, emoji: null, background: null }
      : { tool, url: null, emoji: icon.content ?? null, background: icon.background ?? null },
  );
}

/** `GET /site` → web app settings. */
export function mapSite(answer: DifySite): AppSiteRecord {
  return {
    title: answer.title ?? null,
    description: answer.description || null,
    iconType: answer.icon_type ?? null,
    icon: answer.icon ?? null,
    iconBackground: answer.icon_background ?? null,
    iconUrl: answer.icon_url ?? null,
    chatColorTheme: answer.chat_color_theme ?? null,
    chatColorThemeInverted: answer.chat_color_theme_inverted ?? null,
    copyright: answer.copyright || null,
    privacyPolicy: answer.privacy_policy || null,
    customDisclaimer: answer.custom_disclaimer || null,
    defaultLanguage: answer.default_language ?? null,
    showWorkflowSteps: answer.show_workflow_steps ?? null,
    useIconAsAnswerIcon: answer.use_icon_as_answer_icon ?? null,
  };
}

const epochSeconds = (value: number | null | undefined): Date | null => (typeof value === 'number' ? new Date(value * 1000) : null);

/** A conversation variable. A value that is not a string (some builds) is kept as JSON text. */
export function mapVariable(variable: DifyVariable): ConversationVariableRecord {
  const { value } = variable;
  return {
    externalId: variable.id,
    name: variable.name,
    valueType: variable.value_type ?? 'string',
    value: value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value),
    description: variable.description || null,
    createdAt: epochSeconds(variable.created_at),
    updatedAt: epochSeconds(variable.updated_at),
  };
}
