// Sign-in throttling over HTTP (src/app/accounts/sign-in-throttle.ts): growing delays per (account, address),
// refused before the password is checked, atomic under concurrency, the client address taken from
// X-Forwarded-For only behind a trusted proxy. Time is moved with the server's clock, not slept.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../app/accounts/accounts.ts';
import { ACCOUNT_POLICY, delayAfter, FORGET_MS, PAIR_POLICY } from '../app/accounts/sign-in-throttle.ts';
import { isDomainError } from '../domain/errors.ts';
import { type App, buildServer } from './server.ts';
import { buildTestNode, createUser, sessionCookieOf, signInRequest, type TestNode } from './testing.ts';

/** The server's time: stopped at `frozen` while a test sets it, else the system clock. */
let frozen: Date | undefined;
const clock = () => frozen ?? new Date();
const advance = (ms: number) => {
  frozen = new Date(frozen!.getTime() + ms);
};
let node: TestNode;
/** The same node behind a reverse proxy at 127.0.0.1, configured as trusted. */
let proxied: App;
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'thr', server: { clock } });
  proxied = await buildServer({
    database: node.database,
    identity: node.identity,
    logLevel: 'silent',
    outboxIntervalMs: 0,
    clock,
    trustProxy: ['127.0.0.1'],
  });
});
afterAll(async () => {
  await proxied?.close();
  await node?.close();
});

const freshAddress = () => `10.${[...randomBytes(3)].join('.')}`;
const freshName = (p: string) => `${p}-${randomBytes(3).toString('hex')}`;
const PASSWORD = 'the-right-password-1';
const errorOf = (res: LightMyRequestResponse) =>
  (res.json() as { error: { code: string; message: string } }).error;

async function newAccount(prefix = 'thr-user'): Promise<string> {
  const username = freshName(prefix);
  await createUser(node, username, PASSWORD, ['case_worker']);
  return username;
}

/** Password checks that failed for an account: one `user.sign_in_failed` audit row each. */
async function failedChecks(username: string): Promise<number> {
  const user = await node.database.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  const r = await node.database.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('entity_id', '=', user.id)
    .where('action', '=', 'user.sign_in_failed')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const viaProxy = (username: string, password: string, client: string) =>
  proxied.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username, password },
    remoteAddress: '127.0.0.1',
    headers: { 'x-forwarded-for': client },
  });

const statuses = (rs: LightMyRequestResponse[]) =>
  rs.reduce<Record<number, number>>((m, r) => {
    m[r.statusCode] = (m[r.statusCode] ?? 0) + 1;
    return m;
  }, {});

describe('sign-in throttling', () => {
  it('checks at most the free failures of 100 parallel wrong passwords from one address', async () => {
    const username = await newAccount();
    const ip = freshAddress();
    frozen = new Date();
    const rs = await Promise.all(
      Array.from({ length: 100 }, (_, i) => signInRequest(node.app, username, `wrong-password-${i}`, ip)),
    );
    frozen = undefined;
    expect(statuses(rs)).toEqual({ 401: PAIR_POLICY.free, 429: 100 - PAIR_POLICY.free });
    expect(await failedChecks(username)).toBe(PAIR_POLICY.free);
    for (const r of rs.filter((x) => x.statusCode === 429)) {
      expect(errorOf(r).code).toBe('THROTTLED');
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
  });

  it('checks at most the account limit of 100 parallel wrong passwords from 100 addresses', async () => {
    const username = await newAccount();
    frozen = new Date();
    const rs = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        signInRequest(node.app, username, `wrong-password-${i}`, `10.77.${i}.${randomBytes(1)[0]}`),
      ),
    );
    frozen = undefined;
    expect(statuses(rs)).toEqual({ 401: ACCOUNT_POLICY.free, 429: 100 - ACCOUNT_POLICY.free });
    expect(await failedChecks(username)).toBe(ACCOUNT_POLICY.free);
  });

  it('behind a trusted proxy, 20 failures from one client do not stop a correct sign-in from another', async () => {
    const username = await newAccount();
    const [a, b] = [freshAddress(), freshAddress()];
    const burst: LightMyRequestResponse[] = [];
    for (let i = 0; i < 20; i++) burst.push(await viaProxy(username, `wrong-password-${i}`, a));
    expect(statuses(burst)).toEqual({ 401: 5, 429: 15 });
    // Client a waits, even with the right password; client b and another account at a do not.
    const atA = await viaProxy(username, PASSWORD, a);
    expect(atA.statusCode).toBe(429);
    expect(sessionCookieOf(atA)).toBeUndefined();
    const atB = await viaProxy(username, PASSWORD, b);
    expect(atB.statusCode).toBe(200);
    expect(sessionCookieOf(atB)).toBeDefined();
    const other = await newAccount();
    expect((await viaProxy(other, PASSWORD, a)).statusCode).toBe(200);
  });

  it('without a trusted proxy, X-Forwarded-For is ignored: the socket address counts', async () => {
    const username = await newAccount();
    const socket = freshAddress();
    for (let i = 0; i < 5; i++) {
      const r = await node.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username, password: `wrong-password-${i}` },
        remoteAddress: socket,
        headers: { 'x-forwarded-for': freshAddress() },
      });
      expect(r.statusCode).toBe(401);
    }
    // Claiming yet another client address changes nothing: the pair (account, socket) waits.
    const claimed = await node.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username, password: PASSWORD },
      remoteAddress: socket,
      headers: { 'x-forwarded-for': freshAddress() },
    });
    expect(claimed.statusCode).toBe(429);
    expect((await signInRequest(node.app, username, PASSWORD, freshAddress())).statusCode).toBe(200);
  });

  it('lets the right password in once the delay has passed, and the delay grows', async () => {
    const username = await newAccount();
    const ip = freshAddress();
    frozen = new Date();
    try {
      for (let i = 0; i < 10; i++) await signInRequest(node.app, username, `wrong-password-${i}`, ip);
      expect(await failedChecks(username)).toBe(5);
      const early = await signInRequest(node.app, username, PASSWORD, ip);
      expect(early.statusCode).toBe(429);
      expect(early.headers['retry-after']).toBe('1');
      advance(1000);
      // One more failure: the next check waits 2 s.
      expect((await signInRequest(node.app, username, 'wrong-password-x', ip)).statusCode).toBe(401);
      const again = await signInRequest(node.app, username, PASSWORD, ip);
      expect(again.statusCode).toBe(429);
      expect(again.headers['retry-after']).toBe('2');
      advance(1999);
      expect((await signInRequest(node.app, username, PASSWORD, ip)).statusCode).toBe(429);
      advance(1);
      const right = await signInRequest(node.app, username, PASSWORD, ip);
      expect(right.statusCode).toBe(200);
      expect(sessionCookieOf(right)).toBeDefined();
      // A success resets the pair: five free failures again.
      for (let i = 0; i < 5; i++)
        expect((await signInRequest(node.app, username, `wrong-again-${i}`, ip)).statusCode).toBe(401);
      expect((await signInRequest(node.app, username, 'wrong-again-5', ip)).statusCode).toBe(429);
    } finally {
      frozen = undefined;
    }
  });

  it('answers the same for an account that does not exist, and checks no password while delayed', async () => {
    const real = await newAccount();
    const missing = freshName('nobody');
    const ip = freshAddress();
    const answers = async (username: string) => {
      const out: LightMyRequestResponse[] = [];
      for (let i = 0; i < 7; i++)
        out.push(await signInRequest(node.app, username, `wrong-password-${i}`, ip));
      return out.map((r) => ({ status: r.statusCode, retryAfter: r.headers['retry-after'], body: r.json() }));
    };
    const [forReal, forMissing] = [await answers(real), await answers(missing)];
    expect(forMissing).toEqual(forReal);
    expect(forReal.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(forReal[5]!.body).toEqual({
      error: {
        code: 'THROTTLED',
        message: 'too many failed sign-in attempts; try again in 1 s',
        details: { retryAfterSeconds: 1 },
      },
    });
    expect(await failedChecks(real)).toBe(5);
  });

  it('follows the delay policy for any sequence of attempts: refused inside the delay, reset on success', async () => {
    const username = await newAccount('thr-model');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            afterMs: fc.oneof(
              fc.constant(0),
              fc.integer({ min: 0, max: 40_000 }),
              fc.constant(15 * 60 * 1000),
            ),
            correct: fc.boolean(),
          }),
          { minLength: 1, maxLength: 14 },
        ),
        async (steps) => {
          // Each run from its own address and days after the last: a fresh pair and account counter.
          const address = `10.${run >> 8}.${run++ & 255}.9`;
          let t = Date.parse('2026-03-01T00:00:00Z') + run * 2 * FORGET_MS; // past every counter of the last run
          const model = { failures: 0, lastAt: 0 };
          let accountFailures = 0;
          for (const step of steps) {
            t += step.afterMs;
            const wait = model.lastAt + delayAfter(model.failures, PAIR_POLICY) - t;
            const outcome = await signIn(
              node.database,
              node.identity.orgId,
              { username, password: step.correct ? PASSWORD : 'a-wrong-password', address },
              { now: new Date(t) },
            ).then(
              () => 'signed-in',
              (e: unknown) => {
                if (!isDomainError(e)) throw e;
                return e.code === 'THROTTLED' ? `wait ${e.details?.retryAfterSeconds}` : e.code;
              },
            );
            if (wait > 0) {
              expect(outcome).toBe(`wait ${Math.max(1, Math.ceil(wait / 1000))}`);
            } else if (step.correct) {
              expect(outcome).toBe('signed-in');
              model.failures = 0;
            } else {
              expect(outcome).toBe('UNAUTHENTICATED');
              model.failures += 1;
              model.lastAt = t;
              accountFailures += 1;
            }
          }
          expect(accountFailures).toBeLessThan(ACCOUNT_POLICY.free);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('forgets counters untouched for a day: the next sign-in deletes them', async () => {
    const username = await newAccount('thr-forget');
    const counters = async () =>
      (
        await node.database.db
          .selectFrom('sign_in_throttle')
          .select('key')
          .where('key', 'like', `%${username}%`)
          .execute()
      ).length;
    frozen = new Date('2026-05-01T00:00:00Z');
    try {
      for (let i = 0; i < 3; i++)
        await signInRequest(node.app, username, `wrong-password-${i}`, freshAddress());
      expect(await counters()).toBe(4); // its account, and three (account, address) pairs
      advance(FORGET_MS - 1);
      await signInRequest(node.app, await newAccount(), PASSWORD, freshAddress());
      expect(await counters()).toBe(4);
      advance(1);
      await signInRequest(node.app, await newAccount(), PASSWORD, freshAddress());
      expect(await counters()).toBe(0);
    } finally {
      frozen = undefined;
    }
  });
});
