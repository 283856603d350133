import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditRecord } from './audit-events.ts';

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

// A stored row, read back: narrowing on its action types its detail.
function describeRow(row: AuditRecord): string {
  switch (row.action) {
    case 'trust.peer_set':
      return `${row.detail.nodeName} at ${row.detail.url}`;
    case 'package.sent':
      return `${row.detail.type} to ${row.detail.recipients}`;
    case 'user.signed_in':
      return `${Object.keys(row.detail).length} fields`;
    default:
      return row.action;
  }
}
type Stored<T> = [T] extends [AuditRecord] ? true : false;
const storedNoDetail: Stored<{
  action: 'user.signed_in';
  entityType: 'user';
  detail: Record<string, never>;
}> = true;
const storedWrongDetail: Stored<{ action: 'trust.peer_set'; entityType: 'peer'; detail: { url: number } }> =
  false;

describe('audit entries', () => {
  it('read back typed by their action (checked by tsc)', () => {
    expect(
      describeRow({
        action: 'trust.peer_set',
        entityType: 'peer',
        detail: { nodeName: 'node-b.test', url: 'https://node-b.test', previousUrl: null },
      }),
    ).toBe('node-b.test at https://node-b.test');
    expect(describeRow({ action: 'user.signed_in', entityType: 'user', detail: {} })).toBe('0 fields');
    expect([storedNoDetail, storedWrongDetail]).toEqual([true, false]);
  });

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
