/**
 * `createAnnotation`, `updateAnnotation` and `deleteAnnotation`: an app's curated
 * question-and-answer pairs (Dify `/apps/annotations`), for viewers with the source's admin
 * role (others FORBIDDEN, before any upstream call), NOT_SUPPORTED on other kinds. Each write is
 * sent once (never retried) and audited; `createAnnotation` takes an `idempotencyKey` like
 * `sendMessage` (idempotency.ts), while an update sets the same text again and a repeated
 * delete answers NOT_FOUND, as `deleteConversation` does.
 */
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import { globalIdOf } from '../core/global-id.js';
import { badInput } from '../core/errors.js';
import type { AnnotationRecord, AnnotationText } from '../core/records.js';
import type { ProviderAdapter, SourceEntry } from '../providers/contract.js';
import { builder } from './builder.js';
import { AnnotationEdge, annotationListScope } from './annotation.js';
import { fingerprint, idempotencyCacheKey, reserveWrite } from './idempotency.js';
import { offsetCursor } from './offset-connection.js';
import { AnnotationObject } from './refs.js';
import { MAX_IDEMPOTENCY_KEY } from './send-message.js';
import { annotationShape } from './shapes.js';
import { requireCapability, runWrite, sourceByIdOrName, sourceOf } from './write-support.js';

/** Longest annotation question, characters (it is what user questions are matched against). */
export const MAX_ANNOTATION_QUESTION = 4_000;
/** Longest annotation answer, characters (the same bound as a sent message). */
export const MAX_ANNOTATION_ANSWER = 32_000;

/** The question and answer of an input, checked. @throws GatewayError BAD_USER_INPUT (blank, too long) */
function annotationText(input: { question: string; answer: string }): AnnotationText {
  const { question, answer } = input;
  if (question.trim() === '' || answer.trim() === '') throw badInput('question and answer must not be blank');
  if (question.length > MAX_ANNOTATION_QUESTION) throw badInput(`question must be at most ${MAX_ANNOTATION_QUESTION} characters`);
  if (answer.length > MAX_ANNOTATION_ANSWER) throw badInput(`answer must be at most ${MAX_ANNOTATION_ANSWER} characters`);
  return { question, answer };
}

/** JSON form of a created annotation in the idempotency store (the date as ISO 8601). */
type StoredAnnotation = Omit<AnnotationRecord, 'createdAt'> & { createdAt: string | null };

/**
 * One `POST` of a new annotation, or the replay of the first result for the same
 * `idempotencyKey` (same viewer and source, within 24 h) without any upstream call.
 */
async function createOnce(
  context: GatewayContext,
  source: SourceEntry,
  adapter: ProviderAdapter,
  text: AnnotationText,
  idempotencyKey: string | null | undefined,
): Promise<AnnotationRecord> {
  const cacheKey = idempotencyCacheKey(source.id, requireViewer(context).id, idempotencyKey, 'annotation');
  const audit = { replayed: false };
  return runWrite(
    context,
    { operation: 'createAnnotation', sourceId: source.id, targetExternalId: null },
    async (viewer) => {
      const reservation = cacheKey
        ? await reserveWrite<AnnotationRecord, StoredAnnotation>(context, {
            cacheKey,
            sourceId: source.id,
            fingerprint: fingerprint([source.id, viewer.id, 'createAnnotation', text.question, text.answer]),
            authorizeReplay: () => adapter.authorizeAnnotations?.(viewer),
            toStored: (record) => ({ ...record, createdAt: record.createdAt?.toISOString() ?? null }),
            fromStored: (stored) => ({ ...stored, createdAt: stored.createdAt ? new Date(stored.createdAt) : null }),
          })
        : null;
      if (reservation?.kind === 'replay') {
        audit.replayed = true;
        return reservation.result;
      }
      let created: AnnotationRecord;
      try {
        created = await adapter.createAnnotation!(viewer, text, context.loaders.scope);
      } catch (error) {
        await reservation?.release();
        throw error;
      }
      await reservation?.commit(created);
      return created;
    },
    audit,
  );
}

builder.relayMutationField(
  'createAnnotation',
  {
    description: "Adds a question-and-answer pair to the app's annotations (Dify; the source's admin role only).",
    inputFields: (t) => ({
      sourceId: t.id({ required: true, description: 'The source (its ID or name).' }),
      question: t.string({ required: true }),
      answer: t.string({ required: true }),
      idempotencyKey: t.string({
        description:
          'A repeat with the same key (same viewer and source, within 24 h) returns the first annotation without creating another; the key reused for a different question or answer is BAD_USER_INPUT.',
      }),
    }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const source = sourceByIdOrName(context, String(input.sourceId));
      const text = annotationText(input);
      if (input.idempotencyKey != null && (input.idempotencyKey.length === 0 || input.idempotencyKey.length > MAX_IDEMPOTENCY_KEY)) {
        throw badInput(`idempotencyKey must be 1–${MAX_IDEMPOTENCY_KEY} characters`);
      }
      const adapter = requireCapability(source, 'createAnnotation', 'create annotations');
      const created = await createOnce(context, source, adapter, text, input.idempotencyKey);
      return { sourceId: source.id, record: created };
    },
  },
  {
    outputFields: (t) => ({
      annotation: t.field({
        type: AnnotationObject,
        nullable: true,
        description: 'The annotation as stored.',
        resolve: (payload) => annotationShape(payload.sourceId, payload.record),
      }),
      annotationEdge: t.field({
        type: AnnotationEdge,
        nullable: true,
        description:
          "The new annotation as the first edge of the source's unfiltered `annotations` (newest first), for Relay's `@prependEdge`; its cursor works as `after` there.",
        resolve: (payload, _args, context) => ({
          cursor: offsetCursor(context, annotationListScope(payload.sourceId, null), 0),
          node: annotationShape(payload.sourceId, payload.record),
        }),
      }),
    }),
  },
);

builder.relayMutationField(
  'updateAnnotation',
  {
    description: "Replaces an annotation's question and answer (Dify; the source's admin role only).",
    inputFields: (t) => ({
      annotationId: t.id({ required: true }),
      question: t.string({ required: true }),
      answer: t.string({ required: true }),
    }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const { source, ref } = sourceOf(context, String(input.annotationId), 'Annotation');
      const text = annotationText(input);
      const adapter = requireCapability(source, 'updateAnnotation', 'update annotations');
      const updated = await runWrite(context, { operation: 'updateAnnotation', sourceId: source.id, targetExternalId: ref.annotationId }, (viewer) =>
        adapter.updateAnnotation!(viewer, ref.annotationId, text, context.loaders.scope),
      );
      return { sourceId: source.id, record: updated };
    },
  },
  {
    outputFields: (t) => ({
      annotation: t.field({
        type: AnnotationObject,
        nullable: true,
        description: 'The annotation after the write.',
        resolve: (payload) => annotationShape(payload.sourceId, payload.record),
      }),
    }),
  },
);

builder.relayMutationField(
  'deleteAnnotation',
  {
    description: "Deletes an annotation (Dify; the source's admin role only). Deleting it again is NOT_FOUND.",
    inputFields: (t) => ({ annotationId: t.id({ required: true }) }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const { source, ref } = sourceOf(context, String(input.annotationId), 'Annotation');
      const adapter = requireCapability(source, 'deleteAnnotation', 'delete annotations');
      await runWrite(context, { operation: 'deleteAnnotation', sourceId: source.id, targetExternalId: ref.annotationId }, (viewer) =>
        adapter.deleteAnnotation!(viewer, ref.annotationId, context.loaders.scope),
      );
      return { deletedAnnotationId: globalIdOf(ref) };
    },
  },
  {
    outputFields: (t) => ({
      deletedAnnotationId: t.id({ nullable: true, resolve: (payload) => payload.deletedAnnotationId }),
    }),
  },
);
