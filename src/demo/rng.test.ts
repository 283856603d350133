import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, digits, randomBetween, weighted } from './rng.ts';

describe('createRng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRng(seed));
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('stays in [0, 1) and covers the range evenly', () => {
    const rng = createRng(7);
    const buckets = new Array(10).fill(0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng();
      min = Math.min(min, x);
      max = Math.max(max, x);
      buckets[Math.floor(x * 10)]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it('draws integers within bounds, digits of the asked length, weights in proportion', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.nat(50), (seed, min, span) => {
        const n = randomBetween(createRng(seed), min, min + span);
        expect(n >= min && n <= min + span && Number.isInteger(n)).toBe(true);
      }),
    );
    expect(digits(createRng(3), 6)).toMatch(/^\d{6}$/);
    const rng = createRng(11);
    let a = 0;
    for (let i = 0; i < 10_000; i++)
      if (
        weighted(rng, [
          ['a', 3],
          ['b', 1],
        ] as const) === 'a'
      )
        a++;
    expect(a / 10_000).toBeCloseTo(0.75, 1);
  });
});
