/** Roles from DESIGN.md ("Who uses it"), plus the node administrator who manages accounts. */
export const Roles = [
  'admin',
  'coordinator',
  'list_officer',
  'identity_analyst',
  'field_officer',
  'case_worker',
  'communications_officer',
  'auditor',
  'mediator',
] as const;
export type Role = (typeof Roles)[number];
