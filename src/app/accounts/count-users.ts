import type { Db } from './account-rows.ts';

export async function countUsers(db: Db): Promise<number> {
  const r = await db.selectFrom('users').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
