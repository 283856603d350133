// How an import job sizes its write transactions: about `targetMs` each, at most `maxRows`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkSizer } from './jobs.ts';

describe('ChunkSizer', () => {
  it('starts small, grows to fit the target and shrinks at once after a slow chunk', () => {
    const s = new ChunkSizer(500, 40);
    expect(s.next()).toBe(50);
    s.record(50, 10); // 0.2 ms a row: 200 rows fit in 40 ms
    expect(s.next()).toBe(200);
    s.record(200, 20); // faster: the rate is smoothed
    expect(s.next()).toBe(266);
    s.record(266, 266); // 1 ms a row: shrink to 40 rows at once
    expect(s.next()).toBe(40);
  });

  it('always answers between 1 and the most rows, whatever the timings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1e6, noNaN: true }))),
        (max, target, timings) => {
          const s = new ChunkSizer(max, target);
          for (const [rows, ms] of timings) {
            s.record(rows, ms);
            const n = s.next();
            expect(Number.isInteger(n) && n >= 1 && n <= max).toBe(true);
          }
        },
      ),
    );
  });
});
