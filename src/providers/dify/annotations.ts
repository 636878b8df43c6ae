/**
 * Dify annotations: the app's curated question-and-answer pairs (published spec
 * `openapi_chat.en.json`, tag Annotations; Dify's api/controllers/service_api/app/annotation.py
 * and api/services/annotation_service.py). They belong to the app, not to an end user: the
 * calls send no `user`, so every one of them is for the source's `adminRole` (config key of
 * index.ts, the role that reads `/app/feedbacks`; default `admin`) only, refused
 * before any upstream call exactly like `/app/feedbacks` (writes.ts `requireAdmin`).
 * Writes are never retried (the HTTP client's `send`). Dify answers an absent annotation 404
 * "Annotation not found." on PUT and DELETE, read here as NOT_FOUND of an annotation. PUT and
 * DELETE also carry Dify's `edit_permission_required`, checked on the workspace account behind
 * the app key: its 403 refuses the gateway, not the viewer, so it stays UPSTREAM_ERROR
 * (client.ts `mapDifyError`).
 */
import { isGatewayError, notFound } from '../../core/errors.js';
import type { AnnotationRecord, AnnotationText, NumberedPage, Viewer } from '../../core/records.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import { mapAnnotation, normalizeDifyId } from './mapping.js';
import { requireAdmin, type DifyWriteDeps } from './writes.js';

const MANAGE = "manage the app's annotations";

/** `ProviderAdapter.authorizeAnnotations`: the admin role check of every annotation call. @throws FORBIDDEN */
export function authorizeAnnotations(deps: DifyWriteDeps, viewer: Viewer): void {
  requireAdmin(deps, viewer, MANAGE);
}

/** Dify's 404 names no type the graph can trust; here it can only be the annotation. */
function asAnnotationNotFound(deps: DifyWriteDeps) {
  return (error: unknown): never => {
    if (isGatewayError(error) && error.code === 'NOT_FOUND') throw notFound('annotation', deps.sourceId);
    throw error;
  };
}

/** A Dify annotation id (a UUID, lower case); anything else names no annotation. @throws NOT_FOUND */
function annotationId(deps: DifyWriteDeps, externalId: string): string {
  const id = normalizeDifyId(externalId);
  if (!id) throw notFound('annotation', deps.sourceId);
  return id;
}

/**
 * `Source.annotations` → `GET /apps/annotations?page&limit&keyword`, newest first. `hasMore`
 * is Dify's `has_more`, which it computes as "the page is full" (a full last page says true):
 * callers that must be exact ask for one row more than they show.
 * @throws GatewayError FORBIDDEN for viewers without `adminRole`
 */
export async function listAnnotations(
  deps: DifyWriteDeps,
  viewer: Viewer,
  page: NumberedPage & { keyword: string | null },
  requestScope?: RequestScope,
): Promise<{ items: AnnotationRecord[]; hasMore: boolean; total: number | null }> {
  authorizeAnnotations(deps, viewer);
  const answer = await deps.client.annotations(page, requestScope);
  const rows = answer.data.slice(0, page.limit);
  return {
    items: rows.map(mapAnnotation),
    hasMore: answer.has_more ?? answer.data.length >= page.limit,
    total: answer.total ?? null,
  };
}

/** `createAnnotation` → `POST /apps/annotations` `{ question, answer }`. @throws FORBIDDEN */
export async function createAnnotation(
  deps: DifyWriteDeps,
  viewer: Viewer,
  text: AnnotationText,
  requestScope?: RequestScope,
): Promise<AnnotationRecord> {
  authorizeAnnotations(deps, viewer);
  return mapAnnotation(await deps.client.createAnnotation(text, requestScope));
}

/** `updateAnnotation` → `PUT /apps/annotations/{id}` `{ question, answer }`. @throws FORBIDDEN, NOT_FOUND */
export async function updateAnnotation(
  deps: DifyWriteDeps,
  viewer: Viewer,
  externalId: string,
  text: AnnotationText,
  requestScope?: RequestScope,
): Promise<AnnotationRecord> {
  authorizeAnnotations(deps, viewer);
  const id = annotationId(deps, externalId);
  const updated = await deps.client.updateAnnotation(id, text, requestScope).catch(asAnnotationNotFound(deps));
  return mapAnnotation(updated);
}

/** `deleteAnnotation` → `DELETE /apps/annotations/{id}` (204). @throws FORBIDDEN, NOT_FOUND (absent or deleted already) */
export async function deleteAnnotation(
  deps: DifyWriteDeps,
  viewer: Viewer,
  externalId: string,
  requestScope?: RequestScope,
): Promise<void> {
  authorizeAnnotations(deps, viewer);
  const id = annotationId(deps, externalId);
  await deps.client.deleteAnnotation(id, requestScope).catch(asAnnotationNotFound(deps));
}
