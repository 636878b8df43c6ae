/**
 * Starts each listed conversation's `messages` read as soon as the conversation may be on the
 * page, instead of after the whole merged page is ranked. An inbox (conversations × their last
 * messages) over a source whose listing checks ownership item by item (REST `owner`) would
 * otherwise wait for those checks before any other source's message reads leave: one more
 * upstream round trip. The reads go through the request's loaders with the very key the
 * `messages` field uses, so the field finds them in flight.
 *
 * Read early (see `firstPageReadAhead`): every conversation certain to be on the page whatever
 * the checks decide, and up to `POSSIBLE_READ_AHEAD` of those that make it if the checks drop
 * the candidates an earlier request of the same viewer saw dropped and keep the rest (an owner
 * listing shows every user's conversations; which ones are the viewer's rarely changes). A read
 * is spent that the answer does not use only when such a prediction fails: at most
 * `POSSIBLE_READ_AHEAD` conversations' message reads (one per `messages` selection), and none
 * on a viewer's first listing, without a filtering source, or when the checks decide as
 * before. Conversations whose place the predictions do not settle are read once the page is
 * ranked (one more round trip).
 */
import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { GatewayContext } from './context.js';
import { firstPageReadAhead } from '../loaders/conversation-list.js';
import { messagePageKeyFor } from './message-connection.js';
import { argumentsOf } from './selection.js';

/** Conversations that may not make the page whose messages are still read early (see above). */
export const POSSIBLE_READ_AHEAD = 2;

/**
 * For a first forward page of `limit` over `sourceIds`: when the selection reads
 * `edges { node { messages(…) } }`, loads those message pages of the conversations certain
 * to be on it and of at most `POSSIBLE_READ_AHEAD` that may be. Returns at once; never
 * throws (the fields report their own failures).
 */
export function prefetchListedMessages(
  context: GatewayContext,
  info: GraphQLResolveInfo,
  sourceIds: readonly string[],
  limit: number,
): void {
  if (limit === 0) return;
  const nodes = fieldsAt(info, info.fieldNodes, ['edges', 'node', 'messages']);
  const argsList = nodes.map((node) => argumentsOf(info, 'Conversation', node)).filter((args) => args !== null);
  if (argsList.length === 0) return;
  void firstPageReadAhead(context.loaders, sourceIds, limit, POSSIBLE_READ_AHEAD)
    .then(({ certain, possible }) => {
      for (const { sourceId, record } of [...certain, ...possible]) {
        const loaders = context.loaders.forSource(sourceId);
        for (const args of argsList) {
          try {
            loaders.messagePage.load(messagePageKeyFor(context, sourceId, record.externalId, args)).catch(() => undefined);
          } catch {
            // Bad arguments or cursor: the field reports them at its own path.
          }
        }
      }
    })
    .catch(() => undefined);
}

/**
 * The field nodes reached from `roots` along `path` (field names, aliases included). Fragments
 * count whatever their type condition: a connection's edges and nodes have one type each, and
 * a fragment counted wrongly could only cost a read, never change an answer.
 */
function fieldsAt(info: GraphQLResolveInfo, roots: readonly FieldNode[], path: readonly string[]): FieldNode[] {
  let current: readonly FieldNode[] = roots;
  for (const name of path) {
    const next: FieldNode[] = [];
    const seen = new Set<string>();
    const walk = (set: SelectionSetNode | undefined) => {
      for (const selection of set?.selections ?? []) {
        if (selection.kind === 'Field') {
          if (selection.name.value === name) next.push(selection);
        } else if (selection.kind === 'InlineFragment') {
          walk(selection.selectionSet);
        } else if (!seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          walk(info.fragments[selection.name.value]?.selectionSet);
        }
      }
    };
    for (const node of current) walk(node.selectionSet);
    current = next;
  }
  return [...current];
}
