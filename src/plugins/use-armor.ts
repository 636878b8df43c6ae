/**
 * Refuses hostile operations before they execute: too deep, too many aliases, directives or
 * tokens, or too costly (GraphQL Armor's rules, run at parse and validation time, so a refused
 * operation never reaches an upstream). Refusals are `BAD_USER_INPUT` naming the limit and its
 * value; field suggestions ("Did you mean …") are masked while introspection is off, since they
 * would reveal the schema piece by piece.
 *
 * Cost (armor's formula): scalars 1, objects 2, children weighted 1.5× per level, and a
 * field's subtree multiplied by its `first`/`last`. Armor alone reads only literal sizes and
 * counts an omitted one as 1, so the cost is computed just before execution, once variables
 * are known, on a copy of the document that spells out what will run (operation-cost.ts):
 * page sizes from variables, omitted page sizes as the default 20, and `nodes` / `_entities`
 * per id. A refused operation still never reaches an upstream.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { GraphQLError, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { costingDocument } from './operation-cost.js';

/** Operation limits (config `server.limits`). */
export interface ArmorLimits {
  /** Deepest field nesting. @default 12 */
  maxDepth: number;
  /** Aliases per operation (fragments included). @default 30 */
  maxAliases: number;
  /** Lexical tokens per document. @default 2000 */
  maxTokens: number;
  /** Cost (see above). @default 500000 */
  maxCost: number;
  /** Directives per operation. @default 50 */
  maxDirectives: number;
}

export interface ArmorOptions {
  limits: ArmorLimits;
  /** Mask "Did you mean …" suggestions (use when introspection is off). */
  blockFieldSuggestions: boolean;
}

/** Reports a refusal as BAD_USER_INPUT instead of armor's own uncoded validation error. */
function report(limit: string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    // Armor prefixes "Syntax Error: " although the document parsed fine.
    const message = error.message.replace(/^Syntax Error: /, '');
    const refusal = new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', limit } });
    if (context) context.reportError(refusal);
    else throw refusal;
  };
}

/** Every armor rule with the gateway's limits; rejections carry `extensions.limit`. */
export function useArmor(options: ArmorOptions): Plugin {
  const { limits } = options;
  const rule = (limit: string) => ({ propagateOnRejection: false, onReject: [report(limit)] });
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...rule('maxDepth') },
    maxAliases: { n: limits.maxAliases, ...rule('maxAliases') },
    maxTokens: { n: limits.maxTokens, ...rule('maxTokens') },
    // Costed at execution instead (useOperationCost), where the variables are known.
    costLimit: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, ...rule('maxDirectives') },
    blockFieldSuggestion: { enabled: options.blockFieldSuggestions },
  }) as Plugin;
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor);
      addPlugin(useOperationCost(limits.maxCost));
    },
  };
}

/**
 * Refuses an operation whose cost (of the document as it will run) passes `maxCost`, before it
 * executes or subscribes. Costs that no variable affects are remembered per parsed document.
 */
function useOperationCost(maxCost: number): Plugin {
  const fixedCosts = new WeakMap<DocumentNode, readonly GraphQLError[]>();
  const check = (schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>) => {
    const known = fixedCosts.get(document);
    if (known) return known;
    const errors = operationCostErrors(schema, document, variables, maxCost);
    if (!errors.usesVariables) fixedCosts.set(document, errors.errors);
    return errors.errors;
  };
  const refuse = (errors: readonly GraphQLError[], stop: (result: ExecutionResult) => void) => {
    if (errors.length > 0) stop({ errors });
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      refuse(check(args.schema, args.document, (args.variableValues ?? {}) as Record<string, unknown>), setResultAndStopExecution);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      refuse(check(args.schema, args.document, (args.variableValues ?? {}) as Record<string, unknown>), setResultAndStopExecution);
    },
  };
}

/**
 * The cost refusal of one operation (empty when it fits), and whether variables decided it.
 * Also used by scripts/operation-costs.ts.
 */
export function operationCostErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  maxCost: number,
): { errors: readonly GraphQLError[]; usesVariables: boolean } {
  const costed = costingDocument(schema, document, variables);
  const errors = validate(schema, costed.document, [
    costLimitRule({ maxCost, ignoreIntrospection: true, propagateOnRejection: false, onReject: [report('maxCost')] }),
  ]);
  return { errors, usesVariables: costed.usesVariables };
}
