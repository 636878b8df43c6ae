/**
 * zod schemas of the Dify app description endpoints and conversation variables, written from the
 * published OpenAPI (`openapi_chat.en.json`: `ChatAppParametersResponse`, `GET /info`,
 * `GET /meta`, `GET /site`, `GET /conversations/{id}/variables`) and Dify's source. Every field
 * is optional except what the gateway cannot do without (a variable's id and name): an app
 * configured without a feature leaves its key out.
 */
import { z } from 'zod';

const flag = z.looseObject({ enabled: z.boolean().nullish() }).nullish();
const strings = z.array(z.string()).nullish();

/**
 * The settings of one input form field. The document lists `label`, `variable`, `required`,
 * `default` and (select) `options`; Dify's `VariableEntity` (api/core/app/app_config/entities.py)
 * adds `max_length` and, for files, `allowed_file_types`, `allowed_file_extensions`,
 * `allowed_file_upload_methods`.
 */
export const difyInputFieldSchema = z.looseObject({
  label: z.string().nullish(),
  variable: z.string().min(1),
  required: z.boolean().nullish(),
  default: z.unknown().optional(),
  options: strings,
  max_length: z.number().nullish(),
  allowed_file_types: strings,
  allowed_file_extensions: strings,
  allowed_file_upload_methods: strings,
});
/** A parsed input form field's settings. */
export type DifyInputField = z.infer<typeof difyInputFieldSchema>;

/** `GET /parameters`: the app's start screen, feature switches and input form. */
export const difyParametersSchema = z.looseObject({
  opening_statement: z.string().nullish(),
  suggested_questions: strings,
  suggested_questions_after_answer: flag,
  speech_to_text: flag,
  text_to_speech: z
    .looseObject({ enabled: z.boolean().nullish(), voice: z.string().nullish(), language: z.string().nullish(), autoPlay: z.string().nullish() })
    .nullish(),
  retriever_resource: flag,
  /** Items are `{ "<kind>": settings }` with one key: `text-input`, `paragraph`, `select`, … */
  user_input_form: z.array(z.record(z.string(), z.unknown())).nullish(),
  file_upload: z
    .looseObject({
      image: z
        .looseObject({
          enabled: z.boolean().nullish(),
          number_limits: z.number().nullish(),
          detail: z.string().nullish(),
          transfer_methods: strings,
        })
        .nullish(),
    })
    .nullish(),
  /** Sizes in megabytes. */
  system_parameters: z
    .looseObject({
      file_size_limit: z.number().nullish(),
      image_file_size_limit: z.number().nullish(),
      audio_file_size_limit: z.number().nullish(),
      video_file_size_limit: z.number().nullish(),
      workflow_file_upload_limit: z.number().nullish(),
    })
    .nullish(),
});
/** A parsed `GET /parameters` answer. */
export type DifyParameters = z.infer<typeof difyParametersSchema>;

/** `GET /info`. */
export const difyInfoSchema = z.looseObject({
  name: z.string().nullish(),
  description: z.string().nullish(),
  tags: strings,
  mode: z.string().nullish(),
  author_name: z.string().nullish(),
});
/** A parsed `GET /info` answer. */
export type DifyInfo = z.infer<typeof difyInfoSchema>;

/** `GET /meta`: `tool_icons` maps a tool name to an icon URL or `{ background, content }` (an emoji). */
export const difyMetaSchema = z.looseObject({
  tool_icons: z
    .record(z.string(), z.union([z.string(), z.looseObject({ background: z.string().nullish(), content: z.string().nullish() })]))
    .nullish(),
});
/** A parsed `GET /meta` answer. */
export type DifyMeta = z.infer<typeof difyMetaSchema>;

/** `GET /site`. */
export const difySiteSchema = z.looseObject({
  title: z.string().nullish(),
  chat_color_theme: z.string().nullish(),
  chat_color_theme_inverted: z.boolean().nullish(),
  icon_type: z.string().nullish(),
  icon: z.string().nullish(),
  icon_background: z.string().nullish(),
  icon_url: z.string().nullish(),
  description: z.string().nullish(),
  copyright: z.string().nullish(),
  privacy_policy: z.string().nullish(),
  custom_disclaimer: z.string().nullish(),
  default_language: z.string().nullish(),
  show_workflow_steps: z.boolean().nullish(),
  use_icon_as_answer_icon: z.boolean().nullish(),
});
/** A parsed `GET /site` answer. */
export type DifySite = z.infer<typeof difySiteSchema>;

/**
 * One conversation variable. `value` is a string in the document ("a JSON string for complex
 * types"); anything else a build sends is kept as JSON text by the mapping. Timestamps in epoch
 * SECONDS.
 */
export const difyVariableSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  value_type: z.string().nullish(),
  value: z.unknown().optional(),
  description: z.string().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
});
/** A parsed conversation variable. */
export type DifyVariable = z.infer<typeof difyVariableSchema>;

/** `GET /conversations/{id}/variables`: oldest first; the next page via `last_id = data[-1].id`. */
export const difyVariablePageSchema = z.looseObject({
  limit: z.number().nullish(),
  has_more: z.boolean(),
  data: z.array(difyVariableSchema),
});
/** A parsed variables page. */
export type DifyVariablePage = z.infer<typeof difyVariablePageSchema>;
