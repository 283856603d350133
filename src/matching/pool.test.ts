import { describe, expect, it } from 'vitest';
import { generatePersons } from '../demo/synthetic.ts';
import { MatchIndex, type MatchRecord } from './engine.ts';
import { MatchPool } from './pool.ts';

describe('MatchPool', () => {
  it('answers like the index itself, from worker threads sharing its arrays', async () => {
    const records: MatchRecord[] = [...generatePersons(3, 2000)].map((p) => ({
      id: p.externalRef,
      names: p.input.names,
      birthDate: p.input.birth?.date ?? null,
    }));
    const index = MatchIndex.build(records);
    const queries = records.slice(0, 50).map((r) => ({ ...r, id: `q-${r.id}`, names: [r.names.at(-1)!] }));
    const pool = await MatchPool.start(index, 2);
    try {
      const pooled = await pool.searchMany(queries);
      expect(pooled.map((r) => r.map((c) => c.id))).toEqual(
        queries.map((q) => index.search(q).map((c) => c.id)),
      );
      const pairs = await pool.dedup(10, 500);
      expect(pairs.map((p) => `${p.aId}/${p.bId}`)).toEqual(
        [...index.dedup()].map((p) => `${p.aId}/${p.bId}`),
      );
    } finally {
      await pool.close();
    }
  });
});
