/**
 * The provider kinds this gateway has, one line each: the config `kind` value, its GraphQL
 * `SourceKind` enum value and that value's description. It imports nothing, so the schema can
 * build `SourceKind` from it without loading any adapter. The registry (registry.ts) checks at
 * start that each listed kind has its folder `src/providers/<kind>/` and each folder is listed.
 *
 * Adding a backend: its folder, plus one line here. The order is the enum's printed order
 * (schema.graphql); keep it alphabetical by kind.
 */
export const providerKindList = [
  { kind: 'chatwoot', graphKind: 'CHATWOOT', description: 'A Chatwoot account (Application API).' },
  { kind: 'dify', graphKind: 'DIFY', description: 'A Dify app (Service API).' },
  { kind: 'http', graphKind: 'HTTP', description: 'Any chat API described by configuration (a declarative HTTP source).' },
  { kind: 'rest', graphKind: 'REST', description: 'A generic REST chat-history API.' },
] as const satisfies readonly ProviderKindName[];

/** How a kind is named: in the config (`kind`, lower case) and in the graph (`graphKind`, upper case). */
export interface ProviderKindName {
  /** The config `kind` value and the folder name under src/providers/, e.g. `dify`. */
  readonly kind: string;
  /** The `SourceKind` enum value, e.g. `DIFY`. */
  readonly graphKind: string;
  /** The description of that enum value. */
  readonly description: string;
}

/** A config `kind` value this gateway has an adapter for, e.g. `'dify'`. */
export type ProviderKindId = (typeof providerKindList)[number]['kind'];
