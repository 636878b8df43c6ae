/**
 * GraphQL over HTTP conformance: the `graphql-http` server audit suite against our yoga server
 * (in-process through `yoga.fetch`), in demo-like setup (requests without `x-chat-user` run as
 * the demo viewer). Every MUST and SHOULD audit is a test of its own; the MAY ones are reported
 * in a table and may only ever be notices.
 */
import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_VIEWER } from '../../src/demo/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway | undefined;

const audits = serverAudits({
  url: 'http://gateway.test/graphql',
  fetchFn: (input: string | URL | Request, init?: RequestInit) => {
    if (!gateway) throw new Error('gateway not started');
    return gateway.yoga.fetch(new Request(input, init));
  },
});
const results: Array<{ id: string; level: string; audit: string; status: string; reason: string }> = [];

beforeAll(async () => {
  gateway = await startTestGateway({ defaultViewer: DEMO_VIEWER });
});
afterAll(async () => {
  await gateway?.close();
  // The report: every audit that did not pass, MUST and SHOULD included should any ever fail.
  const notOk = results.filter((result) => result.status !== 'ok');
  console.table(notOk.length ? notOk : [{ result: `all ${results.length} audits run passed` }]);
});

async function run(audit: (typeof audits)[number]): Promise<AuditResult> {
  const result = await audit.fn();
  results.push({
    id: audit.id,
    level: audit.name.split(' ')[0]!,
    audit: audit.name,
    status: result.status,
    reason: result.status === 'ok' ? '' : result.reason,
  });
  return result;
}

const byLevel = (level: string) => audits.filter((audit) => audit.name.startsWith(`${level} `));

describe('graphql-http server audits', () => {
  it('covers the whole suite', () => {
    expect(byLevel('MUST').length).toBeGreaterThan(10);
    expect(byLevel('MUST').length + byLevel('SHOULD').length + byLevel('MAY').length).toBe(audits.length);
  });

  describe('MUST', () => {
    for (const audit of byLevel('MUST')) {
      it(`${audit.id} ${audit.name}`, async () => {
        const result = await run(audit);
        expect(result.status, result.status === 'ok' ? '' : result.reason).toBe('ok');
      });
    }
  });

  describe('SHOULD', () => {
    for (const audit of byLevel('SHOULD')) {
      it(`${audit.id} ${audit.name}`, async () => {
        const result = await run(audit);
        expect(result.status, result.status === 'ok' ? '' : result.reason).toBe('ok');
      });
    }
  });

  it('MAY audits: reported, never errors', async () => {
    const statuses = [];
    for (const audit of byLevel('MAY')) statuses.push((await run(audit)).status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 'ok' && status !== 'notice')).toEqual([]);
  });
});
