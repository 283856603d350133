import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the built browser UI lives. */
export const webDistDir = path.join(repoRoot, 'web', 'dist');

/**
 * A node never serves without its UI: build it when it is missing (the same step `npm ci` runs as
 * `prepare`), and fail with what to do when that is not possible.
 */
export function ensureWebUi(): string {
  if (fs.existsSync(path.join(webDistDir, 'index.html'))) return webDistDir;
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build-web.js'), '--if-missing'], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0 || !fs.existsSync(path.join(webDistDir, 'index.html')))
    throw new Error(
      'the browser UI is not built and could not be built here: run `npm ci` (with dev dependencies) or `npm run build:web` in the repository, then start again',
    );
  return webDistDir;
}
