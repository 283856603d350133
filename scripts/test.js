// `npm test`: type-check, lint, then every unit and database test (database tests on embedded
// PGlite; `.ci/run` repeats them on PostgreSQL). Browser tests: `npm run test:browser`.
import path from 'node:path';
import { ensureDeps, root, sh } from './ensure-deps.js';

ensureDeps();
const bin = (p) => path.join(root, 'node_modules', ...p.split('/'));
const steps = [
  ['type-check (server)', [bin('typescript/bin/tsc'), '--noEmit', '-p', '.']],
  ['type-check (web)', [bin('typescript/bin/tsc'), '--noEmit', '-p', 'web']],
  ['lint', [bin('@biomejs/biome/bin/biome'), 'check', '.']],
  ['tests', [bin('vitest/vitest.mjs'), 'run', ...process.argv.slice(2)]],
];
for (const [name, args] of steps) {
  console.error(`\n== ${name}`);
  const code = sh(process.execPath, args);
  if (code !== 0) {
    console.error(`\n${name} failed`);
    process.exit(code);
  }
}
