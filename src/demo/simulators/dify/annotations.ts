/**
 * The Dify simulator's annotations, the app's curated question-and-answer pairs, as Dify's
 * service API serves them (published spec `openapi_chat.en.json`, tag Annotations; Dify's
 * api/controllers/service_api/app/annotation.py and api/services/annotation_service.py).
 * They belong to the app: no call takes a `user`.
 * - `GET /apps/annotations?page&limit&keyword`: newest first (`created_at` desc, then `id`
 *   desc); `keyword` keeps rows whose question or answer contains it, any case (SQL `ILIKE`);
 *   `page`/`limit` are read like Flask's `args.get(type=int)` (a non-integer is the default,
 *   1 and 20) and paged like Flask-SQLAlchemy's `paginate(max_per_page=100)`: a page below 1 is
 *   page 1, a limit outside 1–100 is clamped. Answers `{data, has_more, limit, total, page}`
 *   where `has_more` is Dify's `len(data) == limit` (a full last page says true) and `limit` is
 *   the value asked.
 * - `POST /apps/annotations` `{question, answer}`: 201 with the new annotation (`hit_count` 0);
 *   a missing or non-string field is 400 `invalid_param`.
 * - `PUT /apps/annotations/{id}` `{question, answer}`: 200 with the annotation; an absent one is
 *   404 "Annotation not found.".
 * - `DELETE /apps/annotations/{id}`: 204 with no body; an absent one is 404.
 */
import type { SimulatorReply } from '../http-server.js';
import type { DifyCall } from './state.js';
import type { DifyFixtureAnnotation } from './annotation-fixtures.js';
import { difyError, seconds, uuidFrom } from './validation.js';

/** Dify's largest annotation page (`paginate(max_per_page=100)`). */
const MAX_PAGE = 100;
const ANNOTATION_NOT_FOUND = difyError(404, 'not_found', 'Annotation not found.');

/** The `AnnotationItem` JSON of one annotation. */
function annotationItem(annotation: DifyFixtureAnnotation) {
  return {
    id: annotation.id,
    question: annotation.question,
    answer: annotation.answer,
    hit_count: annotation.hitCount,
    created_at: seconds(annotation.createdAtMs),
  };
}

/** Flask's `request.args.get(name, default, type=int)`: a value that is not an integer is the default. */
function flaskInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  return raw !== null && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : fallback;
}

/** `GET /apps/annotations?page&limit&keyword`. */
export function listAnnotations({ request, state }: DifyCall): SimulatorReply {
  const page = Math.max(1, flaskInt(request.query, 'page', 1));
  const limit = flaskInt(request.query, 'limit', 20);
  const perPage = limit < 1 ? 20 : Math.min(limit, MAX_PAGE);
  const keyword = (request.query.get('keyword') ?? '').toLowerCase();
  const matching = state.annotations
    .filter((item) => !keyword || item.question.toLowerCase().includes(keyword) || item.answer.toLowerCase().includes(keyword))
    .sort((a, b) => b.createdAtMs - a.createdAtMs || b.id.localeCompare(a.id));
  const data = matching.slice((page - 1) * perPage, page * perPage).map(annotationItem);
  return { status: 200, body: { data, has_more: data.length === limit, limit, total: matching.length, page } };
}

/** The `{question, answer}` body, or the 400 Dify answers for it. */
function annotationText(body: Record<string, unknown>): { question: string; answer: string } | SimulatorReply {
  const { question, answer } = body;
  if (typeof question !== 'string' || typeof answer !== 'string') {
    return difyError(400, 'invalid_param', 'question and answer are required strings');
  }
  return { question, answer };
}

/** `POST /apps/annotations`. */
export function createAnnotation({ body, state }: DifyCall): SimulatorReply {
  const text = annotationText(body);
  if ('status' in text) return text;
  const createdAtMs = state.now();
  const annotation: DifyFixtureAnnotation = { id: uuidFrom(`annotation:new:${createdAtMs}`), ...text, hitCount: 0, createdAtMs };
  state.annotations.push(annotation);
  return { status: 201, body: annotationItem(annotation) };
}

/** `PUT /apps/annotations/{annotation_id}`. */
export function updateAnnotation({ params, body, state }: DifyCall): SimulatorReply {
  const text = annotationText(body);
  if ('status' in text) return text;
  const annotation = state.annotations.find((item) => item.id === params[0]);
  if (!annotation) return ANNOTATION_NOT_FOUND;
  Object.assign(annotation, text);
  return { status: 200, body: annotationItem(annotation) };
}

/** `DELETE /apps/annotations/{annotation_id}`. */
export function deleteAnnotation({ params, state }: DifyCall): SimulatorReply {
  const index = state.annotations.findIndex((item) => item.id === params[0]);
  if (index < 0) return ANNOTATION_NOT_FOUND;
  state.annotations.splice(index, 1);
  return { status: 204 };
}
