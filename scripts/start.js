// `npm start`: install what is missing, build the UI, seed synthetic demo data into the embedded
// database (./homeward-data, or HOMEWARD_DATA) and serve the node. PORT (default 8080) and HOST
// (default 127.0.0.1) choose where it listens.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDeps, ensureWebBuild, root, sh } from './ensure-deps.js';

ensureDeps();
ensureWebBuild();

const cli = path.join(root, 'bin', 'homeward.js');
const persons = process.env.DEMO_PERSONS ?? '1000';
if (sh(process.execPath, [cli, 'demo', '--persons', persons]) !== 0) {
  console.error('Demo data was not seeded (see above); starting the node as it is.');
}
const server = spawn(process.execPath, [cli, 'serve', '--port', process.env.PORT ?? '8080'], {
  stdio: 'inherit',
  cwd: root,
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
