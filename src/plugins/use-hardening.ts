/**
 * The public endpoint's protections in one plugin, from config `server`: CSRF prevention,
 * operation limits (depth, aliases, tokens, cost, directives), introspection switched off when
 * `server.introspection` is false (field suggestions are masked then too), and the persisted
 * operation allow-list when `server.persistedOperations` is set. The body size limits
 * (`server.limits.maxBodyBytes`, larger for transcribeAudio's file) are use-upload-limits.ts's:
 * yoga's own `maxRequestBodySize` is switched off (src/yoga/yoga.ts).
 */
import { useDisableIntrospection } from '@envelop/disable-introspection';
import type { Plugin } from 'graphql-yoga';
import type { GatewayConfig } from '../config/config.js';
import { useArmor } from './use-armor.js';
import { useCsrf } from './use-csrf.js';
import { usePersistedOperationList } from './use-persisted-operation-list.js';

/**
 * The protections for one `server` config, as a single plugin (it adds the others at init).
 * @throws ConfigError when the persisted operation file cannot be read (at creation, not per request)
 */
export function useHardening(server: GatewayConfig['server']): Plugin {
  const plugins: Plugin[] = [useCsrf()];
  if (server.persistedOperations !== undefined) {
    plugins.push(usePersistedOperationList({ file: server.persistedOperations, only: server.persistedOperationsOnly }));
  }
  plugins.push(useArmor({ limits: server.limits, blockFieldSuggestions: !server.introspection }));
  if (!server.introspection) plugins.push(useDisableIntrospection() as Plugin);
  return {
    onPluginInit({ addPlugin }) {
      for (const plugin of plugins) addPlugin(plugin);
    },
  };
}
