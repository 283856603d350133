import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenBucket } from './rate-limit.ts';

describe('token bucket', () => {
  it('allows a burst, then one request per refill interval, per key', () => {
    let t = 0;
    const bucket = tokenBucket({ burst: 3, perSecond: 2 }, () => t);
    expect([1, 2, 3].map(() => bucket.take('a'))).toEqual([0, 0, 0]);
    expect(bucket.take('a')).toBe(500);
    expect(bucket.take('b')).toBe(0);
    t += 499;
    expect(bucket.take('a')).toBe(1);
    t += 1;
    expect(bucket.take('a')).toBe(0);
    t += 60_000;
    expect([1, 2, 3, 4].map(() => bucket.take('a'))).toEqual([0, 0, 0, 500]);
  });

  it('never allows more than burst + rate × time, and remembers at most maxClients keys', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 2000 }), key: fc.integer({ min: 0, max: 30 }) }), {
          maxLength: 300,
        }),
        (steps) => {
          let t = 0;
          const bucket = tokenBucket({ burst: 4, perSecond: 1, maxClients: 50 }, () => t);
          const allowed = new Map<number, number>();
          for (const s of steps) {
            t += s.dt;
            if (bucket.take(String(s.key)) === 0) allowed.set(s.key, (allowed.get(s.key) ?? 0) + 1);
            expect(bucket.size()).toBeLessThanOrEqual(50);
          }
          for (const n of allowed.values()) expect(n).toBeLessThanOrEqual(4 + t / 1000 + 1e-9);
        },
      ),
    );
  });
});
