/**
 * What a backend says about the app behind a source (Dify: its start screen) and about the
 * state an app keeps per conversation (Dify conversation variables), as plain records: no
 * upstream field names, no GraphQL. Adapters produce them; the schema layer shows them.
 */

/** The kinds of one field of an app's input form (Dify `user_input_form` keys). */
export type AppInputKind = 'TEXT' | 'PARAGRAPH' | 'SELECT' | 'NUMBER' | 'CHECKBOX' | 'FILE' | 'FILE_LIST' | 'OTHER';

/** One field of the app's input form: the variable a send's `inputs` sets. */
export interface AppInputFieldRecord {
  kind: AppInputKind;
  /** The backend's own kind name (e.g. Dify `text-input`), kept for `OTHER`. */
  upstreamKind: string;
  /** The key in `inputs`. */
  variable: string;
  label: string;
  required: boolean;
  /** TEXT/PARAGRAPH: longest value in characters; FILE_LIST: most files. Null: no limit. */
  maxLength: number | null;
  /** SELECT: the allowed values. Null for other kinds. */
  options: string[] | null;
  /** The value the app uses when the field is left out (any JSON), or null. */
  defaultValue: unknown;
  /** FILE/FILE_LIST: allowed file types (`image`, `document`, …), extensions and upload methods. */
  allowedFileTypes: string[] | null;
  allowedFileExtensions: string[] | null;
  allowedUploadMethods: string[] | null;
}

/** The image upload rules of a chat (Dify `file_upload.image`). */
export interface AppFileUploadRecord {
  enabled: boolean;
  /** Most images per message, or null when the app sets none. */
  numberLimit: number | null;
  /** `high` or `low` vision detail, as configured. */
  detail: string | null;
  /** `remote_url`, `local_file`. */
  transferMethods: string[];
}

/** Size limits of uploads, megabytes (Dify `system_parameters`). Null: not given. */
export interface AppUploadLimitsRecord {
  fileSizeLimitMb: number | null;
  imageFileSizeLimitMb: number | null;
  audioFileSizeLimitMb: number | null;
  videoFileSizeLimitMb: number | null;
  workflowFileUploadLimit: number | null;
}

/** The app's start screen and feature switches (Dify `GET /parameters`). */
export interface AppParametersRecord {
  openingStatement: string | null;
  suggestedQuestions: string[];
  inputForm: AppInputFieldRecord[];
  fileUpload: AppFileUploadRecord | null;
  uploadLimits: AppUploadLimitsRecord | null;
  speechToText: boolean;
  textToSpeech: { enabled: boolean; voice: string | null; language: string | null; autoPlay: boolean } | null;
  suggestedQuestionsAfterAnswer: boolean;
  retrieverResource: boolean;
}

/** Name and description of the app (Dify `GET /info`). */
export interface AppInfoRecord {
  name: string | null;
  description: string | null;
  tags: string[];
  /** e.g. `chat`, `agent-chat`, `advanced-chat`. */
  mode: string | null;
  authorName: string | null;
}

/** The icon of one tool the app uses (Dify `GET /meta` `tool_icons`): a URL or an emoji. */
export interface AppToolIconRecord {
  tool: string;
  url: string | null;
  emoji: string | null;
  background: string | null;
}

/** The app's web app settings (Dify `GET /site`). */
export interface AppSiteRecord {
  title: string | null;
  description: string | null;
  /** `emoji` or `image`. */
  iconType: string | null;
  icon: string | null;
  iconBackground: string | null;
  iconUrl: string | null;
  chatColorTheme: string | null;
  chatColorThemeInverted: boolean | null;
  copyright: string | null;
  privacyPolicy: string | null;
  customDisclaimer: string | null;
  defaultLanguage: string | null;
  showWorkflowSteps: boolean | null;
  useIconAsAnswerIcon: boolean | null;
}

/** The parts of an app's description, each read (and cached, and failing) on its own. */
export interface AppParts {
  parameters: AppParametersRecord;
  info: AppInfoRecord;
  toolIcons: AppToolIconRecord[];
  /** Null: the app has no web app site. */
  site: AppSiteRecord | null;
}

/** A part name of `AppParts`. */
export type AppPart = keyof AppParts;

/** One variable an app keeps for one conversation (Dify conversation variables). */
export interface ConversationVariableRecord {
  /** The backend's id of the variable. */
  externalId: string;
  name: string;
  /** e.g. `string`, `number`, `object`, `array[string]`. */
  valueType: string;
  /** The value as the backend shows it: a string, JSON text for structured types. */
  value: string | null;
  description: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** A page of conversation variables; `hasMore` = more after the last one. */
export interface ConversationVariableSlice {
  items: ConversationVariableRecord[];
  hasMore: boolean;
}
