/**
 * The config vocabulary of the `http` kind, as zod schemas: a source is data (requests, auth,
 * selection, mapping, paging, errors), never code. Every problem is reported at start with the
 * key that holds it, through the gateway's config validation (src/config/config.ts).
 * The README section "Plug in any chat API" is the reference of every key.
 */
import { z } from 'zod';
import { viewerAttributeSchema } from '../identity.js';
import { pathProblem } from './paths.js';
import { templateProblems } from './templates.js';
import { TIME_FORMATS } from './times.js';

/** A JMESPath expression, checked for syntax at start. */
export const pathSchema = z
  .string()
  .min(1)
  .superRefine((expression, ctx) => {
    const problem = pathProblem(expression);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a valid JMESPath expression: ${problem}` });
  });

/** A template (see templates.ts); its variables are checked by the source-level refinement. */
export const templateSchema = z.string();

/** Gateway codes an upstream answer may be mapped to. */
export const errorCodeSchema = z.enum([
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_UNAVAILABLE',
  'BAD_USER_INPUT',
]);
export type MappedErrorCode = z.infer<typeof errorCodeSchema>;

const timeFormatSchema = z.enum(TIME_FORMATS);

/** A time field: a path (ISO 8601) or `{ path, format }`. */
export const timeFieldSchema = z.union([
  pathSchema.transform((path) => ({ path, format: 'iso8601' as const })),
  z.object({ path: pathSchema, format: timeFormatSchema.default('iso8601') }).strict(),
]);
export type TimeField = z.output<typeof timeFieldSchema>;

/** An enum field: where the upstream value is and how its values map (case-insensitive). */
const enumFieldSchema = <T extends [string, ...string[]]>(values: T) =>
  z.union([
    pathSchema.transform((path) => ({ path, values: {} as Record<string, T[number]>, default: undefined as T[number] | undefined })),
    z
      .object({
        path: pathSchema,
        /** Upstream value → graph value, e.g. `{ ai: ASSISTANT }`. */
        values: z.record(z.string(), z.enum(values)).default({}),
        /** For values not in `values` (and a missing one). */
        default: z.enum(values).optional(),
      })
      .strict(),
  ]);

const ROLES = ['USER', 'ASSISTANT', 'AGENT', 'SYSTEM'] as const;
const SENDER_KINDS = ['USER', 'CONTACT', 'AGENT', 'BOT', 'SYSTEM'] as const;
const STATUSES = ['OPEN', 'PENDING', 'SNOOZED', 'RESOLVED'] as const;

/** Where the list is in a body: a path to an array, or a map plus an order list (`{ order, posts }`). */
export const selectSchema = z.union([
  pathSchema,
  z
    .object({
      /** Path to an object of items keyed by id. */
      map: pathSchema,
      /** Path to the array of keys giving their order. */
      order: pathSchema,
    })
    .strict(),
]);
export type Select = z.output<typeof selectSchema>;

/** How each `MessageRecord` field is read from one item (paths relative to the item). */
export const messageFieldsSchema = z
  .object({
    /** The upstream message id (unique in its conversation). */
    id: pathSchema,
    /** Creation time; also orders messages and anchors time windows. */
    createdAt: timeFieldSchema,
    text: pathSchema.optional(),
    /** Role; default values `user`, `assistant`/`ai`/`bot`, `agent`, `system` (else SYSTEM). */
    role: enumFieldSchema([...ROLES]).optional(),
    /** The conversation the message is in, when items carry it (default: the one read). */
    conversationId: pathSchema.optional(),
    senderId: pathSchema.optional(),
    senderName: pathSchema.optional(),
    /** Sender kind; default derived from the role (USER → USER, ASSISTANT → BOT, AGENT → AGENT, SYSTEM → SYSTEM). */
    senderKind: enumFieldSchema([...SENDER_KINDS]).optional(),
    /** A private note when the value is truthy. */
    private: pathSchema.optional(),
    /** Attachments: `path` to an array, other keys relative to each element. */
    attachments: z
      .object({
        path: pathSchema,
        id: pathSchema.optional(),
        url: pathSchema.optional(),
        name: pathSchema.optional(),
        type: pathSchema.optional(),
        mimeType: pathSchema.optional(),
        size: pathSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type MessageFields = z.output<typeof messageFieldsSchema>;

/** How each `ConversationRecord` field is read from one item. */
export const conversationFieldsSchema = z
  .object({
    id: pathSchema,
    title: pathSchema.optional(),
    status: enumFieldSchema([...STATUSES]).optional(),
    createdAt: timeFieldSchema.optional(),
    /** Last activity; orders the listing. */
    updatedAt: timeFieldSchema.optional(),
  })
  .strict();
export type ConversationFields = z.output<typeof conversationFieldsSchema>;

/** One HTTP request. Values are templates (templates.ts). */
export const requestSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    /** After `baseUrl`, e.g. `/threads/{conversation.id}/messages`. */
    path: templateSchema.refine((path) => path.startsWith('/'), 'must start with "/"'),
    query: z.record(z.string(), templateSchema).default({}),
    headers: z.record(z.string(), templateSchema).default({}),
    /** JSON body (writes): string leaves are templates; a leaf that is one variable keeps its type. */
    body: z.unknown().optional(),
  })
  .strict();
export type RequestConfig = z.output<typeof requestSchema>;

/** The paging strategies; see paging/ for each. */
export const PAGING_STRATEGIES = ['cursor', 'next-url', 'offset', 'page-number', 'id-window', 'time-window', 'none'] as const;
export type PagingStrategy = (typeof PAGING_STRATEGIES)[number];

/**
 * One way of walking a list: `backward` from the newest item to older ones, `forward` from the
 * oldest to newer ones (listings: `forward` only, in list order). Page variables: `page.limit`
 * always; `page.cursor` (cursor), `page.offset` (offset), `page.number` (page-number),
 * `page.anchor` (id-window: the id of the item to continue after; time-window: its time).
 */
export const directionSchema = z
  .object({
    /** Query parameters added to the endpoint's for this direction. */
    query: z.record(z.string(), templateSchema).default({}),
    headers: z.record(z.string(), templateSchema).default({}),
    /** The order of items inside one page as the upstream sends them. @default the direction's own */
    pageOrder: z.enum(['newest-first', 'oldest-first']).optional(),
    /** cursor: the next page's cursor in the body, e.g. `response_metadata.next_cursor`. */
    cursor: pathSchema.optional(),
    /** next-url: the next page's URL in the body (`links.next`), or `{ link: next }` for the `Link` header's rel. */
    nextUrl: z.union([pathSchema, z.object({ link: z.string().min(1) }).strict()]).optional(),
    /** Whether more pages follow (JMESPath truthiness); absent: the strategy's own end rule. */
    hasMore: pathSchema.optional(),
    /**
     * id-window/time-window: `page.anchor` of the first page, when the walk starts at its own end
     * and the upstream needs a bound anyway (e.g. `1970-01-01T00:00:00Z` for "after the start").
     */
    startAnchor: z.string().optional(),
  })
  .strict();
export type DirectionConfig = z.output<typeof directionSchema>;

export const pagingSchema = z
  .object({
    strategy: z.enum(PAGING_STRATEGIES),
    /** Largest `page.limit` the upstream accepts. @default 100 */
    maxPageSize: z.number().int().min(1).max(1000).default(100),
    /** The first page number (page-number). @default 1 */
    firstPage: z.number().int().min(0).default(1),
    /** Whether more pages follow, for both directions unless a direction says otherwise (JMESPath truthiness). */
    hasMore: pathSchema.optional(),
    /** time-window: the time format of `page.anchor`. @default the anchored field's format */
    anchorFormat: timeFormatSchema.optional(),
    backward: directionSchema.optional(),
    forward: directionSchema.optional(),
  })
  .strict();
export type PagingConfig = z.output<typeof pagingSchema>;

/** A list endpoint: request, where the items are, how they map, how it pages. */
const listEndpoint = <F extends z.ZodType>(fields: F) =>
  z
    .object({
      request: requestSchema,
      select: selectSchema,
      fields,
      paging: pagingSchema.default({ strategy: 'none', maxPageSize: 100, firstPage: 1 }),
    })
    .strict();

export const messagesEndpointSchema = listEndpoint(messageFieldsSchema);
export type MessagesEndpoint = z.output<typeof messagesEndpointSchema>;
export const conversationsEndpointSchema = listEndpoint(conversationFieldsSchema);
export type ConversationsEndpoint = z.output<typeof conversationsEndpointSchema>;

/** An endpoint answering one item: request, path to the item (default the body), mapping. */
const itemEndpoint = <F extends z.ZodType>(fields: F) =>
  z
    .object({
      request: requestSchema,
      /** Path to the item in the body. @default the whole body */
      select: pathSchema.optional(),
      /** @default the list endpoint's fields */
      fields: fields.optional(),
    })
    .strict();

export const conversationEndpointSchema = itemEndpoint(conversationFieldsSchema);
export const messageEndpointSchema = itemEndpoint(messageFieldsSchema);
export type ConversationEndpoint = z.output<typeof conversationEndpointSchema>;
export type MessageEndpoint = z.output<typeof messageEndpointSchema>;

/** How the gateway authenticates upstream. Secrets come from `${ENV}` and are never logged. */
export const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
  z.object({ type: z.literal('header'), name: z.string().regex(/^[A-Za-z0-9-]+$/), value: z.string().min(1) }).strict(),
  z.object({ type: z.literal('query'), name: z.string().min(1), value: z.string().min(1) }).strict(),
  z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }).strict(),
  /** The viewer's own bearer token (jwt mode); 401 → FORBIDDEN for the source, 403 → NOT_FOUND. */
  z
    .object({
      type: z.literal('forward'),
      header: z.string().regex(/^[A-Za-z0-9-]+$/).default('authorization'),
      scheme: z.string().default('Bearer'),
    })
    .strict(),
]);
export type AuthConfig = z.output<typeof authSchema>;

/** A condition on a body (any status, 200 too) that makes it an error. */
export const bodyErrorSchema = z
  .object({
    /** JMESPath, truthy = error, e.g. "ok == `false`", "result == 'error'". */
    when: pathSchema,
    /** @default UPSTREAM_ERROR */
    code: errorCodeSchema.default('UPSTREAM_ERROR'),
    /** Also check answers with an error status (before `status`); by default only 2xx answers are checked. @default false */
    anyStatus: z.boolean().default(false),
    /** Refines the code by a value of the body, e.g. `{ path: error, values: { channel_not_found: NOT_FOUND } }`. */
    codeFrom: z.object({ path: pathSchema, values: z.record(z.string(), errorCodeSchema) }).strict().optional(),
  })
  .strict();

export const errorsSchema = z
  .object({
    /** HTTP status → code, e.g. `{ 403: NOT_FOUND }`. Unlisted: 404 NOT_FOUND, 429 RATE_LIMITED, 5xx UPSTREAM_UNAVAILABLE, 401/403 and other 4xx UPSTREAM_ERROR. */
    status: z
      .record(z.string().regex(/^[1-5]\d\d$/, 'must be an HTTP status code'), errorCodeSchema)
      .default({}),
    /** Conditions on a body, checked in order on 2xx answers (and on error answers where `anyStatus`). */
    body: z.array(bodyErrorSchema).default([]),
    /** Where RATE_LIMITED finds how long to wait: the `Retry-After` header, else this body path. */
    retryAfter: z
      .object({ path: pathSchema, unit: z.enum(['seconds', 'ms']).default('seconds') })
      .strict()
      .optional(),
  })
  .strict()
  .default({ status: {}, body: [] });
export type ErrorsConfig = z.output<typeof errorsSchema>;

/** `sendMessage`: a write template (never retried) and where the created message is in the answer. */
export const sendEndpointSchema = z
  .object({
    request: requestSchema.extend({ method: z.enum(['POST', 'PUT', 'PATCH']).default('POST') }),
    /** Path to the created message (or a list of them). Absent: the send is acknowledged without messages. */
    select: pathSchema.optional(),
    /** @default the messages endpoint's fields */
    fields: messageFieldsSchema.optional(),
  })
  .strict();
export type SendEndpoint = z.output<typeof sendEndpointSchema>;

/** Kind-specific keys of an `http` source (merged with the common keys: id, baseUrl, time-outs …). */
export const httpConfigShape = {
  auth: authSchema.default({ type: 'none' }),
  /** Headers on every call (templates over `settings.*`), e.g. `{ OpenAI-Beta: assistants=v2 }`. */
  headers: z.record(z.string(), templateSchema).default({}),
  /** Free values the templates read as `{settings.<key>}`. */
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** The viewer attribute `{viewer.identity}` stands for. @default id */
  identity: viewerAttributeSchema.default('id'),
  /**
   * `per-viewer` (default): the upstream scopes reads to the viewer, so requests must carry the
   * viewer (a `{viewer.*}` variable or `auth.type: forward`). `shared`: every viewer reads every
   * conversation (an explicit opt-in for data that is not personal).
   */
  visibility: z.enum(['per-viewer', 'shared']).default('per-viewer'),
  /** A conversation's messages. Required. */
  messages: messagesEndpointSchema,
  /** Opens one conversation by id. Absent: a probe of its messages. */
  conversation: conversationEndpointSchema.optional(),
  /** Lists the viewer's conversations, most recently updated first. Absent: open by id only. */
  conversations: conversationsEndpointSchema.optional(),
  /** Opens one message by id (`{message.id}`); used to refetch a message. Absent: read from its page. */
  message: messageEndpointSchema.optional(),
  /** Sends a message as the viewer. Absent: no sendMessage. */
  send: sendEndpointSchema.optional(),
  errors: errorsSchema,
  /** Upstream calls one read may make walking a list that cannot start at an item. @default 20 */
  maxCallsPerRead: z.number().int().min(1).max(200).default(20),
  /** How long a replica remembers where in a list each item it served was, ms. @default 600000 */
  positionTtlMs: z.number().int().min(0).max(86_400_000).default(600_000),
};

/** A validated `http` source's own keys. */
export type HttpConfig = z.output<z.ZodObject<typeof httpConfigShape>>;
