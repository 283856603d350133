import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import type { Role } from '../../domain/access.ts';

export type Db = Kysely<DB> | Transaction<DB>;

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export const UsernameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, {
  message: 'use 2–63 lower-case letters, digits, dot, underscore or hyphen',
});
export const PasswordSchema = z.string().min(12, { message: 'must be at least 12 characters' }).max(256);

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
  createdAt: string;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');

export function toUserView(r: {
  id: string;
  username: string;
  display_name: string;
  roles: string[];
  disabled_at: Date | null;
  created_at: Date;
}): UserView {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles as Role[],
    disabled: r.disabled_at !== null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
