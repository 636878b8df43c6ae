/**
 * Builds the schema: imports every type file (each registers itself on the builder) and
 * returns `builder.toSchema()`. `schema.graphql` is printed from this (npm run print-schema).
 */
import { builder } from './builder.js';
import './date-time.js';
import './scalars.js';
import './viewer.js';
import './message.js';
import './conversation.js';
import './source.js';
import './feedback.js';
import './send-message.js';
import './message-mutations.js';
import './conversation-mutations.js';
import './node.js';
import './subscription.js';
import './assistant-reply.js';
import { withSyncGlobalIds } from './sync-global-ids.js';

/** The executable schema. */
export const schema = withSyncGlobalIds(builder.toSchema());
