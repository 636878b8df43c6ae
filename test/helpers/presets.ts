/**
 * Builds `http` sources from the shipped presets as a user would: the preset's `${VAR}`s
 * filled from an environment, validated by the gateway's config validation (defaults applied),
 * then created like any source.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { interpolateEnv, type SourceConfig } from '../../src/config/config.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import httpKind from '../../src/providers/http/index.js';
import type { ProviderAdapter } from '../../src/providers/contract.js';
import { testServices } from './services.js';

/** The repository's presets folder. */
export const PRESETS_DIR = join(import.meta.dirname, '../../presets');

/**
 * The validated source config of a preset.
 * @param env values of the preset's `${VAR}`s
 * @param edit changes a test makes to the parsed preset before validation (e.g. dropping the listing)
 */
export async function presetConfig(
  file: string,
  env: Record<string, string>,
  edit: (source: Record<string, unknown>) => void = () => {},
): Promise<SourceConfig> {
  const source = interpolateEnv(parse(readFileSync(join(PRESETS_DIR, file), 'utf8')), env) as Record<string, unknown>;
  edit(source);
  const config = await validateConfig({ auth: { mode: 'header', header: { trustedProxies: ['10.0.0.0/8'] } }, sources: [source] });
  return config.sources[0]!;
}

/** An adapter of a preset source, created as the gateway creates it. */
export async function presetAdapter(
  file: string,
  env: Record<string, string>,
  edit?: (source: Record<string, unknown>) => void,
): Promise<ProviderAdapter> {
  const config = await presetConfig(file, env, edit);
  return httpKind.create(config as never, testServices(config));
}
