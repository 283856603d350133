import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LogNode, openLogNode } from '../app/ledger/log-testing.ts';
import { publishLog } from '../app/ledger/publish-log.ts';
import { fromBase64 } from '../ledger/bytes.ts';
import { openCheckpoint } from '../ledger/checkpoint.ts';
import { parseVerifierKey } from '../ledger/keys.ts';
import {
  hashChildren,
  hashLeaf,
  inclusionProof,
  type NodeReader,
  verifyConsistency,
  verifyInclusion,
} from '../ledger/merkle.ts';
import {
  decodeEntryBundle,
  decodeTile,
  entryBundlesForSize,
  TILE_WIDTH,
  tilePath,
  tilesForSize,
} from '../ledger/tiles.ts';

let node: LogNode;
let dir: string;

beforeAll(async () => {
  node = await openLogNode('log-http.example');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-log-publish-'));
});
afterAll(async () => {
  await node?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const get = (url: string) => node.app.inject({ method: 'GET', url });

/** Every file under `root`, as paths relative to it. */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/**
 * A client's node reader over published tiles only: a hash at tree level 8·l is read from tile level
 * l (the full tile if the tree has it, else the partial one of the checkpoint's width); levels between
 * are hashed from the tile's hashes, as tlog-tiles clients do.
 */
function tileReader(root: string, size: number): NodeReader {
  const tiles = new Map<string, Uint8Array[]>();
  const tileHashes = (level: number, index: number) => {
    const span = TILE_WIDTH ** (level + 1);
    const width =
      (index + 1) * span <= size ? TILE_WIDTH : Math.floor(size / TILE_WIDTH ** level) % TILE_WIDTH;
    const rel = tilePath({ level, index, width });
    let hashes = tiles.get(rel);
    if (!hashes) {
      hashes = decodeTile(new Uint8Array(fs.readFileSync(path.join(root, rel))), width);
      tiles.set(rel, hashes);
    }
    return hashes;
  };
  const read: NodeReader = (level, index) => {
    const tileLevel = Math.floor(level / 8);
    if (level % 8 === 0) return tileHashes(tileLevel, Math.floor(index / TILE_WIDTH))[index % TILE_WIDTH]!;
    return hashChildren(read(level - 1, 2 * index), read(level - 1, 2 * index + 1));
  };
  return read;
}

describe('the log over HTTP (C2SP tlog-tiles) and as a directory', () => {
  it('an empty log has no checkpoint (404 with a clear error) and no tiles', async () => {
    const res = await get('/log/checkpoint');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/empty/) },
    });
    expect((await get('/log/tile/0/000.p/1')).statusCode).toBe(404);
    expect((await get('/log/status')).json()).toMatchObject({ size: 0, final: false, quorum: 0 });
    expect((await get('/log/proof/inclusion?index=0')).statusCode).toBe(400);
  });

  it('serves the signed checkpoint, tiles and entry bundles exactly per the spec', async () => {
    await node.append(300);
    const res = await get('/log/checkpoint');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['cache-control']).toMatch(/max-age=\d$/);
    const opened = openCheckpoint(res.body, {
      origin: node.identity.name,
      logKeys: [parseVerifierKey(node.identity.verifierKey)],
    });
    expect(opened.checkpoint.size).toBe(300);

    const full = await get('/log/tile/0/000');
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(full.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(full.rawPayload.length).toBe(256 * 32);

    const partial = await get('/log/tile/0/001.p/44');
    expect(partial.statusCode).toBe(200);
    expect(partial.headers['cache-control']).not.toMatch(/immutable/);
    expect(partial.rawPayload.length).toBe(44 * 32);
    // An older width of the same tile is still served: its bytes are a prefix.
    const older = await get('/log/tile/0/001.p/10');
    expect(older.rawPayload).toEqual(partial.rawPayload.subarray(0, 10 * 32));

    // The level-1 tile holds the root of the full level-0 tile; with one hash it is that subtree.
    const level1 = await get('/log/tile/1/000.p/1');
    const leaves = decodeTile(new Uint8Array(full.rawPayload), 256);
    let layer = leaves;
    while (layer.length > 1)
      layer = Array.from({ length: layer.length / 2 }, (_, i) =>
        hashChildren(layer[2 * i]!, layer[2 * i + 1]!),
      );
    expect(new Uint8Array(level1.rawPayload)).toEqual(layer[0]);

    const bundle = await get('/log/tile/entries/000');
    const entries = decodeEntryBundle(new Uint8Array(bundle.rawPayload), 256);
    expect(entries.map(hashLeaf)).toEqual(leaves);
    expect((await get('/log/tile/entries/001.p/44')).statusCode).toBe(200);

    // Beyond the current tree: 404. Not a canonical tile path: 400. Never 500.
    for (const url of [
      '/log/tile/0/001',
      '/log/tile/0/001.p/45',
      '/log/tile/1/000',
      '/log/tile/entries/002.p/1',
    ])
      expect((await get(url)).statusCode, url).toBe(404);
    for (const url of ['/log/tile/0/1', '/log/tile/0/000.p/256', '/log/tile/0/x000/001', '/log/tile/64/000'])
      expect((await get(url)).statusCode, url).toBe(400);
  });

  it('never answers 500 to any tile path or proof query (property)', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        '0',
        '1',
        '7',
        '63',
        '64',
        'entries',
        '000',
        '001',
        'x001',
        'x000',
        '.p',
        '256',
        '44',
        '-1',
      ),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 0, maxLength: 5 }), async (parts) => {
        const url = `/log/tile/${parts.map(encodeURIComponent).join('/')}`;
        const res = await get(url);
        expect([200, 400, 404]).toContain(res.statusCode);
      }),
      { numRuns: 150 },
    );
    const num = fc.oneof(
      fc.integer({ min: -2, max: 400 }).map(String),
      fc.constantFrom('', '01', '1e3', '9007199254740993', '99999999999999999999', 'x', '3.5'),
    );
    await fc.assert(
      fc.asyncProperty(num, fc.option(num), num, num, async (index, size, from, to) => {
        const q = `index=${encodeURIComponent(index)}${size === null ? '' : `&size=${encodeURIComponent(size)}`}`;
        const inc = await get(`/log/proof/inclusion?${q}`);
        expect([200, 400, 422]).toContain(inc.statusCode);
        const con = await get(
          `/log/proof/consistency?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
        );
        expect([200, 400, 422]).toContain(con.statusCode);
      }),
      { numRuns: 100 },
    );
  });

  it('JSON proofs verify against the checkpoints', async () => {
    const cp = openCheckpoint((await get('/log/checkpoint')).body, {
      origin: node.identity.name,
      logKeys: [parseVerifierKey(node.identity.verifierKey)],
    }).checkpoint;
    const inc = (await get('/log/proof/inclusion?index=257')).json() as {
      index: number;
      size: number;
      leafHash: string;
      proof: string[];
    };
    expect(inc.size).toBe(300);
    expect(() =>
      verifyInclusion(
        257,
        300,
        fromBase64(inc.leafHash)!,
        inc.proof.map((h) => fromBase64(h)!),
        cp.root,
      ),
    ).not.toThrow();
    await node.append(5);
    const con = (await get('/log/proof/consistency?from=300&to=305')).json() as { proof: string[] };
    const cp305 = openCheckpoint((await get('/log/checkpoint')).body, {
      origin: node.identity.name,
      logKeys: [parseVerifierKey(node.identity.verifierKey)],
    }).checkpoint;
    expect(() =>
      verifyConsistency(
        300,
        305,
        cp.root,
        cp305.root,
        con.proof.map((h) => fromBase64(h)!),
      ),
    ).not.toThrow();
    const bad = await get('/log/proof/consistency?from=306&to=305');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'OUT_OF_RANGE' } });
  });

  it("the log's raw-body parser stays inside /log/: JSON routes still parse JSON", async () => {
    const res = await node.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'nobody-here', password: 'not-a-password' },
    });
    expect(res.statusCode).toBe(401);
  });

  it('the proof endpoints are in the OpenAPI document', async () => {
    const doc = (await get('/api/openapi.json')).json() as { paths: Record<string, unknown> };
    for (const p of ['/log/proof/inclusion', '/log/proof/consistency', '/log/status', '/log/checkpoint'])
      expect(Object.keys(doc.paths)).toContain(p);
  });

  it('publishes incrementally to a directory that serves exactly what the node serves', async () => {
    // 305 entries so far: checkpoints 300 and 305.
    const first = await publishLog(node.database, dir);
    expect(first).toMatchObject({ size: 305, previousSize: 0 });
    expect(first.written.at(-1)).toBe('checkpoint');
    expect(filesUnder(dir)).toEqual(
      [
        'checkpoint',
        'tile/0/000',
        'tile/0/001.p/44',
        'tile/0/001.p/49',
        'tile/1/000.p/1',
        'tile/entries/000',
        'tile/entries/001.p/44',
        'tile/entries/001.p/49',
      ].sort(),
    );
    // Nothing new: nothing written.
    expect((await publishLog(node.database, dir)).written).toEqual([]);

    // Two checkpoints between publications: both get their partial tiles; tile 1 becomes full.
    await node.append(250); // 555
    await node.append(10); // 565
    const full0 = fs.statSync(path.join(dir, 'tile/0/000')).mtimeMs;
    const second = await publishLog(node.database, dir);
    expect(second).toMatchObject({ size: 565, previousSize: 305 });
    expect(second.written).not.toContain('tile/0/000');
    expect(fs.statSync(path.join(dir, 'tile/0/000')).mtimeMs).toBe(full0);
    expect(second.removed.sort()).toEqual(['tile/0/001.p', 'tile/entries/001.p']);
    const files = filesUnder(dir);
    for (const t of [
      'tile/0/001',
      'tile/0/002.p/43',
      'tile/0/002.p/53',
      'tile/1/000.p/2',
      'tile/entries/002.p/53',
    ])
      expect(files).toContain(t);
    expect(files.some((f) => f.includes('.tmp-'))).toBe(false);
    // Every tile of the current tree is there.
    for (const t of [...tilesForSize(565), ...entryBundlesForSize(565)]) expect(files).toContain(tilePath(t));

    // Byte for byte what HTTP serves.
    for (const rel of files) {
      const res = await get(`/log/${rel}`);
      expect(res.statusCode, rel).toBe(200);
      expect(Buffer.compare(res.rawPayload, fs.readFileSync(path.join(dir, rel))), rel).toBe(0);
    }
  });

  it('a client verifies an inclusion proof from the published files alone', async () => {
    const vkey = parseVerifierKey(node.identity.verifierKey);
    const { checkpoint } = openCheckpoint(fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8'), {
      origin: node.identity.name,
      logKeys: [vkey],
    });
    const read = tileReader(dir, checkpoint.size);
    for (const index of [0, 255, 256, 300, 511, 512, checkpoint.size - 1]) {
      const bundleIndex = Math.floor(index / TILE_WIDTH);
      const width =
        (bundleIndex + 1) * TILE_WIDTH <= checkpoint.size ? TILE_WIDTH : checkpoint.size % TILE_WIDTH;
      const bundle = fs.readFileSync(
        path.join(dir, tilePath({ level: 'entries', index: bundleIndex, width })),
      );
      const entry = decodeEntryBundle(new Uint8Array(bundle), width)[index % TILE_WIDTH]!;
      const proof = inclusionProof(index, checkpoint.size, read);
      expect(() =>
        verifyInclusion(index, checkpoint.size, hashLeaf(entry), proof, checkpoint.root),
      ).not.toThrow();
      // The same proof as the node's JSON endpoint.
      const served = (await get(`/log/proof/inclusion?index=${index}`)).json() as { proof: string[] };
      expect(proof.map((h) => Buffer.from(h).toString('base64'))).toEqual(served.proof);
    }
  });

  it('refuses to publish over another log', async () => {
    const other = await openLogNode('log-http-other.example');
    try {
      await other.append(3);
      await expect(publishLog(other.database, dir)).rejects.toThrow(/not this log/);
    } finally {
      await other.close();
    }
  });
});
