import { describe, expect, it } from 'vitest';
import { mapDifyError } from '../../../src/providers/dify/client.js';
import { defaultError, type UpstreamErrorResponse } from '../../../src/upstream/responses.js';

function answer(status: number, body: unknown, headers: UpstreamErrorResponse['headers'] = {}): UpstreamErrorResponse {
  return { status, body, headers };
}

/** What the HTTP client throws: the Dify mapping, else the shared default. */
function mapped(response: UpstreamErrorResponse) {
  return mapDifyError('assistant', response) ?? defaultError('assistant', response);
}

describe('dify error bodies → gateway codes', () => {
  it('tells a stale cursor from a missing conversation although both are 404 not_found', () => {
    const stale = mapped(answer(404, { code: 'not_found', message: 'First Message Not Exists.', status: 404 }));
    expect(stale).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'assistant' });
    const staleList = mapped(answer(404, { code: 'not_found', message: 'Last Conversation Not Exists.', status: 404 }));
    expect(staleList).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'assistant' });
    const missing = mapped(answer(404, { code: 'not_found', message: 'Conversation Not Exists.', status: 404 }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', sourceId: 'assistant', message: 'conversation not found' });
  });

  it('maps 403 to UPSTREAM_ERROR with the Dify code kept for the warn log, never the upstream message', () => {
    const forbidden = mapped(answer(403, { code: 'forbidden', message: "The app's API service has been disabled.", status: 403 }));
    expect(forbidden).toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'assistant', status: 403, upstreamCode: 'forbidden', logLevel: 'warn' });
    expect(forbidden.message).toBe('source "assistant" refused the gateway\'s access (HTTP 403 forbidden)');
    const odd = mapped(answer(403, { code: 'Not A <code>', message: 'x', status: 403 }));
    expect(odd).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamCode: undefined, message: 'source "assistant" refused the gateway\'s access (HTTP 403)' });
  });

  it('maps the feature-off 403 of suggested questions to NOT_SUPPORTED', () => {
    const off = mapped(answer(403, { code: 'app_suggested_questions_after_answer_disabled', message: 'x', status: 403 }));
    expect(off).toMatchObject({ code: 'NOT_SUPPORTED', sourceId: 'assistant' });
  });

  it('maps rejected parameters (422 and 400 invalid_param) to UPSTREAM_ERROR without echoing the upstream message', () => {
    const body422 = { code: 'unprocessable_entity', message: '[{"type": "less_than_equal", "loc": ["limit"]}]', status: 422 };
    const error422 = mapped(answer(422, body422));
    expect(error422).toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'assistant', status: 422 });
    expect(error422.message).toBe('source "assistant" refused the request (HTTP 422 unprocessable_entity)');
    const error400 = mapped(answer(400, { code: 'invalid_param', message: 'Arg user must be provided.', status: 400 }));
    expect(error400).toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'assistant' });
    expect(error400.message).not.toContain('Arg user');
  });

  it('leaves 401, 429 and 5xx to the default mapping', () => {
    const unauthorized = answer(401, { code: 'unauthorized', message: 'Access token is invalid', status: 401 });
    expect(mapDifyError('assistant', unauthorized)).toBeUndefined();
    expect(mapped(unauthorized)).toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringContaining('rejected') });
    const limited = mapped(answer(429, { code: 'too_many_requests', message: 'x', status: 429 }, { 'retry-after': '7' }));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 7, sourceId: 'assistant' });
    expect(mapped(answer(500, { code: 'internal_server_error', message: 'x', status: 500 }))).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    expect(mapped(answer(502, '<html>Bad gateway</html>'))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
});
