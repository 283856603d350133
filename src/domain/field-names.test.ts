import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldNamesOf, shownIssue, shownPath } from './field-names.ts';

const Body = z.object({
  entries: z.array(z.object({ personRef: z.string(), note: z.string().nullish() })),
  extra: z.record(z.string(), z.number()),
});

describe('the path of a validation issue', () => {
  it('shows array indexes and the schema’s field names, and hides every key the client chose', () => {
    const names = fieldNamesOf(Body);
    expect([...names].sort()).toEqual(['entries', 'extra', 'note', 'personRef']);
    const data = { entries: [{ personRef: 1 }], extra: { constructor: 'x', '1234': 'y', note: 'z' } };
    expect(shownPath('body', ['entries', '0', 'personRef'], data, names)).toBe('body.entries.0.personRef');
    expect(shownPath('body', ['extra', 'constructor'], data, names)).toBe('body.extra.(key)');
    // A record's key made of digits is not an index: only arrays have those.
    expect(shownPath('body', ['extra', '1234'], data, names)).toBe('body.extra.(key)');
    expect(shownPath('body', ['entries', '7', 'personRef'], data, names)).toBe('body.entries.7.personRef');
  });

  it('knows no names for a schema it cannot read, and so names nothing', () => {
    expect(fieldNamesOf(undefined).size).toBe(0);
    expect(shownPath('body', ['a'], { a: 1 }, fieldNamesOf(undefined))).toBe('body.(key)');
  });
});

describe('a Zod issue as shown', () => {
  it('hides a record key the client chose and quotes no unknown key', () => {
    const Shares = z.object({ shares: z.record(z.string().regex(/^[a-z-]+$/), z.number().int().min(1)) });
    const r = Shares.safeParse({ shares: { qzSecretWord: 0 } });
    expect(r.success).toBe(false);
    const shown = r.error!.issues.map((i) => shownIssue(Shares, i));
    expect(shown.map((s) => s.path)).toEqual(['shares.(key)']);
    expect(JSON.stringify(shown)).not.toContain('qzSecretWord');
    const Strict = z.strictObject({ a: z.string() });
    const u = Strict.safeParse({ a: 'x', qzUnknownField: 1 });
    expect(JSON.stringify(u.error!.issues.map((i) => shownIssue(Strict, i)))).not.toContain('qzUnknownField');
  });
});
