/**
 * A token bucket per client address, in this process's memory: `burst` requests at once, refilled
 * at `perSecond`. A request with no token left is answered 429 THROTTLED with Retry-After (the seconds
 * until the next token), before its body is read. At most `maxClients` addresses are remembered;
 * past that, full buckets are dropped first, then the oldest.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCodes } from '../domain/errors.ts';

export interface RateLimit {
  burst: number;
  perSecond: number;
  maxClients?: number | undefined;
}

export function tokenBucket(limit: RateLimit, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxClients = limit.maxClients ?? 10_000;
  const refill = (b: { tokens: number; at: number }, t: number) => {
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
    b.at = t;
  };
  /** Takes a token for `key`; returns 0, or the milliseconds until one is available. */
  function take(key: string): number {
    const t = now();
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= maxClients) prune(t);
      b = { tokens: limit.burst, at: t };
      buckets.set(key, b);
    } else refill(b, t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    // (less a hair, so that float rounding never adds a whole millisecond)
    return Math.max(1, Math.ceil(((1 - b.tokens) / limit.perSecond) * 1000 - 1e-6));
  }
  function prune(t: number) {
    for (const [k, b] of buckets) {
      refill(b, t);
      if (b.tokens >= limit.burst) buckets.delete(k);
    }
    for (const k of buckets.keys()) {
      if (buckets.size < maxClients) break;
      buckets.delete(k);
    }
  }
  return { take, size: () => buckets.size };
}

/** An onRequest hook refusing a client address past its bucket (429 THROTTLED, Retry-After). */
export function rateLimitHook(limit: RateLimit, what: string) {
  const bucket = tokenBucket(limit);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const waitMs = bucket.take(req.ip);
    if (waitMs === 0) return;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    reply.header('retry-after', String(seconds));
    throw new DomainError(
      ErrorCodes.THROTTLED,
      `too many ${what} from this address; try again in ${seconds} s`,
      {
        retryAfterSeconds: seconds,
      },
    );
  };
}
