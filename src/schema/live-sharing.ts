/**
 * Which live subscriptions may share one execution per event (Hasura-style multiplexing). A
 * subscribe resolver that knows what its events look like to its viewer names it here as a
 * group; src/plugins/use-shared-live-execution.ts then executes each event once per group and
 * operation, and hands the same result to every member.
 */

const groups = new WeakMap<object, string>();

/**
 * Marks the operation running with `context` as a member of `group`: operations of one group
 * with the same document, operation name and variables get identical results for an event
 * object, whoever their viewer. `group` must therefore hold everything the results depend on
 * besides the event: the topic, and the viewer's access class and private-note visibility.
 */
export function joinLiveGroup(context: object, group: string): void {
  groups.set(context, group);
}

/** The group `context`'s operation joined, or undefined (its events are executed for it alone). */
export function liveGroupOf(context: unknown): string | undefined {
  return typeof context === 'object' && context !== null ? groups.get(context) : undefined;
}
