/**
 * Refuses hostile operations before they execute: too deep, too many aliases, directives or
 * tokens, or too costly (GraphQL Armor's rules, run at parse and validation time, so a refused
 * operation never reaches an upstream). Refusals are `BAD_USER_INPUT` naming the limit and its
 * value; field suggestions ("Did you mean …") are masked while introspection is off, since they
 * would reveal the schema piece by piece.
 *
 * Cost (armor's formula): scalars 1, objects 2, children weighted 1.5× per level, and a
 * field's subtree multiplied by its `first`/`last`. Armor reads only literal page sizes, so an
 * operation passing them as variables is costed again at execution with the variables inlined
 * (`useVariableCost`); without that, `first: $n` would cost as a page of one.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { BREAK, GraphQLError, Kind, validate, visit, type DocumentNode, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

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
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, ...rule('maxCost') },
    maxDirectives: { n: limits.maxDirectives, ...rule('maxDirectives') },
    blockFieldSuggestion: { enabled: options.blockFieldSuggestions },
  }) as Plugin;
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor);
      addPlugin(useVariableCost(limits.maxCost));
    },
  };
}

/** Re-checks the cost of operations whose `first`/`last` come from variables, once they are known. */
function useVariableCost(maxCost: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (!hasVariablePageSize(args.document)) return;
      const inlined = inlinePageSizes(args.document, args.variableValues ?? {});
      if (!inlined) return;
      const errors = validate(args.schema, inlined, [
        costLimitRule({ maxCost, ignoreIntrospection: true, propagateOnRejection: false, onReject: [report('maxCost')] }),
      ]);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}

/** Whether a document passes a page size as a variable, by document (yoga reuses parsed ones). */
const variablePageSizes = new WeakMap<DocumentNode, boolean>();

/**
 * Whether any `first`/`last` argument of `document` is a variable; remembered per document, so
 * the walk happens once per distinct operation instead of on every request.
 */
function hasVariablePageSize(document: DocumentNode): boolean {
  let known = variablePageSizes.get(document);
  if (known === undefined) {
    known = false;
    visit(document, {
      Argument(node) {
        if ((node.name.value === 'first' || node.name.value === 'last') && node.value.kind === Kind.VARIABLE) {
          known = true;
          return BREAK;
        }
        return undefined;
      },
    });
    variablePageSizes.set(document, known);
  }
  return known;
}

/**
 * The document with `first: $x` / `last: $x` replaced by the variable's integer value; null
 * when no page size comes from a variable (armor has costed the document already).
 */
export function inlinePageSizes(document: DocumentNode, variables: Record<string, unknown>): DocumentNode | null {
  let changed = false;
  const result = visit(document, {
    Argument(node) {
      if ((node.name.value !== 'first' && node.name.value !== 'last') || node.value.kind !== Kind.VARIABLE) return undefined;
      const value = variables[node.value.name.value];
      if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
      changed = true;
      return { ...node, value: { kind: Kind.INT, value: String(value) } };
    },
  });
  return changed ? result : null;
}
