import { describe, expect, it } from 'vitest';
import {
  agreementBody,
  agreementHash,
  agreementInForce,
  amendAgreement,
  draftAgreement,
  editAgreementDraft,
  isAgreementInForce,
  nextAgreementStatus,
  requiredAgreementSigners,
  signAgreement,
} from './agreement.ts';
import { violationOf } from './errors.ts';
import { A, B, categoryAgreement, M, numericAgreement, sign } from './testing.ts';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return violationOf(e) ?? (e as { code?: string }).code;
  }
  return undefined;
};

describe('agreements', () => {
  it('is in force only when every party and the mediator signed this version', () => {
    const a = categoryAgreement();
    expect(requiredAgreementSigners(a)).toEqual([
      { signer: A, role: 'party' },
      { signer: B, role: 'party' },
      { signer: M, role: 'mediator' },
    ]);
    const h = agreementHash(a);
    const two = signAgreement(signAgreement(a, sign(A, 'party', h)), sign(B, 'party', h));
    expect(isAgreementInForce(two)).toBe(false);
    expect(isAgreementInForce(signAgreement(two, sign(M, 'mediator', h)))).toBe(true);
  });

  it('refuses a signature over another version, from a stranger, or twice', () => {
    const a = categoryAgreement();
    const h = agreementHash(a);
    expect(codeOf(() => signAgreement(a, sign(A, 'party', '0'.repeat(64))))).toBe('HASH_MISMATCH');
    expect(codeOf(() => signAgreement(a, sign('party-c', 'party', h)))).toBe('NOT_A_SIGNER');
    expect(codeOf(() => signAgreement(a, sign(M, 'party', h)))).toBe('NOT_A_SIGNER');
    expect(codeOf(() => signAgreement(signAgreement(a, sign(A, 'party', h)), sign(A, 'party', h)))).toBe(
      'ALREADY_SIGNED',
    );
  });

  it('never changes once signed: edits are refused, the object is frozen, amendments are new versions', () => {
    const v1 = numericAgreement(1000);
    expect(codeOf(() => editAgreementDraft(v1, { title: 'changed' }))).toBe('SIGNED_IMMUTABLE');
    expect(Object.isFrozen(v1) && Object.isFrozen(v1.categories[0]!.predicate)).toBe(true);
    const v2 = amendAgreement(v1, 'target raised by the parties', {
      targets: [{ direction: A, category: null, count: 1200 }],
    });
    expect(v2).toMatchObject({ version: 2, supersedes: agreementHash(v1), signatures: [] });
    expect(agreementInForce([v1, v2])).toBe(v1);
    const h2 = agreementHash(v2);
    const v2s = [sign(A, 'party', h2), sign(B, 'party', h2), sign(M, 'mediator', h2)].reduce(
      signAgreement,
      v2,
    );
    expect(agreementInForce([v2s, v1])).toBe(v2s);
    // A version that does not chain to its predecessor is refused.
    const forged = { ...v2s, supersedes: '0'.repeat(64) };
    expect(codeOf(() => agreementInForce([v1, forged]))).toBe('HASH_MISMATCH');
  });

  it('checks the rules against the categories and the type', () => {
    const body = agreementBody(categoryAgreement());
    expect(codeOf(() => draftAgreement({ ...body, ratioRules: [] }))).toBe('VALIDATION_FAILED');
    expect(
      codeOf(() =>
        draftAgreement({ ...body, orderingRules: [{ id: 'o', first: 'nope', after: null, scope: 'stage' }] }),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(codeOf(() => draftAgreement({ ...body, type: 'unilateral' }))).toBe('VALIDATION_FAILED');
    expect(() =>
      draftAgreement({ ...body, type: 'unilateral', releasingParty: A, ratioRules: [] }),
    ).not.toThrow();
    expect(codeOf(() => draftAgreement({ ...body, type: 'remains' }))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => draftAgreement({ ...body, version: 2 }))).toBe('VALIDATION_FAILED');
  });

  it('follows the agreement lifecycle table', () => {
    expect(nextAgreementStatus('negotiating', 'agreed')).toBe('agreed');
    expect(codeOf(() => nextAgreementStatus('completed', 'in_execution'))).toBe('FORBIDDEN_TRANSITION');
  });
});
