import { describe, expect, it } from 'vitest';
import { handlerOf, PACKAGE_HANDLERS, type PackageHandler } from './package-handlers.ts';
import {
  type AppliedPackageType,
  PACKAGE_TYPES,
  type PackageType,
  WHITELISTED_PACKAGE_TYPES,
} from './package-types.ts';

describe('the registry of package types', () => {
  const types = Object.keys(PACKAGE_TYPES) as PackageType[];

  it('has a handler for exactly the types applied on receipt, none for those kept', () => {
    const applied = types.filter((t) => PACKAGE_TYPES[t].inbound === 'apply').sort();
    expect(Object.keys(PACKAGE_HANDLERS).sort()).toEqual(applied);
    for (const t of types) expect(handlerOf(t) !== undefined).toBe(PACKAGE_TYPES[t].inbound === 'apply');
    expect(handlerOf('person.record')).toBeUndefined();
    expect(handlerOf('toString')).toBeUndefined();
  });

  it('whitelists every type it knows, for both recipient roles', () => {
    expect(WHITELISTED_PACKAGE_TYPES).toEqual([...types].sort());
    for (const t of types) {
      expect(PACKAGE_TYPES[t].version).toBeGreaterThanOrEqual(1);
      expect(PACKAGE_TYPES[t].whitelist('party').safeParse({}).success).toBe(false);
      expect(PACKAGE_TYPES[t].whitelist('mediator').safeParse({}).success).toBe(false);
    }
  });

  it('fails type-checking when a handler is missing or one is given for a type that is only kept', () => {
    const handler: PackageHandler = async () => 'kept';
    const { 'exchange.events': _left, ...rest } = PACKAGE_HANDLERS;
    // @ts-expect-error 'exchange.events' is applied on receipt, so its handler is required
    const missing: { readonly [T in AppliedPackageType]: PackageHandler } = rest;
    const extra: { readonly [T in AppliedPackageType]: PackageHandler } = {
      ...PACKAGE_HANDLERS,
      // @ts-expect-error 'exchange.confirmation' is kept, not applied: no handler
      'exchange.confirmation': handler,
    };
    expect(Object.keys(missing)).not.toContain('exchange.events');
    expect(Object.keys(extra)).toContain('exchange.confirmation');
  });
});
