/**
 * Config validation with the registered provider kinds: src/config/ validates against the kinds
 * it is given and loads no adapter, so the layer that owns the registry hands them over.
 */
import { loadConfigFileFor, validateConfigFor, type GatewayConfig, type ValidateOptions } from '../config/config.js';
import { loadProviderKinds } from '../providers/registry.js';

/**
 * Validates an already-parsed config object (after interpolation) against every registered kind.
 * @throws ConfigError listing every problem at once, one `path: problem` line each
 */
export async function validateConfig(raw: unknown, options: ValidateOptions = {}): Promise<GatewayConfig> {
  return validateConfigFor(await loadProviderKinds(), raw, options);
}

/**
 * Reads, parses, interpolates and validates a config file against every registered kind.
 * @param file path to a `.yaml`, `.yml` or `.json` file
 * @param env the environment to interpolate from (the CLI passes `process.env`)
 * @throws ConfigError when the file is unreadable, unparsable or invalid
 */
export async function loadConfigFile(file: string, env: NodeJS.ProcessEnv): Promise<GatewayConfig> {
  return loadConfigFileFor(await loadProviderKinds(), file, env);
}
