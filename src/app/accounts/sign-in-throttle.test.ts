import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  addressKey,
  type DelayPolicy,
  delayAfter,
  FORGET_MS,
  PAIR_POLICY,
  throttleKeys,
  waitFor,
} from './sign-in-throttle.ts';

const policy = fc.record({
  free: fc.integer({ min: 0, max: 200 }),
  baseMs: fc.integer({ min: 1, max: 60_000 }),
  capMs: fc.integer({ min: 1, max: 24 * 60 * 60 * 1000 }),
});
const anyPolicy = fc.oneof(
  fc.constant(PAIR_POLICY),
  fc.constant(ACCOUNT_POLICY),
  fc.constant(ADDRESS_POLICY),
  policy,
);

describe('the sign-in delay policy', () => {
  it('is free up to the free failures, then grows monotonically and never past its cap', () => {
    fc.assert(
      fc.property(anyPolicy, fc.integer({ min: 0, max: 10_000 }), (p: DelayPolicy, f) => {
        const d = delayAfter(f, p);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(p.capMs);
        if (f < p.free) expect(d).toBe(0);
        else expect(d).toBe(Math.min(p.capMs, p.baseMs * 2 ** (f - p.free)));
        expect(delayAfter(f + 1, p)).toBeGreaterThanOrEqual(d);
      }),
    );
  });

  it('ends the delay at last failure + delay, and forgets a counter left alone for a day', () => {
    fc.assert(
      fc.property(
        anyPolicy,
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 2 * FORGET_MS }),
        (p: DelayPolicy, failures, elapsed) => {
          const lastAt = new Date('2026-01-01T00:00:00Z');
          const now = new Date(lastAt.getTime() + elapsed);
          const wait = waitFor({ failures, lastAt }, p, now);
          if (elapsed >= FORGET_MS) expect(wait).toBe(0);
          else expect(wait).toBe(Math.max(0, delayAfter(failures, p) - elapsed));
          // Zero failures (a reset pair) or no counter at all never waits.
          expect(waitFor({ failures: 0, lastAt }, { ...p, free: Math.max(1, p.free) }, now)).toBe(0);
          expect(waitFor(undefined, p, now)).toBe(0);
        },
      ),
    );
  });

  it('reaches 15 minutes per (account, address) and 30 s per account or address', () => {
    expect([5, 6, 7, 8].map((f) => delayAfter(f, PAIR_POLICY))).toEqual([1000, 2000, 4000, 8000]);
    expect(delayAfter(4, PAIR_POLICY)).toBe(0);
    expect(delayAfter(1000, PAIR_POLICY)).toBe(15 * 60 * 1000);
    expect(delayAfter(1000, ACCOUNT_POLICY)).toBe(30_000);
    expect(delayAfter(1000, ADDRESS_POLICY)).toBe(30_000);
  });
});

describe('throttle keys', () => {
  it('count an IPv6 address by its /64 and an IPv4-mapped address as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
  });

  it('keep accounts apart from each other and names case-insensitive', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9._-]{2,20}$/), fc.ipV4(), (user, ip) => {
        const keys = throttleKeys(user.toUpperCase(), ip).map((k) => k.key);
        expect(keys).toEqual(throttleKeys(user, ip).map((k) => k.key));
        expect(new Set(keys).size).toBe(3);
        expect(throttleKeys(`${user}x`, ip)[0]!.key).not.toBe(keys[0]);
      }),
    );
  });
});
