#!/usr/bin/env node
// Build the browser UI (web/dist) when it is missing or older than its sources. Runs as npm's
// `prepare` step, so `npm ci` or `npm install` leaves a node that serves its UI; `homeward serve`
// checks again at start. Without the build tools (an install with --omit=dev) it says so and
// leaves the decision to `homeward serve`, which refuses to start without a UI.
import fs from 'node:fs';
import path from 'node:path';
import { ensureWebBuild, root } from './ensure-deps.js';

if (!fs.existsSync(path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'))) {
  if (!fs.existsSync(path.join(root, 'web', 'dist', 'index.html')))
    console.error(
      'homeward: the browser UI is not built and vite is not installed (npm ci without --omit=dev builds it)',
    );
  process.exit(0);
}
// `--if-missing` (homeward serve): build only when there is no UI at all. A stale build is the
// developer's business (`npm start`, `npm run build:web`); rebuilding under a running test suite or
// beside another build would race for web/dist.
if (process.argv.includes('--if-missing') && fs.existsSync(path.join(root, 'web', 'dist', 'index.html')))
  process.exit(0);
ensureWebBuild();
