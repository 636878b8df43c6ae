/**
 * Tracing off costs nothing: no OpenTelemetry module is in the static import graph of the CLI,
 * so a gateway started without an OTLP endpoint never loads one. Only `src/observability/telemetry.ts`
 * imports them, and src/start.ts reaches it by a dynamic `import()` when tracing is configured.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const TRACING_PACKAGES = /^(@opentelemetry\/|@envelop\/opentelemetry)/;

/** Static `import … from` / `export … from` specifiers of a module (not `import()`, not `import type`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm)) {
    if (!match[2]) specifiers.push(match[3]!);
  }
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specifiers.push(match[1]!);
  return specifiers;
}

function graphOf(entry: string) {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.set(specifier, file);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('tracing off', () => {
  it('loads no OpenTelemetry module from the CLI', () => {
    // The CLI loads src/start.ts (the whole gateway) on demand; together they are what runs.
    const { files, packages } = graphOf(resolve(SRC, 'start.ts'));
    expect(files.size).toBeGreaterThan(30);
    expect(files.has(resolve(SRC, 'yoga/yoga.ts'))).toBe(true);
    expect(files.has(resolve(SRC, 'observability/telemetry.ts'))).toBe(false);
    expect([...packages].filter(([name]) => TRACING_PACKAGES.test(name))).toEqual([]);
  });

  it('keeps every tracing import in src/observability/telemetry.ts', () => {
    const imports = staticImports(resolve(SRC, 'observability/telemetry.ts'));
    expect(imports.filter((name) => TRACING_PACKAGES.test(name)).length).toBeGreaterThanOrEqual(5);
    expect(readFileSync(resolve(SRC, 'start.ts'), 'utf8')).toContain("await import('./observability/telemetry.js')");
  });
});
