import { contextOf, type RequestContext, type Role } from '../../domain/access.ts';
import { toUserView, type UserView } from './account-rows.ts';

export interface Principal {
  ctx: RequestContext;
  user: UserView;
  /** Present for cookie sessions: mutations must echo it in the x-csrf-token header. */
  csrfToken: string | null;
}

export function principalOf(
  row: {
    id: string;
    org_id: string;
    username: string;
    display_name: string;
    roles: string[];
    disabled_at: Date | null;
    created_at: Date;
  },
  csrf: string | null,
  requestId?: string,
): Principal {
  return {
    ctx: contextOf(
      row.org_id,
      { kind: 'user', userId: row.id, username: row.username, roles: row.roles as Role[] },
      requestId,
    ),
    user: toUserView(row),
    csrfToken: csrf,
  };
}

/** The user columns a principal is built from, shared by session and token look-ups. */
export const PRINCIPAL_COLUMNS = [
  'u.id',
  'u.org_id',
  'u.username',
  'u.display_name',
  'u.roles',
  'u.disabled_at',
  'u.created_at',
] as const;
