/**
 * AWS Secrets Manager's per-operation request-rate quotas, as token buckets per quota group, so a
 * run against the embedded endpoint meets the same throttling a run against AWS would.
 *
 * Source: the Secrets Manager User Guide, "AWS Secrets Manager quotas" (reference_limits.html).
 * Every group there is account-wide per Region and not adjustable; the endpoint keeps one bucket
 * per group for the whole endpoint. Operations in no group (SSM, operations AWS lists without a
 * rate) are never throttled here.
 */

/** One quota group: the operations that share one per-second rate. */
export interface QuotaGroup {
  /** Short name of the group (stable: benchmarks and logs use it). */
  readonly name: string;
  /** Requests per second the group allows, all its operations combined. */
  readonly perSecond: number;
  /** Secrets Manager operation names (`CreateSecret`, ...). */
  readonly operations: readonly string[];
}

/** Secrets Manager's default rate quotas, grouped exactly as AWS combines them. */
export const SECRETS_MANAGER_QUOTAS: readonly QuotaGroup[] = [
  {
    name: 'resource-policy',
    perSecond: 50,
    operations: ['DeleteResourcePolicy', 'GetResourcePolicy', 'PutResourcePolicy', 'ValidateResourcePolicy'],
  },
  // AWS raised DescribeSecret alone to 40,000/s in March 2025; the quota table still lists them combined.
  { name: 'read', perSecond: 10_000, operations: ['DescribeSecret', 'GetSecretValue'] },
  {
    name: 'write-value',
    perSecond: 50,
    operations: [
      'PutSecretValue',
      'RemoveRegionsFromReplication',
      'ReplicateSecretToRegions',
      'StopReplicationToReplica',
      'UpdateSecret',
      'UpdateSecretVersionStage',
    ],
  },
  { name: 'restore', perSecond: 50, operations: ['RestoreSecret'] },
  // A group of its own in the quota table, not part of the write-value group.
  { name: 'rotation', perSecond: 50, operations: ['RotateSecret', 'CancelRotateSecret'] },
  { name: 'tagging', perSecond: 50, operations: ['TagResource', 'UntagResource'] },
  { name: 'batch-get', perSecond: 100, operations: ['BatchGetSecretValue'] },
  { name: 'create', perSecond: 50, operations: ['CreateSecret'] },
  { name: 'delete', perSecond: 50, operations: ['DeleteSecret'] },
  { name: 'list', perSecond: 100, operations: ['ListSecrets'] },
];

/** The quota group of a Secrets Manager operation, or undefined when AWS gives it no rate quota. */
export function quotaGroupOf(
  operation: string,
  groups: readonly QuotaGroup[] = SECRETS_MANAGER_QUOTAS,
): QuotaGroup | undefined {
  return groups.find((g) => g.operations.includes(operation));
}

/**
 * The most units of work per second the quotas allow when each unit makes `operations` (one
 * entry per call, repeats counted): the tightest group's rate over its calls per unit. E.g. the
 * migration's CreateSecret + PutResourcePolicy + DeleteSecret per key: 50 keys a second.
 * Infinity when no call has a quota.
 */
export function quotaBoundRate(
  operations: readonly string[],
  groups: readonly QuotaGroup[] = SECRETS_MANAGER_QUOTAS,
): number {
  const calls = new Map<QuotaGroup, number>();
  for (const op of operations) {
    const group = quotaGroupOf(op, groups);
    if (group !== undefined) calls.set(group, (calls.get(group) ?? 0) + 1);
  }
  let bound = Number.POSITIVE_INFINITY;
  for (const [group, n] of calls) bound = Math.min(bound, group.perSecond / n);
  return bound;
}

/**
 * A token bucket: holds up to `perSecond` tokens (one second's burst), refills continuously at
 * `perSecond` tokens a second, and each admitted call takes one token.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = perSecond;
    this.last = now();
  }

  /** Takes a token when one is there (true), else leaves the bucket as it is (false). */
  take(): boolean {
    const now = this.now();
    // A clock that steps back (an injected one) refills nothing rather than draining the bucket.
    const elapsedMs = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.perSecond, this.tokens + (elapsedMs * this.perSecond) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** One token bucket per quota group; admits or refuses each call by operation name. */
export class QuotaLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  /** @param now milliseconds on a monotonic clock; injected by tests. */
  constructor(
    private readonly groups: readonly QuotaGroup[] = SECRETS_MANAGER_QUOTAS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when the call may run; false when its group has used up its rate. */
  admit(operation: string): boolean {
    const group = quotaGroupOf(operation, this.groups);
    if (group === undefined) return true;
    let bucket = this.buckets.get(group.name);
    if (bucket === undefined) {
      bucket = new TokenBucket(group.perSecond, this.now);
      this.buckets.set(group.name, bucket);
    }
    return bucket.take();
  }
}
