import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canSeeField,
  hasPermission,
  minimalViewRoles,
  Permissions,
  type Role,
  Roles,
  requirePermission,
  restrictedFieldRoles,
  rolePermissions,
} from './access.ts';
import { RestrictedFields } from './person.ts';
import {
  type PersonRecord,
  PersonViewSchema,
  projectPerson,
  projectStatusEvent,
  restrictedFieldsShown,
  staffNameFor,
} from './person-view.ts';
import type { PlainDate } from './plain-date.ts';

/** A record with every field filled in, restricted ones too, so absence in a view means "withheld". */
const fullRecord: PersonRecord = {
  id: '00000000-0000-4000-8000-000000000001',
  names: [
    {
      script: 'Cyrl',
      lang: 'uk',
      family: 'Коваленко',
      given: 'Олександр',
      patronymic: 'Миколайович',
      raw: null,
      scheme: null,
      source: 'registry',
    },
  ],
  displayName: 'Коваленко Олександр Миколайович',
  birth: { date: '1994-03-12' as PlainDate, precision: 'day' },
  category: 'servicemember',
  status: { fate: 'in_custody_confirmed', exchange: 'nominated', legal: 'registered_missing' },
  version: 3,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-02-01T00:00:00.000Z',
  sex: 'male',
  birthPlace: 'Київ (synthetic)',
  citizenships: ['UA'],
  military: { branch: 'ЗСУ', unit: 'в/ч А0000', rank: 'солдат', serviceNumber: 'SN-0001' },
  externalRefs: [{ system: 'icrc', value: 'ICRC-0001' }],
  contacts: [{ name: 'Коваленко Ганна (synthetic)', relation: 'mother', phone: '+380 00 000 0001' }],
  health: [{ flag: 'seriously_wounded', determination: 'medical board (synthetic)' }],
  marks: 'scar on the left forearm (synthetic)',
  photos: [{ sha256: 'a'.repeat(64), caption: null }],
};

const MINIMAL = [
  'id',
  'names',
  'displayName',
  'birth',
  'category',
  'status',
  'version',
  'createdAt',
  'updatedAt',
];
const NON_MINIMAL = ['sex', 'birthPlace', 'citizenships', 'military', 'externalRefs'];

const rolesArb = fc.subarray([...Roles]);
const mediatorOnlyArb = fc.integer({ min: 1, max: 3 }).map((n) => Array<Role>(n).fill('mediator'));

const readsPersons = (r: Role) => (rolePermissions[r] as readonly string[]).includes('person:read');

describe('field-level access (property-based over every set of roles)', () => {
  it('a restricted field appears only when some role of the caller is allowed it, and then always', () => {
    fc.assert(
      fc.property(rolesArb, (roles) => {
        const view = projectPerson({ roles }, fullRecord);
        for (const f of RestrictedFields) {
          const allowed = roles.some((r) => (restrictedFieldRoles[f] as readonly Role[]).includes(r));
          expect(f in view, `${f} for [${roles.join(',')}]`).toBe(allowed);
          if (allowed) expect(view[f]).toEqual(fullRecord[f]);
          expect(canSeeField({ roles }, f)).toBe(allowed);
        }
        expect(restrictedFieldsShown({ roles }).sort()).toEqual(
          RestrictedFields.filter((f) => f in view).sort(),
        );
      }),
      { numRuns: 600 },
    );
  });

  it('no value of a withheld restricted field leaks anywhere in the view', () => {
    fc.assert(
      fc.property(rolesArb, (roles) => {
        const text = JSON.stringify(projectPerson({ roles }, fullRecord));
        if (!canSeeField({ roles }, 'contacts')) expect(text).not.toContain('+380');
        if (!canSeeField({ roles }, 'health')) expect(text).not.toContain('seriously_wounded');
        if (!canSeeField({ roles }, 'marks')) expect(text).not.toContain('scar');
        if (!canSeeField({ roles }, 'photos')) expect(text).not.toContain('a'.repeat(64));
      }),
      { numRuns: 300 },
    );
  });

  it('mediator-only callers see counts and minimal identifiers, never military, refs, birth place, sex, citizenship', () => {
    fc.assert(
      fc.property(mediatorOnlyArb, (roles) => {
        const view = projectPerson({ roles }, fullRecord);
        expect(Object.keys(view).sort()).toEqual([...MINIMAL].sort());
        expect(JSON.stringify(view)).not.toMatch(/SN-0001|ICRC-0001|А0000|Київ/);
      }),
    );
  });

  it('the full non-restricted record needs a role that reads persons beyond the minimal view', () => {
    // Adding a role that cannot read persons at all (admin, communications officer) to a mediator
    // must not widen what the mediator sees.
    fc.assert(
      fc.property(rolesArb, (roles) => {
        const view = projectPerson({ roles }, fullRecord);
        const full = roles.some((r) => readsPersons(r) && !minimalViewRoles.includes(r));
        for (const k of NON_MINIMAL) expect(k in view, `${k} for [${roles.join(',')}]`).toBe(full);
        for (const k of MINIMAL) expect(view).toHaveProperty(k);
        expect(PersonViewSchema.safeParse(view).success).toBe(true);
      }),
      { numRuns: 600 },
    );
    expect(Object.keys(projectPerson({ roles: ['mediator', 'admin'] }, fullRecord))).not.toContain(
      'military',
    );
    expect(Object.keys(projectPerson({ roles: [] }, fullRecord)).sort()).toEqual([...MINIMAL].sort());
  });

  it('a minimal view withholds where names came from, and a status event’s note, source reference and recorder', () => {
    const event = {
      id: 'e-1',
      value: 'missing',
      sourceType: 'family_report',
      sourceRef: 'letter-0001',
      note: 'synthetic note',
      recordedBy: 'staff-user',
    };
    fc.assert(
      fc.property(rolesArb, (roles) => {
        const full = roles.some((r) => readsPersons(r) && !minimalViewRoles.includes(r));
        const view = projectPerson({ roles }, fullRecord);
        expect(view.names.map((n) => n.source)).toEqual([full ? 'registry' : null]);
        expect(projectStatusEvent({ roles }, event)).toEqual(
          full ? event : { ...event, sourceRef: null, note: null, recordedBy: null },
        );
        expect(staffNameFor({ roles }, 'staff-user')).toBe(full ? 'staff-user' : null);
      }),
      { numRuns: 300 },
    );
  });

  it('hasPermission is exactly the union of the permissions of the caller’s roles', () => {
    fc.assert(
      fc.property(rolesArb, fc.constantFrom(...Permissions), (roles, p) => {
        const union = new Set(roles.flatMap((r) => rolePermissions[r] as readonly string[]));
        expect(hasPermission({ roles }, p)).toBe(union.has(p));
        if (union.has(p)) expect(() => requirePermission({ roles }, p)).not.toThrow();
        else
          expect(() => requirePermission({ roles }, p)).toThrow(
            expect.objectContaining({ code: 'FORBIDDEN' }),
          );
      }),
      { numRuns: 600 },
    );
  });

  it('default deny: no roles means no permission and no restricted field', () => {
    for (const p of Permissions) expect(hasPermission({ roles: [] }, p)).toBe(false);
    for (const f of RestrictedFields) expect(canSeeField({ roles: [] }, f)).toBe(false);
    // Only the administrator manages accounts, and the administrator reads no persons.
    expect(Roles.filter((r) => hasPermission({ roles: [r] }, 'user:manage'))).toEqual(['admin']);
    expect(hasPermission({ roles: ['admin'] }, 'person:read')).toBe(false);
    expect(hasPermission({ roles: ['mediator'] }, 'person:write')).toBe(false);
  });
});
