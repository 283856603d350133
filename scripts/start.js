// `npm start`: install what is missing, build the UI, seed synthetic demo data into the embedded
// database (./homeward-data, or HOMEWARD_DATA) and serve the node.
// Where it listens: `npm start -- --port 9000 --host 0.0.0.0`, or PORT and HOST (default 8080 on
// 127.0.0.1). Logs: readable lines on a terminal, JSON otherwise (`--log-format json|pretty`).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDeps, ensureWebBuild, root, sh } from './ensure-deps.js';

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8080' },
      host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
      'log-format': { type: 'string' },
    },
  }).values;
} catch (e) {
  console.error(
    `npm start: ${e.message}\nusage: npm start [-- --port N] [--host ADDR] [--log-format auto|pretty|json]`,
  );
  process.exit(2);
}

ensureDeps();
ensureWebBuild();

const cli = path.join(root, 'bin', 'homeward.js');
const persons = process.env.DEMO_PERSONS ?? '1000';
if (sh(process.execPath, [cli, 'demo', '--persons', persons]) !== 0) {
  console.error('Demo data was not seeded (see above); starting the node as it is.');
}
const serveArgs = [cli, 'serve', '--port', args.port, '--host', args.host];
if (args['log-format']) serveArgs.push('--log-format', args['log-format']);
const server = spawn(process.execPath, serveArgs, { stdio: 'inherit', cwd: root });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
