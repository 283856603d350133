/**
 * What does an unauthenticated caller cost the peer inbox? A node on a fresh in-memory PGlite
 * database listens on 127.0.0.1; each case POSTs one body to /api/peer/packages over real HTTP,
 * `--repeat` times, and prints the median and worst wall time per request with the status and
 * error code the node answered.
 *
 *   npm run bench:peer-inbox -- [--repeat 5] [--mb 7]
 *
 * Cases: `--mb` MB of junk bytes; a well-formed package of `--mb` MB signed by a key this node has
 * not pinned; the same at 900 KB (under the default size limit); a 900 KB package by a pinned key
 * whose signature is broken (the one case that must reach the signature check). The node's own
 * limits apply (default size limit 4 MiB), except that the per-address rate limit is raised out of
 * the way: this measures one request's cost, not the limiter.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureNodeIdentity } from '../src/app/node/node-identity.ts';
import { pinKey } from '../src/app/peers/packages.ts';
import { openDatabase } from '../src/db/open.ts';
import { cliContext } from '../src/domain/access.ts';
import { buildServer } from '../src/http/server.ts';
import { formatVerifierKey } from '../src/ledger/keys.ts';
import { ed25519NoteSigner } from '../src/ledger/note.ts';
import { createPackage, PACKAGE_MEDIA_TYPE } from '../src/ledger/package.ts';

const { values: args } = parseArgs({
  options: { repeat: { type: 'string', default: '5' }, mb: { type: 'string', default: '7' } },
});
const repeat = Number(args.repeat);
const mb = Number(args.mb);

const database = await openDatabase({ dataDir: 'memory://' });
const identity = await ensureNodeIdentity(database.db, { name: 'bench-node.example' });
const pinned = ed25519NoteSigner('pinned.example', new Uint8Array(32).fill(21));
const stranger = ed25519NoteSigner('stranger.example', new Uint8Array(32).fill(22));
await database.transaction((tx) =>
  pinKey(cliContext(identity.orgId, ['coordinator'], 'bench'), tx, formatVerifierKey(pinned)),
);
// Generous peer rate limit: this measures the cost of one request, not the limiter.
const app = await buildServer({
  database,
  identity,
  logLevel: 'silent',
  outboxIntervalMs: 0,
  peerRateLimit: { burst: 10_000, perSecond: 10_000 },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/peer/packages`;

const packageOf = (bytes: number, signer = stranger) =>
  createPackage(
    {
      type: 'stage-confirmation',
      version: 1,
      recipients: [identity.name],
      sequence: 1,
      previous: null,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      payload: { filler: 'x'.repeat(bytes) },
    },
    signer,
  ).bytes;
function brokenSignature(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('utf8');
  // Flip one base64 character of the signature: same shape, does not verify.
  const at = text.lastIndexOf('"signature":"') + '"signature":"'.length;
  return Buffer.from(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
}

const cases: [string, Uint8Array][] = [
  [`${mb} MB junk`, Buffer.alloc(mb * 1024 * 1024, 'x')],
  [`${mb} MB package, unpinned signer`, packageOf(mb * 1024 * 1024)],
  ['900 KB package, unpinned signer', packageOf(900 * 1024)],
  ['900 KB package, pinned signer, bad signature', brokenSignature(packageOf(900 * 1024, pinned))],
];

for (const [name, body] of cases) {
  const times: number[] = [];
  let answer = '';
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': PACKAGE_MEDIA_TYPE }, body });
    const json = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    times.push(performance.now() - t0);
    answer = `${res.status} ${json.error?.code ?? ''}`;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${name.padEnd(46)} ${answer.padEnd(30)} median ${median.toFixed(0).padStart(5)} ms, worst ${times.at(-1)!.toFixed(0).padStart(5)} ms`,
  );
}
await app.close();
await database.close();
