/**
 * undici, loaded on the first upstream call rather than at start-up (src/upstream/http.ts pools,
 * src/upstream/probe.ts probes, responses.ts names its error classes).
 */

/** The undici module's type (it is loaded on demand). */
export type Undici = typeof import('undici');
/** undici once loaded (`loadUndici`); until then no upstream call has been made. */
let undici: Undici | undefined;
let undiciLoading: Promise<Undici> | undefined;

/**
 * The undici module, imported on the first upstream call (or probe) rather than at start-up:
 * it is a large package and nothing before the listening socket needs it. Later calls get the
 * same module at once.
 */
export function loadUndici(): Promise<Undici> {
  undiciLoading ??= import('undici').then((module) => (undici = module));
  return undiciLoading;
}


/** undici if an upstream call (or probe) has loaded it already, else undefined. */
export function loadedUndici(): Undici | undefined {
  return undici;
}
