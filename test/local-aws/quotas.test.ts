/** The emulated Secrets Manager rate quotas: the table, the buckets (injected clock), the limiter. */
import { describe, expect, it } from 'vitest';
import {
  QuotaLimiter,
  quotaBoundRate,
  quotaGroupOf,
  SECRETS_MANAGER_QUOTAS,
  TokenBucket,
} from '../../local/aws/quotas.js';

/** A clock that only moves when the test moves it. */
function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** How many of `n` calls a take function admits. */
const admitted = (n: number, take: () => boolean): number =>
  Array.from({ length: n }, take).filter(Boolean).length;

describe('the quota table', () => {
  it('puts every operation in at most one group', () => {
    const ops = SECRETS_MANAGER_QUOTAS.flatMap((g) => g.operations);
    expect(new Set(ops).size).toBe(ops.length);
  });

  it.each([
    ['PutResourcePolicy', 'resource-policy', 50],
    ['ValidateResourcePolicy', 'resource-policy', 50],
    ['PutSecretValue', 'write-value', 50],
    ['UpdateSecret', 'write-value', 50],
    ['UpdateSecretVersionStage', 'write-value', 50],
    ['RotateSecret', 'rotation', 50],
    ['TagResource', 'tagging', 50],
    ['UntagResource', 'tagging', 50],
    ['RestoreSecret', 'restore', 50],
    ['CreateSecret', 'create', 50],
    ['DeleteSecret', 'delete', 50],
    ['ListSecrets', 'list', 100],
    ['BatchGetSecretValue', 'batch-get', 100],
    ['GetSecretValue', 'read', 10_000],
    ['DescribeSecret', 'read', 10_000],
  ])('gives %s the group %s at %i per second', (op, name, perSecond) => {
    expect(quotaGroupOf(op)).toMatchObject({ name, perSecond });
  });

  it('gives operations without a quota (and SSM) no group', () => {
    expect(quotaGroupOf('GetParameter')).toBeUndefined();
  });

  it('bounds the migration (create, policy, delete per key) at 50 keys a second', () => {
    expect(quotaBoundRate(['CreateSecret', 'PutResourcePolicy', 'DeleteSecret'])).toBe(50);
  });

  it('counts two calls of one group per unit as half its rate', () => {
    expect(quotaBoundRate(['GetResourcePolicy', 'PutResourcePolicy', 'GetSecretValue'])).toBe(25);
  });
});

describe('TokenBucket', () => {
  it('admits a full second of calls at once, then refuses the next', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(50, clock.now);
    expect(admitted(50, () => bucket.take())).toBe(50);
    expect(bucket.take()).toBe(false);
  });

  it('refills at its rate: 20 ms of a 50/s bucket is one call', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(50, clock.now);
    admitted(50, () => bucket.take());
    clock.advance(19);
    expect(bucket.take()).toBe(false);
    clock.advance(1);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it('never holds more than one second of burst, however long it idles', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(50, clock.now);
    clock.advance(60_000);
    expect(admitted(200, () => bucket.take())).toBe(50);
  });

  it('sustains exactly its rate over ten seconds of steady demand', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(50, clock.now);
    let total = 0;
    for (let ms = 0; ms < 10_000; ms += 5) {
      total += admitted(3, () => bucket.take());
      clock.advance(5);
    }
    // The first second's burst, then 50 a second.
    expect(total).toBe(50 + 50 * 10 - 1);
  });

  it('refills nothing when the clock steps back', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(50, clock.now);
    admitted(50, () => bucket.take());
    clock.advance(-500);
    expect(bucket.take()).toBe(false);
  });
});

describe('QuotaLimiter', () => {
  it('shares one bucket among the operations of a group', () => {
    const clock = manualClock();
    const limiter = new QuotaLimiter(undefined, clock.now);
    expect(admitted(25, () => limiter.admit('PutResourcePolicy'))).toBe(25);
    expect(admitted(25, () => limiter.admit('GetResourcePolicy'))).toBe(25);
    expect(limiter.admit('DeleteResourcePolicy')).toBe(false);
  });

  it('keeps the groups apart: a spent group does not throttle another', () => {
    const clock = manualClock();
    const limiter = new QuotaLimiter(undefined, clock.now);
    admitted(50, () => limiter.admit('CreateSecret'));
    expect(limiter.admit('CreateSecret')).toBe(false);
    expect(limiter.admit('DeleteSecret')).toBe(true);
    expect(limiter.admit('PutResourcePolicy')).toBe(true);
  });

  it('never refuses an operation without a quota', () => {
    const limiter = new QuotaLimiter(undefined, manualClock().now);
    expect(admitted(1_000, () => limiter.admit('GetParameter'))).toBe(1_000);
  });
});
