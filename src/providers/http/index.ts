/**
 * The `http` provider kind: any chat API described by configuration alone (config.ts is the
 * vocabulary, the README section "Plug in any chat API" its reference). Requests are templates,
 * selection and mapping are JMESPath, paging is one of the strategies in paging/.
 */
import type { ProviderKind } from '../contract.js';
import { createHttpAdapter } from './adapter.js';
import { httpConfigShape } from './config.js';
import { refineHttpConfig } from './validate.js';

/** The `http` kind; graph kind `HTTP` (kinds.ts). */
export default {
  kind: 'http',
  configShape: httpConfigShape,
  create: createHttpAdapter,
  refineConfig: refineHttpConfig,
  forwardsViewerToken: (config) => (config.auth.type === 'forward' ? { key: 'auth', setting: 'auth type "forward"' } : undefined),
} satisfies ProviderKind<typeof httpConfigShape>;
