import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './audit-events.ts';

// The checks that matter here are the compiler's (`tsc --noEmit`): each constant's type says whether
// writeAudit accepts that entry, and the value written must agree, or the file does not compile.
type Accepts<T> = [T] extends [AuditEntry] ? true : false;

const noDetail: Accepts<{ action: 'user.disabled'; entityType: 'user'; entityId: string }> = true;
const peer: Accepts<{
  action: 'trust.peer_set';
  entityType: 'peer';
  entityId: string;
  detail: { nodeName: string; url: string; previousUrl: null };
}> = true;
const signed: Accepts<{
  action: 'node_key.signed';
  entityType: 'exchange';
  entityId: string;
  detail: { kind: 'manifest'; sha256: string; keyRef: string };
}> = true;
const unknownAction: Accepts<{ action: 'trust.everything'; entityType: 'log'; entityId: null }> = false;
const wrongDetail: Accepts<{
  action: 'trust.peer_set';
  entityType: 'peer';
  entityId: string;
  detail: { url: number };
}> = false;
const unknownKind: Accepts<{
  action: 'node_key.signed';
  entityType: 'exchange';
  entityId: null;
  detail: { kind: 'poem'; sha256: string; keyRef: string };
}> = false;
const wrongEntity: Accepts<{
  action: 'trust.key_pinned';
  entityType: 'person';
  entityId: string;
  detail: { keyRef: string; vkeySha256: string };
}> = false;
const missingDetail: Accepts<{ action: 'trust.key_pinned'; entityType: 'key'; entityId: string }> = false;
const detailWhereNone: Accepts<{
  action: 'user.signed_in';
  entityType: 'user';
  entityId: string;
  detail: { password: string };
}> = false;

describe('audit entries', () => {
  it('are typed per action: known actions with their detail only (checked by tsc)', () => {
    expect([noDetail, peer, signed]).toEqual([true, true, true]);
    expect([unknownAction, wrongDetail, unknownKind, wrongEntity, missingDetail, detailWhereNone]).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
