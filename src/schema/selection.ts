/**
 * What a field's selection asks of the object it returns, read from the operation itself, so a
 * resolver can skip an upstream call no selected field needs. Directives (`@skip`/`@include`)
 * are not evaluated: a field they might drop counts as selected, which can only cost a call,
 * never a wrong answer.
 */
import { getArgumentValues, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The fields selected on the value of the field being resolved, as seen by an object of type
 * `typeName` (fragments on that type, on interfaces it implements or without a type condition
 * count; fragments on other types do not).
 * @returns field name → every node selecting it (aliases included), in document order
 */
export function selectedFields(info: GraphQLResolveInfo, typeName: string): Map<string, FieldNode[]> {
  const type = info.schema.getType(typeName);
  const matches = new Set<string>([typeName]);
  if (type && 'getInterfaces' in type) for (const face of type.getInterfaces()) matches.add(face.name);
  // The federation union of entities: a fragment on it applies to every entity.
  matches.add('_Entity');
  const fields = new Map<string, FieldNode[]>();
  const seenFragments = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === 'Field') {
        const list = fields.get(selection.name.value);
        if (list) list.push(selection);
        else fields.set(selection.name.value, [selection]);
      } else if (selection.kind === 'InlineFragment') {
        if (!selection.typeCondition || matches.has(selection.typeCondition.name.value)) walk(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = info.fragments[name];
        if (!fragment || seenFragments.has(name)) continue;
        seenFragments.add(name);
        if (matches.has(fragment.typeCondition.name.value)) walk(fragment.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  return fields;
}

/**
 * The argument values of a selected field of `typeName`, defaults and variables applied.
 * @returns null when they do not coerce (the field's own resolver reports that)
 */
export function argumentsOf(info: GraphQLResolveInfo, typeName: string, node: FieldNode): Record<string, unknown> | null {
  const type = info.schema.getType(typeName);
  const field = type && 'getFields' in type ? type.getFields()[node.name.value] : undefined;
  if (!field || !('args' in field)) return null;
  try {
    return getArgumentValues(field, node, info.variableValues);
  } catch {
    return null;
  }
}
