#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step for the server): tsx compiles on load.
// Building the command tree loads only commander and the registration code; each command imports
// what it needs when it runs (src/cli/main.ts).
import { register } from 'tsx/esm/api';

register();
const { buildCli } = await import('../src/cli/main.ts');
try {
  await buildCli().parseAsync(process.argv);
} catch (e) {
  // A command that changes commander's exit code throws it (bulletin verify: usage errors exit 2).
  if (e && e.name === 'CommanderError') process.exit(e.exitCode);
  throw e;
}
