/**
 * `Source.app`: the app behind a source (Dify: `GET /parameters`, `/info`, `/meta`, `/site`),
 * what a chat screen shows before the first message. Null, without an error, for a source that
 * has no app description (a nullable field needs no NOT_SUPPORTED: "none" is an answer). Each
 * part is read only when selected, and fails on its own: an endpoint that fails nulls its field
 * with an error at that path while the other parts still answer. The adapter caches each part
 * per source (never per viewer) for the source's `appCacheTtlMs`.
 */
import type { AppInputFieldRecord, AppPart, AppParts } from '../core/app-records.js';
import type { SourceEntry } from '../providers/contract.js';
import { requireViewer, type GatewayContext } from './context.js';
import { builder } from './builder.js';
import { SourceObject } from './refs.js';

/** The parent of `App` fields: the source whose app it is. */
interface AppShape {
  source: SourceEntry;
}

/** Reads one part through the adapter, under the request's deadline and call budget. */
function part<P extends AppPart>(name: P) {
  return ({ source }: AppShape, _args: unknown, context: GatewayContext): Promise<AppParts[P]> =>
    source.adapter.app!(name, context.loaders.scope);
}

const AppInputKind = builder.enumType('AppInputKind', {
  description: "The kind of an input form field (Dify `user_input_form` keys); which of `AppInputField`'s settings apply.",
  values: {
    TEXT: { description: 'One line of text (`text-input`): `maxLength`.' },
    PARAGRAPH: { description: 'Several lines of text (`paragraph`): `maxLength`.' },
    SELECT: { description: 'One of `options` (`select`).' },
    NUMBER: { description: 'A number (`number`); a numeric string is accepted too.' },
    CHECKBOX: { description: 'A boolean (`checkbox`).' },
    FILE: { description: 'One uploaded file object (`file`): `allowedFileTypes`, `allowedFileExtensions`, `allowedUploadMethods`.' },
    FILE_LIST: { description: 'A list of file objects (`file-list`): `maxLength` is the most files.' },
    OTHER: { description: 'A kind this gateway does not know (see `upstreamKind`); the app checks it itself.' },
  } as const,
});

const AppInputField = builder.objectRef<AppInputFieldRecord>('AppInputField').implement({
  description:
    "One field of the app's input form: the variable `sendMessage`'s `inputs` sets when it starts a conversation. " +
    'One type for every kind (read `kind`); settings that do not apply to a kind are null.',
  fields: (t) => ({
    kind: t.field({ type: AppInputKind, resolve: (field) => field.kind }),
    upstreamKind: t.exposeString('upstreamKind', { description: "The backend's own name of the kind, e.g. Dify `text-input`." }),
    variable: t.exposeString('variable', { description: 'The key in `inputs`.' }),
    label: t.exposeString('label'),
    required: t.exposeBoolean('required', { description: 'Must be given (not null or empty) when a send starts a conversation.' }),
    maxLength: t.exposeInt('maxLength', { nullable: true, description: 'TEXT/PARAGRAPH: most characters; FILE_LIST: most files. Null: no limit.' }),
    options: t.exposeStringList('options', { nullable: true, description: 'SELECT: the allowed values.' }),
    defaultValue: t.field({ type: 'JSON', nullable: true, description: 'What the app uses when the field is left out.', resolve: (field) => field.defaultValue ?? null }),
    allowedFileTypes: t.exposeStringList('allowedFileTypes', { nullable: true, description: 'FILE/FILE_LIST: `image`, `document`, `audio`, `video`, `custom`.' }),
    allowedFileExtensions: t.exposeStringList('allowedFileExtensions', { nullable: true }),
    allowedUploadMethods: t.exposeStringList('allowedUploadMethods', { nullable: true, description: '`local_file`, `remote_url`.' }),
  }),
});

const AppFileUpload = builder.objectRef<NonNullable<AppParts['parameters']['fileUpload']>>('AppFileUpload').implement({
  description: 'Image upload rules of the chat (Dify `file_upload.image`).',
  fields: (t) => ({
    enabled: t.exposeBoolean('enabled'),
    numberLimit: t.exposeInt('numberLimit', { nullable: true, description: 'Most images per message.' }),
    detail: t.exposeString('detail', { nullable: true, description: 'Vision detail, `high` or `low`.' }),
    transferMethods: t.exposeStringList('transferMethods', { description: '`remote_url`, `local_file`.' }),
  }),
});

const AppUploadLimits = builder.objectRef<NonNullable<AppParts['parameters']['uploadLimits']>>('AppUploadLimits').implement({
  description: 'Upload size limits, megabytes (Dify `system_parameters`).',
  fields: (t) => ({
    fileSizeLimitMb: t.exposeInt('fileSizeLimitMb', { nullable: true }),
    imageFileSizeLimitMb: t.exposeInt('imageFileSizeLimitMb', { nullable: true }),
    audioFileSizeLimitMb: t.exposeInt('audioFileSizeLimitMb', { nullable: true }),
    videoFileSizeLimitMb: t.exposeInt('videoFileSizeLimitMb', { nullable: true }),
    workflowFileUploadLimit: t.exposeInt('workflowFileUploadLimit', { nullable: true, description: 'Most files per workflow upload.' }),
  }),
});

const AppTextToSpeech = builder.objectRef<NonNullable<AppParts['parameters']['textToSpeech']>>('AppTextToSpeech').implement({
  description: 'Reading answers aloud (`Message.audioUrl`).',
  fields: (t) => ({
    enabled: t.exposeBoolean('enabled'),
    voice: t.exposeString('voice', { nullable: true }),
    language: t.exposeString('language', { nullable: true }),
    autoPlay: t.exposeBoolean('autoPlay', { description: 'Play each answer as it arrives.' }),
  }),
});

const AppStartScreen = builder.objectRef<AppParts['parameters']>('AppStartScreen').implement({
  description: "What a new chat opens on, and the app's feature switches (Dify `GET /parameters`).",
  fields: (t) => ({
    openingStatement: t.exposeString('openingStatement', { nullable: true }),
    suggestedQuestions: t.exposeStringList('suggestedQuestions', { description: 'Questions to offer before the first message.' }),
    inputForm: t.field({ type: [AppInputField], description: 'The form whose values `sendMessage(input: { inputs })` takes.', resolve: (screen) => screen.inputForm }),
    fileUpload: t.field({ type: AppFileUpload, nullable: true, resolve: (screen) => screen.fileUpload }),
    uploadLimits: t.field({ type: AppUploadLimits, nullable: true, resolve: (screen) => screen.uploadLimits }),
    speechToText: t.exposeBoolean('speechToText', { description: '`transcribeAudio` is on.' }),
    textToSpeech: t.field({ type: AppTextToSpeech, nullable: true, resolve: (screen) => screen.textToSpeech }),
    suggestedQuestionsAfterAnswer: t.exposeBoolean('suggestedQuestionsAfterAnswer', { description: '`Message.suggestedQuestions` is on.' }),
    citations: t.exposeBoolean('retrieverResource', { description: 'Answers show their sources (`Message.citations`).' }),
  }),
});

const AppInfo = builder.objectRef<AppParts['info']>('AppInfo').implement({
  description: 'Name and description of the app (Dify `GET /info`).',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    tags: t.exposeStringList('tags'),
    mode: t.exposeString('mode', { nullable: true, description: 'Dify: `chat`, `agent-chat` or `advanced-chat` (chatflow).' }),
    authorName: t.exposeString('authorName', { nullable: true }),
  }),
});

const AppToolIcon = builder.objectRef<AppParts['toolIcons'][number]>('AppToolIcon').implement({
  description: 'The icon of a tool the app uses (agent thoughts name their tool): an image URL or an emoji on a background.',
  fields: (t) => ({
    tool: t.exposeString('tool'),
    url: t.exposeString('url', { nullable: true }),
    emoji: t.exposeString('emoji', { nullable: true }),
    background: t.exposeString('background', { nullable: true, description: 'A CSS colour behind the emoji.' }),
  }),
});

const AppSite = builder.objectRef<NonNullable<AppParts['site']>>('AppSite').implement({
  description: "The app's web app settings (Dify `GET /site`): title, icon, theme and legal texts.",
  fields: (t) => ({
    title: t.exposeString('title', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    iconType: t.exposeString('iconType', { nullable: true, description: '`emoji` or `image`.' }),
    icon: t.exposeString('icon', { nullable: true, description: 'The emoji, or the image id.' }),
    iconBackground: t.exposeString('iconBackground', { nullable: true }),
    iconUrl: t.exposeString('iconUrl', { nullable: true }),
    chatColorTheme: t.exposeString('chatColorTheme', { nullable: true }),
    chatColorThemeInverted: t.exposeBoolean('chatColorThemeInverted', { nullable: true }),
    copyright: t.exposeString('copyright', { nullable: true }),
    privacyPolicy: t.exposeString('privacyPolicy', { nullable: true, description: 'A URL.' }),
    customDisclaimer: t.exposeString('customDisclaimer', { nullable: true }),
    defaultLanguage: t.exposeString('defaultLanguage', { nullable: true }),
    showWorkflowSteps: t.exposeBoolean('showWorkflowSteps', { nullable: true }),
    useIconAsAnswerIcon: t.exposeBoolean('useIconAsAnswerIcon', { nullable: true }),
  }),
});

const AppObject = builder.objectRef<AppShape>('App').implement({
  description:
    'The app behind a source and its start screen. Each field is read from its own upstream endpoint only when selected; ' +
    'one that fails is null with an error at its path, the others still answer. Cached per source (`appCacheTtlMs`).',
  fields: (t) => ({
    startScreen: t.field({ type: AppStartScreen, nullable: true, description: 'Dify `GET /parameters`.', resolve: part('parameters') }),
    info: t.field({ type: AppInfo, nullable: true, description: 'Dify `GET /info`.', resolve: part('info') }),
    toolIcons: t.field({ type: [AppToolIcon], nullable: true, description: 'Dify `GET /meta`.', resolve: part('toolIcons') }),
    site: t.field({ type: AppSite, nullable: true, description: 'Dify `GET /site`; null (no error) when the app has no web app site.', resolve: part('site') }),
  }),
});

builder.objectField(SourceObject, 'app', (t) =>
  t.field({
    type: AppObject,
    nullable: true,
    description: 'The app behind the source and its start screen (Dify); null for a source that has none (Chatwoot, REST).',
    resolve: ({ source }, _args, context) => {
      requireViewer(context);
      return source.adapter.capabilities.app && source.adapter.app ? { source } : null;
    },
  }),
);
