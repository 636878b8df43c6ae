/**
 * Builds the schema: imports every type file (each registers itself on the builder) and
 * returns `builder.toSchema()`. `schema.graphql` is printed from this (npm run print-schema).
 */
import { builder } from './builder.js';
import './date-time.js';
import './viewer.js';
import './message.js';
import './conversation.js';
import './source.js';
import './node.js';
import './subscription.js';
import { withSyncGlobalIds } from './sync-global-ids.js';

/** The executable schema. */
export const schema = withSyncGlobalIds(builder.toSchema());
