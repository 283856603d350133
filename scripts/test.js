// `npm test`: type-check, lint, the dependency check (layers and no cycles, .dependency-cruiser.cjs),
// then every unit and database test (database tests on embedded PGlite; `.ci/run` repeats them on
// PostgreSQL). Browser tests: `npm run test:browser`.
// The checks run side by side, beside the unit tests (each prints its output when done, with its
// time); then the database tests, alone, since some of them time real work. With arguments
// (`npm test -- FILE…`), the checks first and then vitest with those arguments.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDeps, root } from './ensure-deps.js';

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

/** Runs vitest with `args`; resolves with its exit code. Its output goes straight to the terminal. */
function vitest(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin('vitest/vitest.mjs'), 'run', ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const args = process.argv.slice(2);
const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 1000);
// The unit tests use one core's worth of work for about half a minute, the type-checks one or two:
// side by side they finish in about the time of the longest.
const [results, unitCode] = await Promise.all([
  Promise.all(checks.map(check)),
  args.length ? Promise.resolve(0) : vitest(['--project', 'unit']),
]);
let failed = false;
for (const r of results) {
  console.error(`\n== ${r.name} (${r.seconds.toFixed(1)} s)`);
  if (r.output) process.stderr.write(r.output);
  if (r.code !== 0) {
    console.error(`${r.name} failed`);
    failed = true;
  }
}
if (unitCode !== 0) console.error('\n== unit tests failed');
if (failed || unitCode !== 0) process.exit(1);

console.error(args.length ? '\n== tests' : `\n== unit tests passed (${seconds()} s); database tests`);
const code = await vitest(args.length ? args : ['--project', 'db']);
console.error(`\n== tests: ${code === 0 ? 'passed' : 'failed'} in ${seconds()} s`);
process.exit(code);
