/**
 * One pushed conversation event as all its subscribers on this process share it: the event says
 * which conversation changed; whether a viewer sees it, and how it looks now, comes from the
 * adapter's `getConversations` (the same lookup reads use) — asked once per access class
 * (src/live/access-class.ts) for this event, whatever the number of subscribers of that class.
 *
 * A lookup is joined by every subscriber of its class while in flight and kept only as long as
 * the event itself is referenced (a subscriber still working through its backlog): never reused
 * for a later event, so each change is read fresh.
 */
import type { Logger } from 'pino';
import type { SourceEntry } from '../providers/contract.js';
import { isGatewayError } from '../core/errors.js';
import type { ConversationRecord, Viewer } from '../core/records.js';
import { accessClassOf } from './access-class.js';

/** A conversation as delivered: one object per access class and event, shared by its subscribers. */
export interface SharedConversation {
  sourceId: string;
  record: ConversationRecord;
}

/** One conversation event of one source, handed to every subscriber of the source's topic. */
export interface SharedConversationEvent {
  /**
   * The conversation as `viewer`'s access class sees it now, or undefined when that class may
   * not see it or the lookup answered an error for it (logged at warn, once per class).
   * @throws what `getConversations` rejected with (the subscriber's stream ends with it)
   */
  visibleTo(viewer: Viewer): Promise<SharedConversation | undefined>;
}

/** Wraps the event about conversation `externalId` of `source` for sharing among its subscribers. */
export function sharedConversationEvent(source: SourceEntry, externalId: string, logger: Logger): SharedConversationEvent {
  const lookups = new Map<string, Promise<SharedConversation | undefined>>();
  const lookUp = async (viewer: Viewer): Promise<SharedConversation | undefined> => {
    const [found] = await source.adapter.getConversations(viewer, [externalId]);
    if (found instanceof Error) {
      logger.warn({ sourceId: source.id, code: isGatewayError(found) ? found.code : 'INTERNAL' }, 'live conversation check failed');
      return undefined;
    }
    return found ? { sourceId: source.id, record: found } : undefined;
  };
  return {
    visibleTo(viewer) {
      const accessClass = accessClassOf(source, viewer);
      let lookup = lookups.get(accessClass);
      if (!lookup) lookups.set(accessClass, (lookup = lookUp(viewer)));
      return lookup;
    },
  };
}
