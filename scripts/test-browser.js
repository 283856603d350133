#!/usr/bin/env node
// End-to-end browser tests: build the UI, start a demo node on a free port with a throwaway data
// directory, run Playwright against it, then clean up. Usage: node scripts/test-browser.js [--no-build]
// Extra arguments after `--` go to `playwright test` (e.g. `-- -g "wrong password"`).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dashdash = args.indexOf('--');
const ownArgs = dashdash >= 0 ? args.slice(0, dashdash) : args;
const playwrightArgs = dashdash >= 0 ? args.slice(dashdash + 1) : [];
const build = !ownArgs.includes('--no-build');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HEALTH_TIMEOUT_MS = 120_000;

function fail(message) {
  console.error(`test-browser: ${message}`);
  process.exit(1);
}

function run(cmd, cmdArgs, options = {}) {
  console.log(`$ ${[cmd, ...cmdArgs].join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function runAsync(cmd, cmdArgs, options = {}) {
  console.log(`$ ${[cmd, ...cmdArgs].join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll /api/health until it answers 200; give up if the server exits or the time runs out. */
async function waitForHealth(url, server, stderr) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null)
      throw new Error(
        `the server exited (${server.exitCode ?? server.signalCode}) before it was ready. Its stderr:\n${stderr()}`,
      );
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(
    `the server did not answer GET /api/health within ${HEALTH_TIMEOUT_MS / 1000} s. Its stderr:\n${stderr()}`,
  );
}

function stopServer(server) {
  return new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    server.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.kill('SIGTERM');
  });
}

async function main() {
  if (!fs.existsSync(chromium))
    fail(
      `Chromium not found at ${chromium}. Install it with:\n  apt-get update && apt-get install -y chromium\n` +
        'or set CHROMIUM_PATH to a Chromium executable.',
    );
  if (!fs.existsSync(path.join(root, 'bin/homeward.js')))
    fail('bin/homeward.js is missing; nothing to serve.');

  if (build && run('npx', ['vite', 'build', 'web']) !== 0) fail('building the UI failed');
  if (!fs.existsSync(path.join(root, 'web/dist/index.html')))
    fail('web/dist/index.html is missing; run without --no-build');

  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-e2e-'));
  let status = 1;
  try {
    if (run('node', ['bin/homeward.js', 'demo', '--data', dataDir, '--persons', '300']) !== 0)
      throw new Error('creating the demo data failed');
    // Fill the review queue: a synthetic person registered twice, in two scripts (e2e/matches.spec.ts).
    if (
      run('node', [
        'bin/homeward.js',
        'import',
        'persons',
        'e2e/fixtures/duplicates.csv',
        '--data',
        dataDir,
      ]) !== 0
    )
      throw new Error('importing the duplicate fixture failed');
    if (
      run('node', [
        'bin/homeward.js',
        'dedup',
        '--data',
        dataDir,
        '--out',
        path.join(dataDir, 'dedup.csv'),
      ]) !== 0
    )
      throw new Error('listing duplicate candidates failed');

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    console.log(`$ node bin/homeward.js serve --data ${dataDir} --port ${port}`);
    let stderrText = '';
    let stdoutText = '';
    // The server logs JSON lines to stdout; keep the error-level ones to explain a failed run.
    const loggedErrors = [];
    server = spawn('node', ['bin/homeward.js', 'serve', '--data', dataDir, '--port', String(port)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout.on('data', (d) => {
      stdoutText = (stdoutText + d).slice(-8_000);
      for (const line of String(d).split('\n'))
        if (/"level":(50|60)/.test(line) && loggedErrors.push(line) > 20) loggedErrors.shift();
      if (process.env.HOMEWARD_E2E_VERBOSE) process.stdout.write(d);
    });
    server.stderr.on('data', (d) => {
      stderrText = (stderrText + d).slice(-20_000);
      if (process.env.HOMEWARD_E2E_VERBOSE) process.stderr.write(d);
    });
    await waitForHealth(
      url,
      server,
      () => `${stderrText || '(empty)'}\n--- stdout (last lines) ---\n${stdoutText}`,
    );
    console.log(`server ready at ${url}`);

    // Asynchronously, so this process keeps draining the server's output while the tests run.
    status = await runAsync('npx', ['playwright', 'test', ...playwrightArgs], {
      env: { ...process.env, HOMEWARD_URL: url },
    });
    if (status !== 0 && stderrText)
      console.error(`--- server stderr (last lines) ---\n${stderrText.slice(-4000)}`);
    if (status !== 0 && loggedErrors.length)
      console.error(`--- errors in the server log ---\n${loggedErrors.join('\n')}`);
  } catch (e) {
    console.error(`test-browser: ${e instanceof Error ? e.message : String(e)}`);
    status = 1;
  } finally {
    if (server) await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(status);
}

// The server and the data directory, so an interrupt can clean up too.
let server;
let dataDir;
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    server?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(130);
  });
await main();
