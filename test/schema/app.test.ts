/**
 * `Source.app` through GraphQL over the Dify simulator: the start screen typed (input form
 * kinds, options, max lengths), name, tool icons and web app settings; null for sources without
 * an app; one failing endpoint nulls only its own field; cached per source, not per viewer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DifySimulator } from '../../src/demo/simulators/dify/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const APP = `{ source(name: "assistant") { app {
  startScreen { openingStatement suggestedQuestions speechToText suggestedQuestionsAfterAnswer citations
    inputForm { kind upstreamKind variable label required maxLength options defaultValue }
    fileUpload { enabled numberLimit detail transferMethods }
    uploadLimits { fileSizeLimitMb imageFileSizeLimitMb }
    textToSpeech { enabled voice language autoPlay } }
  info { name description tags mode authorName }
  toolIcons { tool url emoji background }
  site { title description iconType icon iconBackground privacyPolicy useIconAsAnswerIcon } } } }`;

let gw: TestGateway;
let dify: DifySimulator;
const calls = (path: string) => dify.calls('GET', `/v1${path}`);

beforeAll(async () => {
  gw = await startTestGateway();
  dify = gw.backends.simulators.assistant as DifySimulator;
});
afterAll(() => gw.close());

describe('Source.app', () => {
  it('answers the other parts when one endpoint fails, with the error at that path', async () => {
    // More failures than the client's retries of a read.
    dify.injectFailure({ status: 503, body: { code: 'internal_server_error', message: 'down', status: 503 } }, 5, { path: '/v1/site' });
    const answer = await gw.query(APP);
    expect(answer.data.source.app.site).toBeNull();
    expect(answer.data.source.app.info.name).toBe('Brightdesk Assistant');
    expect(answer.data.source.app.startScreen.openingStatement).toMatch(/Brightdesk assistant/);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.path).toEqual(['source', 'app', 'site']);
    expect(answer.errors![0]!.extensions!.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('shows the start screen, the typed input form, name, tool icons and site', async () => {
    const answer = await gw.query(APP);
    expect(answer.errors).toBeUndefined();
    const { startScreen, info, toolIcons, site } = answer.data.source.app;
    expect(startScreen.suggestedQuestions).toHaveLength(3);
    expect(startScreen).toMatchObject({ speechToText: true, suggestedQuestionsAfterAnswer: true, citations: true });
    expect(startScreen.inputForm).toEqual([
      { kind: 'TEXT', upstreamKind: 'text-input', variable: 'company', label: 'Company', required: false, maxLength: 48, options: null, defaultValue: null },
      {
        kind: 'SELECT',
        upstreamKind: 'select',
        variable: 'plan_interest',
        label: 'Plan of interest',
        required: false,
        maxLength: null,
        options: ['starter', 'growth', 'enterprise'],
        defaultValue: null,
      },
      { kind: 'NUMBER', upstreamKind: 'number', variable: 'team_size', label: 'Team size', required: false, maxLength: null, options: null, defaultValue: null },
      {
        kind: 'PARAGRAPH',
        upstreamKind: 'paragraph',
        variable: 'context',
        label: 'Anything we should know?',
        required: false,
        maxLength: 1000,
        options: null,
        defaultValue: null,
      },
    ]);
    expect(startScreen.fileUpload).toEqual({ enabled: true, numberLimit: 3, detail: 'high', transferMethods: ['remote_url', 'local_file'] });
    expect(startScreen.uploadLimits).toEqual({ fileSizeLimitMb: 15, imageFileSizeLimitMb: 10 });
    expect(startScreen.textToSpeech).toEqual({ enabled: true, voice: 'alloy', language: 'en-US', autoPlay: false });
    expect(info).toMatchObject({ name: 'Brightdesk Assistant', tags: ['support', 'help-center'], mode: 'advanced-chat' });
    expect(toolIcons).toEqual([
      { tool: 'help_center_search', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/tools\//), emoji: null, background: null },
      { tool: 'ticket_stats', url: null, emoji: '📊', background: '#FFEAD5' },
    ]);
    expect(site).toMatchObject({ title: 'Brightdesk Assistant', iconType: 'emoji', icon: '🛟', useIconAsAnswerIcon: true });
  });

  it('is null, without an error, for sources that have no app', async () => {
    const answer = await gw.query(`{ sources { name app { info { name } } } }`);
    expect(answer.errors).toBeUndefined();
    const apps = Object.fromEntries(answer.data.sources.map((source: any) => [source.name, source.app]));
    expect(apps.support).toBeNull();
    expect(apps.legacy).toBeNull();
    expect(apps.assistant.info.name).toBe('Brightdesk Assistant');
  });

  it('is cached per source: other viewers read it without upstream calls', async () => {
    const before = ['/parameters', '/info', '/meta', '/site'].map(calls);
    for (const id of ['demo-user', 'alice', 'bob']) {
      const answer = await gw.query(APP, {}, { id });
      expect(answer.errors).toBeUndefined();
      expect(answer.data.source.app.info.name).toBe('Brightdesk Assistant');
    }
    expect(['/parameters', '/info', '/meta', '/site'].map(calls)).toEqual(before);
  });

  it('answers site null, without an error, for an app without a web app site, and caches that', async () => {
    const fresh = await startTestGateway();
    try {
      const sim = fresh.backends.simulators.assistant as DifySimulator;
      sim.setSiteEnabled(false);
      for (let round = 0; round < 2; round += 1) {
        const answer = await fresh.query(`{ source(name: "assistant") { app { site { title } info { name } } } }`);
        expect(answer.errors).toBeUndefined();
        expect(answer.data.source.app).toEqual({ site: null, info: { name: 'Brightdesk Assistant' } });
      }
      expect(sim.calls('GET', '/v1/site')).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('reads only the selected parts', async () => {
    const fresh = await startTestGateway();
    try {
      const sim = fresh.backends.simulators.assistant as DifySimulator;
      const answer = await fresh.query(`{ source(name: "assistant") { app { info { name } } } }`);
      expect(answer.errors).toBeUndefined();
      expect([sim.calls('GET', '/v1/info'), sim.calls('GET', '/v1/parameters'), sim.calls('GET', '/v1/site'), sim.calls('GET', '/v1/meta')]).toEqual([1, 0, 0, 0]);
    } finally {
      await fresh.close();
    }
  });
});
