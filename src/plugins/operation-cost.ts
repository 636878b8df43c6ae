/**
 * The document an operation is costed on: the client's document with every list size the cost
 * rule cannot see written out as a literal `first: N`, so that GraphQL Armor's formula counts
 * what will actually run.
 *
 * - a page size passed as a variable becomes its value (or the variable's default);
 * - a connection field with no (or a null) `first`/`last` becomes `first: 20`, the page size
 *   the schema serves then (armor alone counts it as 1);
 * - `nodes(ids:)` and `_entities(representations:)` count per id: `first: <number of ids>`.
 *
 * The result is only ever costed, never executed (the extra arguments are not in the schema).
 */
import {
  getNullableType,
  isListType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../schema/connection-args.js';

/** List arguments whose every entry is loaded on its own (per-id cost). */
const PER_ITEM_ARGUMENTS: ReadonlySet<string> = new Set(['ids', 'representations']);

export interface CostingDocument {
  document: DocumentNode;
  /** Whether a variable's value went into it (if not, the result holds for every request of the document). */
  usesVariables: boolean;
}

/**
 * Rewrites `document` for costing (see above).
 * @param variables the request's raw variable values; missing ones fall back to the
 *   operation's declared defaults
 */
export function costingDocument(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): CostingDocument {
  const defaults = declaredDefaults(document);
  let usesVariables = false;
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind !== Kind.VARIABLE) return literal(node);
    usesVariables = true;
    const name = node.name.value;
    return name in variables ? variables[name] : defaults.get(name);
  };
  const typeInfo = new TypeInfo(schema);
  const rewritten = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const definition = typeInfo.getFieldDef();
        if (!definition) return undefined;
        const argumentNames = new Set(definition.args.map((argument) => argument.name));
        if (argumentNames.has('first') || argumentNames.has('last')) {
          const sizes = (node.arguments ?? [])
            .filter((argument) => argument.name.value === 'first' || argument.name.value === 'last')
            .map((argument) => valueOf(argument.value))
            .filter((value): value is number => typeof value === 'number' && Number.isInteger(value));
          return withMultiplier(node, sizes.length > 0 ? Math.max(...sizes) : DEFAULT_PAGE_SIZE);
        }
        const perItem = definition.args.find(
          (argument) => PER_ITEM_ARGUMENTS.has(argument.name) && isListType(getNullableType(argument.type)),
        );
        if (perItem) {
          const given = node.arguments?.find((argument) => argument.name.value === perItem.name);
          const value = given ? valueOf(given.value) : undefined;
          const count = Array.isArray(value) ? value.length : value === undefined || value === null ? 0 : 1;
          return withMultiplier(node, count);
        }
        return undefined;
      },
    }),
  );
  return { document: rewritten, usesVariables };
}

/** The field with its `first`/`last` replaced by one literal `first: n` (the cost multiplier). */
function withMultiplier(node: FieldNode, n: number): FieldNode {
  const kept = (node.arguments ?? []).filter((argument) => argument.name.value !== 'first' && argument.name.value !== 'last');
  const first: ArgumentNode = {
    kind: Kind.ARGUMENT,
    name: { kind: Kind.NAME, value: 'first' },
    value: { kind: Kind.INT, value: String(Math.max(0, Math.trunc(n))) },
  };
  return { ...node, arguments: [first, ...kept] };
}

/** Default values declared for the operations' variables, as JavaScript values. */
function declaredDefaults(document: DocumentNode): Map<string, unknown> {
  const defaults = new Map<string, unknown>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      if (variable.defaultValue) defaults.set(variable.variable.name.value, literal(variable.defaultValue));
    }
  }
  return defaults;
}

/** A literal's value, as far as costing needs it: integers, null and lists (by length). */
function literal(node: ValueNode): unknown {
  if (node.kind === Kind.INT) return Number.parseInt(node.value, 10);
  if (node.kind === Kind.NULL) return null;
  if (node.kind === Kind.LIST) return node.values.map(literal);
  return node.kind;
}
