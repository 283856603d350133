// Install dependencies when they are missing or older than the lock file, so `npm start` and
// `npm test` work on a fresh clone with nothing but Node and npm.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

export function ensureDeps() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`Homeward needs Node.js 20.19 or newer; this is ${process.version}.`);
    process.exit(1);
  }
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const stale = !fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs;
  if (stale) {
    console.error('Installing dependencies (npm ci)…');
    if (sh(npm, ['ci', '--no-audit', '--no-fund']) !== 0) {
      console.error('npm ci failed; see the messages above.');
      process.exit(1);
    }
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Build the browser UI when it is missing or older than its sources. */
export function ensureWebBuild() {
  const index = path.join(root, 'web', 'dist', 'index.html');
  const srcNewest = Math.max(
    newestMtime(path.join(root, 'web', 'src')),
    // The message catalogues the UI bundles.
    newestMtime(path.join(root, 'src', 'i18n')),
    fs.statSync(path.join(root, 'web', 'index.html')).mtimeMs,
  );
  if (!fs.existsSync(index) || fs.statSync(index).mtimeMs < srcNewest) {
    console.error('Building the browser UI (vite build)…');
    if (
      sh(process.execPath, [
        path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        'web',
        '--logLevel',
        'warn',
      ]) !== 0
    ) {
      console.error('The UI build failed; see the messages above.');
      process.exit(1);
    }
  }
}
