/**
 * Builds the schema: imports every type file (each registers itself on the builder, in this
 * order, which fixes the printed order), builds it with `builder.toSchema()` and swaps the Node
 * types' async `id` resolvers for synchronous ones (sync-global-ids.ts). `schema.graphql` is
 * printed from this (npm run print-schema); the federation subgraph (federation.ts) extends it.
 */
import { builder } from './builder.js';
import './date-time.js';
import './scalars.js';
import './viewer.js';
import './message.js';
import './conversation.js';
import './source.js';
import './conversation-counts.js';
import './feedback.js';
import './annotation.js';
import './send-message.js';
import './message-mutations.js';
import './annotation-mutations.js';
import './conversation-mutations.js';
import './app.js';
import './conversation-variable.js';
import './conversation-agent.js';
import './agent-mutations.js';
import './node.js';
import './subscription.js';
import './assistant-reply.js';
import { withSyncGlobalIds } from './sync-global-ids.js';

/** The executable schema. */
export const schema = withSyncGlobalIds(builder.toSchema());
