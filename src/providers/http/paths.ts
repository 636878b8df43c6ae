/**
 * The path language of the `http` kind: JMESPath (https://jmespath.site, the community edition
 * through `@jmespath-community/jmespath`). It only reads JSON: no assignment, no access to
 * anything but the document, no script expressions, so a config can never run code. Expressions
 * are compiled once at start; plain dotted paths (`data.messages`) skip the interpreter.
 */
import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';

/** A compiled expression: reads a value out of a JSON document; undefined when absent. */
export type Path = (document: unknown) => unknown;

interface Node {
  type: string;
  name?: string;
  left?: Node;
  right?: Node;
}

/**
 * Checks an expression's syntax.
 * @returns null when it compiles, else the parser's message (it never contains the document)
 */
export function pathProblem(expression: string): string | null {
  try {
    compile(expression);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The field names of a plain dotted path (`a.b.c`), or null when the expression is anything else. */
function plainFields(node: Node): string[] | null {
  if (node.type === 'Field' && typeof node.name === 'string') return [node.name];
  if (node.type === 'Subexpression' && node.left && node.right) {
    const left = plainFields(node.left);
    const right = plainFields(node.right);
    return left && right ? [...left, ...right] : null;
  }
  return null;
}

/**
 * Compiles an expression (checked at config validation) into a reader. JMESPath's `null` and an
 * absent value both read as undefined.
 * @throws Error on a syntax error (config validation reports it first)
 */
export function compilePath(expression: string): Path {
  const ast = compile(expression) as unknown as Node;
  const fields = plainFields(ast);
  if (fields) {
    return (document) => {
      let value: unknown = document;
      for (const field of fields) {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
        value = (value as Record<string, unknown>)[field];
      }
      return value ?? undefined;
    };
  }
  return (document) => {
    const value = TreeInterpreter.search(ast as never, (document ?? null) as JSONValue);
    return value ?? undefined;
  };
}

/** JMESPath truthiness: false, null, '', [] and {} are false; everything else (0 too) is true. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
