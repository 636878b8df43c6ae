import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describe('viewer', () => {
  it('runs as the x-chat-user / x-chat-roles viewer', async () => {
    const { data } = await gateway.query(`{ viewer { externalId roles } }`, {}, { id: 'demo-user', roles: ['Agent', 'auditor'] });
    expect(data.viewer).toEqual({ externalId: 'demo-user', roles: ['agent', 'auditor'] });
  });

  it('refuses data without a viewer: UNAUTHENTICATED, HTTP 401, no data', async () => {
    const response = await gateway.query(`{ sources { name } }`, {}, null);
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers __typename and introspection without a viewer', async () => {
    const response = await gateway.query(`{ __typename __schema { queryType { name } } }`, {}, null);
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ __typename: 'Query', __schema: { queryType: { name: 'Query' } } });
  });

  it('refuses a blank x-chat-user', async () => {
    const response = await gateway.query(`{ viewer { externalId } }`, {}, { id: '   ' });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
