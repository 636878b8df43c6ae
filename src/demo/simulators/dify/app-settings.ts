/**
 * The simulated app's own description, as Dify stores it and its Service API shows it
 * (api/controllers/service_api/app/app.py `AppParameterApi`, `AppMetaApi`, `AppInfoApi`;
 * site.py `AppSiteApi`; shapes from `openapi_chat.en.json`): the start screen and feature
 * switches (`GET /parameters`), name and tags (`GET /info`), tool icons (`GET /meta`) and web
 * app settings (`GET /site`). None takes a `user`. The input form items carry Dify's
 * `VariableEntity` keys (api/core/app/app_config/entities.py), `max_length` included, which the
 * document leaves out (the form itself: app-form.ts).
 */
import type { SimulatorReply } from '../http-server.js';
import type { DifyCall } from './state.js';

/** The opening statement, also each new conversation's `introduction`. */
export const DIFY_OPENING_STATEMENT = "Hi! I'm the Brightdesk assistant. Ask me anything about setting up and running your help desk.";

/** `GET /parameters`. */
export function appParameters({ state }: DifyCall): SimulatorReply {
  return {
    status: 200,
    body: {
      opening_statement: DIFY_OPENING_STATEMENT,
      suggested_questions: ['How do I connect my support email?', 'What does the Growth plan include?', 'How do SLA policies work?'],
      suggested_questions_after_answer: { enabled: state.suggestedQuestions },
      speech_to_text: { enabled: true },
      text_to_speech: { enabled: true, voice: 'alloy', language: 'en-US', autoPlay: 'disabled' },
      retriever_resource: { enabled: true },
      annotation_reply: { enabled: false },
      more_like_this: { enabled: false },
      sensitive_word_avoidance: { enabled: false },
      user_input_form: state.inputForm,
      file_upload: { image: { enabled: true, number_limits: 3, detail: 'high', transfer_methods: ['remote_url', 'local_file'] } },
      system_parameters: {
        file_size_limit: 15,
        image_file_size_limit: 10,
        audio_file_size_limit: 50,
        video_file_size_limit: 100,
        workflow_file_upload_limit: 10,
      },
    },
  };
}

/** `GET /info`. */
export function appInfo(): SimulatorReply {
  return {
    status: 200,
    body: {
      name: 'Brightdesk Assistant',
      description: 'Answers questions about setting up and running Brightdesk, from the help center.',
      tags: ['support', 'help-center'],
      mode: 'advanced-chat',
      author_name: 'Brightdesk Support',
    },
  };
}

/** `GET /meta`: one tool with an image icon, one with an emoji. */
export function appMeta({ state }: DifyCall): SimulatorReply {
  return {
    status: 200,
    body: {
      tool_icons: {
        help_center_search: `${state.origin}/files/tools/help-center-search.svg`,
        ticket_stats: { background: '#FFEAD5', content: '📊' },
      },
    },
  };
}

/** `GET /site`; 403 `forbidden` for an app without a site (site.py: `if not site: raise Forbidden()`). */
export function appSite({ state }: DifyCall): SimulatorReply {
  if (!state.siteEnabled) {
    return {
      status: 403,
      body: { code: 'forbidden', message: "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.", status: 403 },
    };
  }
  return {
    status: 200,
    body: {
      title: 'Brightdesk Assistant',
      chat_color_theme: '#1C64F2',
      chat_color_theme_inverted: false,
      icon_type: 'emoji',
      icon: '🛟',
      icon_background: '#E0F2FE',
      icon_url: null,
      description: 'Ask anything about Brightdesk.',
      copyright: 'Brightdesk Inc.',
      privacy_policy: 'https://brightdesk.example/privacy',
      custom_disclaimer: 'Answers may be wrong; check the help center for billing questions.',
      default_language: 'en-US',
      show_workflow_steps: false,
      use_icon_as_answer_icon: true,
    },
  };
}
