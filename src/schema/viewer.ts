/**
 * `Query.viewer`: who the operation runs as. The viewer is a `Node` whose global ID wraps the
 * viewer id, so normalizing caches never key it like an author of the same raw id.
 */
import { requireViewer } from '../context.js';
import { innerId } from '../global-id.js';
import { builder } from './builder.js';
import { ViewerRef } from './refs.js';
import type { ViewerShape } from './shapes.js';

builder.node(ViewerRef, {
  description: 'Who the operation runs as: the person whose history is read. `node(id)` resolves only the current viewer\'s ID (NOT_FOUND otherwise).',
  id: { resolve: (viewer) => innerId({ type: 'Viewer', viewerId: viewer.id }) },
  isTypeOf: (value) => (value as { kind?: string }).kind === 'Viewer',
  fields: (t) => ({
    externalId: t.string({
      description: 'The viewer id as the gateway received it (header `x-chat-user` or JWT `sub`).',
      resolve: (viewer) => viewer.id,
    }),
    roles: t.exposeStringList('roles', { description: 'Roles, e.g. `agent` (sees a Chatwoot account).' }),
  }),
});

/** The current viewer as the `Viewer` node's parent. */
export function viewerShape(viewer: { id: string; roles: string[] }): ViewerShape {
  return { kind: 'Viewer', id: viewer.id, roles: viewer.roles };
}

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    description: 'The viewer this operation runs as.',
    resolve: (_root, _args, context) => viewerShape(requireViewer(context)),
  }),
);
