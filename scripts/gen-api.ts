// `npm run gen:api`: rewrites web/src/api.gen.ts from the OpenAPI document a node serves (a node on
// a throw-away in-memory database, with a throw-away key; nothing is kept).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { ensureNodeIdentity } from '../src/app/node/node-identity.ts';
import { openDatabase } from '../src/db/open.ts';
import { buildServer } from '../src/http/server.ts';
import { GENERATED_CLIENT, generateClientTypes, readGeneratedClient } from './openapi-client.ts';

const database = await openDatabase({ dataDir: 'memory://' });
try {
  const identity = await ensureNodeIdentity(database.db, {
    name: 'openapi.invalid',
    key: { kind: 'file', key: new Uint8Array(randomBytes(32)) },
  });
  const app = await buildServer({ database, identity, logLevel: 'silent' });
  try {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`GET /api/openapi.json answered ${res.statusCode}`);
    const text = await generateClientTypes(res.json());
    const before = readGeneratedClient();
    if (text !== before) fs.writeFileSync(GENERATED_CLIENT, text);
    console.log(`web/src/api.gen.ts: ${text === before ? 'up to date' : 'rewritten'}`);
  } finally {
    await app.close();
  }
} finally {
  await database.close();
}
