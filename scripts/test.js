// `npm test`: type-check, lint, the dependency check (layers and no cycles, .dependency-cruiser.cjs),
// then every unit and database test (database tests on embedded PGlite; `.ci/run` repeats them on
// PostgreSQL). Browser tests: `npm run test:browser`.
// The checks run side by side (each prints its output when done, with its time), then the tests.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDeps, root, sh } from './ensure-deps.js';

ensureDeps();
const bin = (p) => path.join(root, 'node_modules', ...p.split('/'));
// Type-checks keep their incremental state under node_modules/.cache: a second run re-checks only what
// changed (about 25 s of CPU less on this machine); a fresh clone checks everything.
const cache = (name) => path.join(root, 'node_modules', '.cache', 'homeward', `${name}.tsbuildinfo`);
const tsc = (project, name) => [
  bin('typescript/bin/tsc'),
  '--noEmit',
  '-p',
  project,
  '--incremental',
  '--tsBuildInfoFile',
  cache(name),
];
const checks = [
  ['type-check (server)', tsc('.', 'server')],
  ['type-check (web)', tsc('web', 'web')],
  ['lint', [bin('@biomejs/biome/bin/biome'), 'check', '.']],
  [
    'dependency check',
    [
      bin('dependency-cruiser/bin/dependency-cruise.mjs'),
      'src',
      'web/src',
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'err',
    ],
  ],
];

function check([name, args]) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b) => {
      output += b;
    });
    child.stderr.on('data', (b) => {
      output += b;
    });
    child.on('error', (e) => resolve({ name, code: 1, output: `${output}${e.message}\n`, seconds: 0 }));
    child.on('close', (code) =>
      resolve({ name, code: code ?? 1, output, seconds: (Date.now() - started) / 1000 }),
    );
  });
}

const results = await Promise.all(checks.map(check));
let failed = false;
for (const r of results) {
  console.error(`\n== ${r.name} (${r.seconds.toFixed(1)} s)`);
  if (r.output) process.stderr.write(r.output);
  if (r.code !== 0) {
    console.error(`${r.name} failed`);
    failed = true;
  }
}
if (failed) process.exit(1);

console.error('\n== tests');
const started = Date.now();
const code = sh(process.execPath, [bin('vitest/vitest.mjs'), 'run', ...process.argv.slice(2)]);
console.error(
  `\n== tests: ${code === 0 ? 'passed' : 'failed'} in ${Math.round((Date.now() - started) / 1000)} s`,
);
process.exit(code);
