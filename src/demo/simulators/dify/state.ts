/**
 * The mutable state one Dify simulator instance serves from: its conversations (seed data plus
 * every write), app settings, running streaming tasks and the stop calls it received.
 */
import type { LoggedRequest, SimulatorReply } from '../http-server.js';
import type { DifyFixtureConversation, DifyFixtureExchange } from './fixtures.js';

/** Options of `startDifySimulator`. Durations in milliseconds. */
export interface DifySimulatorOptions {
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  /**
   * The app's "suggested questions after answer" feature. Off → `/messages/{id}/suggested`
   * answers 403 `app_suggested_questions_after_answer_disabled`. @default true
   */
  suggestedQuestions?: boolean;
  /** Pause between two streamed events (`response_mode: streaming`). @default 25 */
  streamDelayMs?: number;
  /** How long a blocking `/chat-messages` "thinks" before answering. @default 0 */
  replyDelayMs?: number;
  /** The app's file upload settings (files.ts). @default on, any type, up to 10 files */
  fileUpload?: DifyFileUploadSettings;
}

/** An app's file upload settings (`/parameters` `file_upload`, as far as sends use them). */
export interface DifyFileUploadSettings {
  /** Off: `/chat-messages` ignores `files`, as Dify does without a file upload config. */
  enabled: boolean;
  /** Dify file types the app takes (`image`, `document`, …); empty: any. */
  allowedFileTypes: string[];
  numberLimits: number;
}

/** A `POST /chat-messages/{task_id}/stop` as received. */
export interface DifyStopCall {
  taskId: string;
  user: string;
  /** True when it ended a running task of that user (Dify answers success either way). */
  honoured: boolean;
}

/** A fault the next streaming send plays: an `error` event (HTTP stays 200) or a `message_replace`. */
export type DifyStreamFault =
  | { kind: 'error'; afterDeltas?: number; status?: number; code?: string; message?: string }
  | { kind: 'replace'; afterDeltas?: number; answer: string };

/** A streaming generation in progress. */
export interface DifyTask {
  id: string;
  user: string;
  stopped: boolean;
  /** Resolves when the answer is stored (complete, stopped or failed). */
  done: Promise<void>;
}

/** Everything the endpoint handlers share. */
export interface DifyState {
  conversations: DifyFixtureConversation[];
  /** The simulator's origin, for file URLs. */
  origin: string;
  suggestedQuestions: boolean;
  streamDelayMs: number;
  replyDelayMs: number;
  tasks: Map<string, DifyTask>;
  stopCalls: DifyStopCall[];
  streamFaults: DifyStreamFault[];
  /** Files uploaded with `POST /files/upload`, by id. */
  uploads: Map<string, DifyUpload>;
  fileUpload: DifyFileUploadSettings;
  /** Strictly increasing epoch ms, so new rows never tie (Dify pages with strict comparisons). */
  now(): number;
}

/** A file received by `POST /files/upload`; usable in `/chat-messages` `files` by its `user` only. */
export interface DifyUpload {
  id: string;
  user: string;
  name: string;
  extension: string;
  mimeType: string;
  /** Bytes. */
  size: number;
  createdAtMs: number;
}

/** One routed request: path parameters, the resolved `user`, and the JSON body as an object. */
export interface DifyCall {
  request: LoggedRequest;
  params: string[];
  user: string;
  body: Record<string, unknown>;
  state: DifyState;
}

/** An endpoint handler. */
export type DifyHandler = (call: DifyCall) => SimulatorReply | Promise<SimulatorReply>;

/** Creates the state over a fresh copy of the seed data. */
export function createDifyState(conversations: DifyFixtureConversation[], options: DifySimulatorOptions): DifyState {
  let last = 0;
  return {
    conversations,
    origin: '',
    suggestedQuestions: options.suggestedQuestions ?? true,
    streamDelayMs: options.streamDelayMs ?? 25,
    replyDelayMs: options.replyDelayMs ?? 0,
    tasks: new Map(),
    stopCalls: [],
    streamFaults: [],
    uploads: new Map(),
    fileUpload: options.fileUpload ?? { enabled: true, allowedFileTypes: [], numberLimits: 10 },
    now() {
      last = Math.max(Date.now(), last + 1);
      return last;
    },
  };
}

/** The user's own conversation with that id (Dify scopes every lookup to the end user). */
export function ownConversation(state: DifyState, user: string, id: string): DifyFixtureConversation | undefined {
  return state.conversations.find((item) => item.id === id && item.user === user);
}

/** A message (exchange) of one of the user's conversations, or of anyone's when `user` is null. */
export function findExchange(
  state: DifyState,
  user: string | null,
  id: string,
): { conversation: DifyFixtureConversation; exchange: DifyFixtureExchange } | undefined {
  for (const conversation of state.conversations) {
    if (user !== null && conversation.user !== user) continue;
    const exchange = conversation.exchanges.find((item) => item.id === id);
    if (exchange) return { conversation, exchange };
  }
  return undefined;
}
