/**
 * The simulators of the shipped vendor presets (OpenAI Assistants, Matrix, Slack, Zendesk) with
 * each preset filled in to point at its simulator, for `npm run simulators -- --presets`: the
 * way a new user tries a preset — copy it, set its variables, see it beside the demo sources.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { interpolateEnv } from '../config/config.js';
import { startMatrixSimulator } from './simulators/matrix/server.js';
import { startOpenAiSimulator } from './simulators/openai/server.js';
import { startSlackSimulator } from './simulators/slack/server.js';
import type { VendorSimulator } from './simulators/vendor-simulator.js';
import { startZendeskSimulator } from './simulators/zendesk/server.js';

/** The repository's presets folder (beside src/ and dist/). */
export const PRESETS_DIR = join(import.meta.dirname, '../../presets');

/** Preset file and simulator of each vendor, in port order. */
const PRESETS: Array<[file: string, start: (port?: number) => Promise<VendorSimulator>]> = [
  ['openai-assistants.yaml', (port) => startOpenAiSimulator({ port })],
  ['matrix-room-messages.yaml', (port) => startMatrixSimulator({ port })],
  ['slack-conversations-history.yaml', (port) => startSlackSimulator({ port })],
  ['zendesk-ticket-comments.yaml', (port) => startZendeskSimulator({ port })],
];

/** Running preset simulators and the sources that point at them. */
export interface PresetSimulators {
  /** By source id (the preset's `id`). */
  simulators: Record<string, VendorSimulator>;
  /** The presets as `sources[]` entries, their `${VAR}`s filled with the simulators' values. */
  sources: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * Starts the four preset simulators on `basePort`…`basePort + 3` (free ports when absent).
 * @throws when a port cannot be bound or a preset file cannot be read
 */
export async function startPresetSimulators(basePort?: number): Promise<PresetSimulators> {
  const started = await Promise.all(PRESETS.map(([, start], index) => start(basePort === undefined ? undefined : basePort + index)));
  const simulators: Record<string, VendorSimulator> = {};
  const sources = PRESETS.map(([file], index) => {
    const simulator = started[index]!;
    const source = interpolateEnv(parse(readFileSync(join(PRESETS_DIR, file), 'utf8')), simulator.env) as Record<string, unknown>;
    simulators[String(source.id)] = simulator;
    return source;
  });
  return { simulators, sources, close: async () => void (await Promise.all(started.map((simulator) => simulator.close()))) };
}
