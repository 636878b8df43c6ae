/**
 * The import layers of src/ (.dependency-cruiser.cjs, docs/ARCHITECTURE.md): an import that runs
 * back up a layer, crosses between adapters, reaches into test code or closes a circle fails
 * here, with the rule, both files and why the rule exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import ts from 'typescript';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('import layers', () => {
  it('has no import that runs back up a layer and no import circle', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    let result: ICruiseResult;
    try {
      const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
      result = (await cruise(['src'], { ...options, validate: true })).output as ICruiseResult;
    } finally {
      process.chdir(cwd);
    }
    const comments = new Map(result.summary.ruleSetUsed?.forbidden?.map((rule) => [rule.name, rule.comment]));
    const violations = result.summary.violations.map((violation) => {
      const via = violation.cycle ? ` (circle: ${violation.cycle.map((step) => step.name).join(' → ')})` : '';
      return `${violation.rule.name}: ${violation.from} → ${violation.to}${via}\n  why: ${comments.get(violation.rule.name) ?? ''}`;
    });
    expect(result.summary.totalCruised).toBeGreaterThan(100);
    expect(violations, `imports against the layers:\n${violations.join('\n')}`).toEqual([]);
  });

  it('has no module that awaits at its top level', () => {
    // A top-level await makes importing a module wait on work (the schema once loaded every
    // adapter that way); modules do work when a caller asks, and entry points call main().
    const found: string[] = [];
    const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    for (const file of files) {
      const path = join(root, 'src', file);
      const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
        if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
          const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          found.push(`${relative(root, path)}:${line}: ${node.getText().split('\n')[0]}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(files.length).toBeGreaterThan(100);
    expect(found, `top-level awaits:\n${found.join('\n')}`).toEqual([]);
  });
});
