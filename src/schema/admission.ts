/**
 * Admission of one subscription operation: the viewer's place under
 * `server.limits.maxSubscriptionsPerViewer` is taken before the resolver does anything else
 * (no await, no upstream call in between), and given back if the resolver fails before its
 * stream opens. Once open, the stream holds the place until it ends (src/live/hub.ts).
 */
import { requireViewer, type GatewayContext } from './context.js';
import type { SubscriptionSlot } from '../live/hub.js';

/**
 * Reserves a slot for the context's viewer and runs `open` with it.
 * @throws GatewayError UNAUTHENTICATED without a viewer, RATE_LIMITED past the cap, or what `open` throws
 */
export function admitted<T>(context: GatewayContext, open: (slot: SubscriptionSlot) => T): T {
  const slot = context.gateway.live.reserve(requireViewer(context));
  let result: T;
  try {
    result = open(slot);
  } catch (error) {
    slot.release();
    throw error;
  }
  if (result instanceof Promise) {
    return result.catch((error: unknown) => {
      slot.release();
      throw error;
    }) as T;
  }
  return result;
}
