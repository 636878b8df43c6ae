import { requireViewer } from './context.js';
import { builder } from './builder.js';

/** The viewer an operation runs as. */
const ViewerRef = builder.objectRef<{ id: string; roles: string[] }>('Viewer').implement({
  description: 'Who the operation runs as: the person whose history is read.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The viewer id (header `x-chat-user` or JWT `sub`).' }),
    roles: t.exposeStringList('roles', { description: 'Roles, e.g. `agent` (sees a Chatwoot account).' }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    description: 'The viewer this operation runs as.',
    resolve: (_root, _args, context) => {
      const viewer = requireViewer(context);
      return { id: viewer.id, roles: viewer.roles };
    },
  }),
);
