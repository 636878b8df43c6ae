/**
 * Refuses operations without a viewer (`UNAUTHENTICATED`, HTTP 401, no `data`) unless they
 * select only fields that reveal no one's data: `__typename`, introspection and `_service`.
 */
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';

const OPEN_FIELDS = new Set(['__typename', '__schema', '__type', '_service']);

/**
 * What the refusal tells the client to send, per auth mode: jwt mode ignores the `x-chat-*`
 * headers, so naming them there would mislead.
 */
export function viewerRequiredMessage(mode: string): string {
  return mode === 'jwt'
    ? 'a viewer is required: send Authorization: Bearer <token>'
    : 'a viewer is required: send the x-chat-user header';
}

/** @param mode `auth.mode`, which decides what the error message asks for */
export function useViewerRequired(mode: string = 'header'): Plugin<GatewayContext> {
  const message = viewerRequiredMessage(mode);
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as GatewayContext;
      if (context.viewer) return;
      const operation = findOperation(args.document, args.operationName ?? undefined);
      if (operation && onlyOpenFields(operation.selectionSet, args.document)) return;
      setResultAndStopExecution({
        errors: [
          createGraphQLError(message, {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
          }),
        ],
      });
    },
  };
}

function findOperation(document: DocumentNode, name: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return name ? operations.find((operation) => operation.name?.value === name) : operations[0];
}

function onlyOpenFields(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): boolean {
  return selectionSet.selections.every((selection) => {
    if (selection.kind === Kind.FIELD) return OPEN_FIELDS.has(selection.name.value);
    if (selection.kind === Kind.INLINE_FRAGMENT) return onlyOpenFields(selection.selectionSet, document, seen);
    const name = selection.name.value;
    if (seen.has(name)) return true;
    seen.add(name);
    const fragment = document.definitions.find(
      (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name,
    );
    return fragment?.kind === Kind.FRAGMENT_DEFINITION && onlyOpenFields(fragment.selectionSet, document, seen);
  });
}
