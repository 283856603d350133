// Accounts, sessions and API tokens: one use case per file (see README.md); re-exported here for the edges.
export { PasswordSchema, SESSION_TTL_MS, UsernameSchema, type UserView } from './account-rows.ts';
export { addUser, type NewUser } from './add-user.ts';
export { createApiToken, resolveApiToken } from './api-tokens.ts';
export { countUsers } from './count-users.ts';
export { disableUser } from './disable-user.ts';
export { listUsers } from './list-users.ts';
export {
  ARGON2_OWASP,
  enableCheapPasswordHashingForTests,
  hashPassword,
  verifyPassword,
} from './passwords.ts';
export type { Principal } from './principal.ts';
export { csrfMatches, endSession, resolveSession } from './sessions.ts';
export { type SignedIn, type SignInOptions, signIn } from './sign-in.ts';
