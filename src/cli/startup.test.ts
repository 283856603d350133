import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `homeward --help` answers at once because building the command tree loads only commander and the
// registration code; every command imports its use cases when it runs. This follows the static
// (non-type) imports from main.ts and fails when something heavy creeps into that graph.
const cliDir = path.dirname(fileURLToPath(import.meta.url));

function staticImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^import\s+(?!type\s)(?:[^'";]*?\s+from\s+)?'([^']+)';/gm)) specs.push(m[1]!);
  return specs;
}

function startupGraph(): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(path.join(cliDir, 'main.ts'));
  const src = path.resolve(cliDir, '..');
  return { files: [...files].map((f) => path.relative(src, f)).sort(), packages: [...packages].sort() };
}

describe('homeward startup', () => {
  it('loads commander and the registration code only', () => {
    const { files, packages } = startupGraph();
    expect(packages).toEqual(['commander']);
    // Registration files, and the few small modules they need for option defaults and errors.
    const allowed = new Set([
      'domain/access.ts',
      'domain/actor.ts',
      'domain/errors.ts',
      'io/ref-system.ts',
      'ledger/errors.ts',
      'reports/kinds.ts',
    ]);
    const outside = files.filter((f) => !f.startsWith('cli/') && !allowed.has(f));
    expect(outside).toEqual([]);
    // The command files' work (context.ts opens the database) is never loaded up front.
    for (const heavy of ['cli/context.ts', 'cli/list.ts', 'cli/match-node.ts', 'cli/scenario.ts'])
      expect(files).not.toContain(heavy);
    expect(files).toContain('cli/log.ts');
  });
});
