/**
 * The one-shot legacy-key migration's rules (DESIGN §5), beside the namespace rules they follow:
 * which bare keys move where, the per-key write-before-delete algorithm, adoption of pre-broker
 * user keys, and the counts an execution gathers. Pure: the store is the core's port.
 */
import { ConflictError, SecretNotFoundError, ThrottledError } from './errors.js';
import {
  isReserved,
  keyProblem,
  type LegacyPrefix,
  legacyScopeOf,
  MAX_KEY_LENGTH,
  OWNER_TAG,
  SCOPE_TAG,
  scopePrefix,
  USER_OWNER,
} from './namespace.js';
import type { SecretStore, SecretSummary } from './port.js';

/** A bare legacy key and the system key it moves to. */
export interface PlannedMove {
  readonly kind: 'move';
  /** The bare legacy key. */
  readonly from: string;
  /** `__thv_<scope>_<from>`. */
  readonly to: string;
  /** The scope the legacy table maps it to. */
  readonly scope: string;
}

/** An untagged bare key that no legacy row matches: a user key written before the broker. */
export interface PlannedAdoption {
  readonly kind: 'adopt';
  /** The bare key, tagged `thv:owner=user` by the migration. */
  readonly key: string;
}

/** One unit of migration work. */
export type MigrationItem = PlannedMove | PlannedAdoption;

/** Why a listed key needs no work. */
export type SkipReason = 'system' | 'user' | 'tagged' | 'invalid';

/** A legacy key that cannot move: its scoped name would be longer than a key may be. */
export interface Unmovable {
  /** The bare legacy key. */
  readonly key: string;
  /** Why it cannot move (no value, only the rule). */
  readonly reason: string;
}

/** What one listing page turns into. */
export interface PagePlan {
  /** Work to do, moves and adoptions in listing order. */
  readonly items: MigrationItem[];
  /** Keys left alone, by reason. */
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** Legacy keys whose new name would break the key rules; they count as failed. */
  readonly unmovable: Unmovable[];
}

/** The planner: turns one listing page (keys with their tags) into moves and adoptions. */
export function planPage(rows: readonly SecretSummary[], table: readonly LegacyPrefix[]): PagePlan {
  const items: MigrationItem[] = [];
  const unmovable: Unmovable[] = [];
  const skipped: Record<SkipReason, number> = { system: 0, user: 0, tagged: 0, invalid: 0 };
  for (const row of rows) {
    const tags = row.tags ?? {};
    if (isReserved(row.key)) skipped.system++;
    else if (tags[OWNER_TAG] === USER_OWNER) skipped.user++;
    // A bare key that carries any broker tag was placed on purpose: never promoted, never adopted.
    else if (tags[OWNER_TAG] !== undefined || tags[SCOPE_TAG] !== undefined) skipped.tagged++;
    else if (keyProblem(row.key) !== undefined) skipped.invalid++;
    else {
      const scope = legacyScopeOf(row.key, table);
      if (scope === undefined) items.push({ kind: 'adopt', key: row.key });
      else if (scopePrefix(scope).length + row.key.length > MAX_KEY_LENGTH) {
        unmovable.push({
          key: row.key,
          reason: `its scoped name would be longer than ${MAX_KEY_LENGTH} characters`,
        });
      } else items.push({ kind: 'move', from: row.key, to: `${scopePrefix(scope)}${row.key}`, scope });
    }
  }
  return { items, skipped, unmovable };
}

/** Splits `items` into batches of at most `size`. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** What happened to one item. */
export type ItemOutcome =
  /** Written under its scoped key, read back, then the bare key deleted. */
  | 'migrated'
  /** The scoped key already existed: its value won, tag and policy repaired, the bare key deleted. */
  | 'alreadyScoped'
  /** Tagged `thv:owner=user`. */
  | 'adopted'
  /** Gone before it was read (another run got there first). */
  | 'missing'
  /** Not done; the flag stays unset so a re-run finishes it. */
  | 'failed';

/** One item's result: never a value, only the key, the outcome and a reason for failures. */
export interface ItemResult {
  /** The bare key. */
  readonly key: string;
  /** What happened. */
  readonly outcome: ItemOutcome;
  /** For failures: the step and the error's name or rule. */
  readonly reason?: string;
}

/**
 * Raised when the store keeps throttling after the client's own retries: the whole batch is
 * handed back to Step Functions, whose Retry backs off and runs it again (every step is idempotent).
 */
export class MigrationThrottledError extends ThrottledError {}

/** The error's name for a failure reason (never its message: a message could quote a value). */
function reasonOf(step: string, error: unknown): string {
  const name = error instanceof Error ? error.name : 'unknown error';
  return `${step}: ${name}`;
}

const isNotFound = (error: unknown): boolean => error instanceof SecretNotFoundError;

/** Deletes the bare key at once; already gone is fine. */
async function deleteBare(store: SecretStore, key: string): Promise<void> {
  try {
    await store.delete(key, { force: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** The scoped key exists: its value wins; repair tag and policy first, then drop the bare key. */
async function settleOnScoped(store: SecretStore, move: PlannedMove): Promise<ItemOutcome> {
  await store.tag(move.to, { [SCOPE_TAG]: move.scope });
  await store.protect(move.to);
  await deleteBare(store, move.from);
  return 'alreadyScoped';
}

/** Throttling leaves the item to Step Functions' Retry; anything else is this item's failure. */
function failure(key: string, step: string, error: unknown): ItemResult {
  if (error instanceof ThrottledError)
    throw new MigrationThrottledError(`throttled at ${step}`, { cause: error });
  return { key, outcome: 'failed', reason: reasonOf(step, error) };
}

/**
 * Moves one legacy key, exactly as DESIGN §5 orders it:
 * 1. scoped key exists → scoped value wins: repair its tag and policy, delete the old key;
 * 2. any other error than not-found while checking → stop, write nothing;
 * 3. read old; missing → skip;
 * 4. write new (scope tag and policy), read it back, then delete old with no recovery window.
 * A crash anywhere leaves the value readable under at least one name; the next run's step 1 repairs.
 */
export async function migrateKey(store: SecretStore, move: PlannedMove): Promise<ItemResult> {
  const key = move.from;
  try {
    await store.get(move.to);
    return { key, outcome: await settleOnScoped(store, move) };
  } catch (error) {
    if (!isNotFound(error)) return failure(key, 'check', error);
  }
  let value: string;
  try {
    value = (await store.get(move.from)).value;
  } catch (error) {
    if (isNotFound(error)) return { key, outcome: 'missing' };
    return failure(key, 'read', error);
  }
  try {
    await store.put(move.to, value, { scope: move.scope, createOnly: true });
  } catch (error) {
    // Another run wrote it between our check and our write: the scoped value wins.
    if (error instanceof ConflictError) {
      try {
        return { key, outcome: await settleOnScoped(store, move) };
      } catch (repairError) {
        return failure(key, 'repair', repairError);
      }
    }
    return failure(key, 'write', error);
  }
  try {
    const back = await store.get(move.to);
    if (back.value !== value) return { key, outcome: 'failed', reason: 'verify: read-back differs' };
    await deleteBare(store, move.from);
    return { key, outcome: 'migrated' };
  } catch (error) {
    return failure(key, 'verify', error);
  }
}

/** Adopts one pre-broker user key by tagging it `thv:owner=user`. */
export async function adoptKey(store: SecretStore, key: string): Promise<ItemResult> {
  try {
    await store.tag(key, { [OWNER_TAG]: USER_OWNER });
    return { key, outcome: 'adopted' };
  } catch (error) {
    if (isNotFound(error)) return { key, outcome: 'missing' };
    return failure(key, 'adopt', error);
  }
}

/** Runs one item. */
export function runItem(store: SecretStore, item: MigrationItem): Promise<ItemResult> {
  return item.kind === 'move' ? migrateKey(store, item) : adoptKey(store, item.key);
}

/**
 * Runs `items` with at most `concurrency` in flight; results in input order. `store` may pick a
 * store per item (each scope's store attaches that scope's resource policy).
 */
export async function runBatch(
  store: SecretStore | ((item: MigrationItem) => SecretStore),
  items: readonly MigrationItem[],
  concurrency: number,
): Promise<ItemResult[]> {
  const storeOf = typeof store === 'function' ? store : () => store;
  const results: ItemResult[] = new Array(items.length);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      const item = items[index] as MigrationItem;
      results[index] = await runItem(storeOf(item), item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/** Counts an execution gathers; `failedKeys` is capped so payloads stay small at any size. */
export interface MigrationTotals {
  readonly listed: number;
  readonly migrated: number;
  readonly alreadyScoped: number;
  readonly adopted: number;
  readonly missing: number;
  readonly skipped: number;
  readonly failed: number;
  /** The first {@link MAX_FAILED_KEYS} failed keys with their reasons. */
  readonly failedKeys: readonly { readonly key: string; readonly reason: string }[];
}

/** Most failed keys carried in the state and the summary. */
export const MAX_FAILED_KEYS = 50;

/** Totals before anything ran. */
export const EMPTY_TOTALS: MigrationTotals = Object.freeze({
  listed: 0,
  migrated: 0,
  alreadyScoped: 0,
  adopted: 0,
  missing: 0,
  skipped: 0,
  failed: 0,
  failedKeys: [],
});

/** Adds a page's plan (listed, skipped, unmovable) to `totals`. */
export function addPlan(totals: MigrationTotals, plan: PagePlan, listed: number): MigrationTotals {
  const skipped = Object.values(plan.skipped).reduce((a, b) => a + b, 0);
  return addFailures(
    { ...totals, listed: totals.listed + listed, skipped: totals.skipped + skipped },
    plan.unmovable.map((u) => ({ key: u.key, reason: `plan: ${u.reason}` })),
  );
}

/** What one batch reports back: counts per outcome and its failures (keys and reasons, never values). */
export interface BatchReport {
  /** Items per successful outcome. */
  readonly counts: Readonly<Record<Exclude<ItemOutcome, 'failed'>, number>>;
  /** The failed items. */
  readonly failed: readonly { readonly key: string; readonly reason: string }[];
}

/** The report of a batch's results. */
export function reportOf(results: readonly ItemResult[]): BatchReport {
  const counts = { migrated: 0, alreadyScoped: 0, adopted: 0, missing: 0 };
  const failed: { key: string; reason: string }[] = [];
  for (const r of results) {
    if (r.outcome === 'failed') failed.push({ key: r.key, reason: r.reason ?? 'failed' });
    else counts[r.outcome]++;
  }
  return { counts, failed };
}

/** The report of a batch that failed as a whole (its retries ran out): every item failed. */
export function failedBatchReport(items: readonly MigrationItem[], error: string): BatchReport {
  return {
    counts: { migrated: 0, alreadyScoped: 0, adopted: 0, missing: 0 },
    failed: items.map((item) => ({
      key: item.kind === 'move' ? item.from : item.key,
      reason: `batch: ${error}`,
    })),
  };
}

/** Adds a batch report to `totals`. */
export function addReport(totals: MigrationTotals, report: BatchReport): MigrationTotals {
  const next = { ...totals };
  for (const [outcome, n] of Object.entries(report.counts) as [keyof BatchReport['counts'], number][])
    next[outcome] += n;
  return addFailures(next, report.failed);
}

/** Adds item results to `totals`. */
export function addResults(totals: MigrationTotals, results: readonly ItemResult[]): MigrationTotals {
  return addReport(totals, reportOf(results));
}

function addFailures(
  totals: MigrationTotals,
  failures: readonly { key: string; reason: string }[],
): MigrationTotals {
  if (failures.length === 0) return totals;
  return {
    ...totals,
    failed: totals.failed + failures.length,
    failedKeys: [...totals.failedKeys, ...failures].slice(0, MAX_FAILED_KEYS),
  };
}

/** Value prefix of the flag parameter that marks the migration finished (the rest is a summary). */
export const MIGRATION_DONE = 'done';

/** True when a flag parameter's value marks the migration finished. */
export const isDoneFlag = (value: string | undefined): boolean => (value ?? '').startsWith(MIGRATION_DONE);

/** The flag value that marks the migration done: `done` and a one-line JSON summary of counts. */
export function flagValue(totals: MigrationTotals, finishedAt: string): string {
  const { failedKeys: _failedKeys, ...counts } = totals;
  return `${MIGRATION_DONE} ${JSON.stringify({ ...counts, finishedAt })}`;
}

/** A dry run over the whole listing: what the migration would do, with nothing written. */
export interface MigrationPlan {
  /** Moves whose scoped key does not exist yet. */
  readonly moves: PlannedMove[];
  /** Moves whose scoped key exists already: the scoped value wins and the bare key is deleted. */
  readonly conflicts: PlannedMove[];
  /** Untagged bare keys that would become user keys. */
  readonly adopt: string[];
  /** Legacy keys that cannot move. */
  readonly unmovable: Unmovable[];
  /** Keys left alone, by reason. */
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** Every key listed. */
  readonly listed: number;
  /** True when a list was cut at {@link MAX_PLAN_ENTRIES} (the counts stay exact). */
  readonly truncated: boolean;
  /** Exact sizes of the lists above. */
  readonly counts: {
    readonly moves: number;
    readonly conflicts: number;
    readonly adopt: number;
    readonly unmovable: number;
  };
}

/** Most entries of each list a plan carries (its counts stay exact). */
export const MAX_PLAN_ENTRIES = 1_000;

/** Plans the whole migration from every listing row (keys and tags). */
export function planAll(rows: readonly SecretSummary[], table: readonly LegacyPrefix[]): MigrationPlan {
  const existing = new Set(rows.map((r) => r.key));
  const plan = planPage(rows, table);
  const moves: PlannedMove[] = [];
  const conflicts: PlannedMove[] = [];
  const adopt: string[] = [];
  for (const item of plan.items) {
    if (item.kind === 'adopt') adopt.push(item.key);
    else (existing.has(item.to) ? conflicts : moves).push(item);
  }
  const cut = <T>(list: T[]): T[] => list.slice(0, MAX_PLAN_ENTRIES);
  return {
    moves: cut(moves),
    conflicts: cut(conflicts),
    adopt: cut(adopt),
    unmovable: cut(plan.unmovable),
    skipped: plan.skipped,
    listed: rows.length,
    truncated: [moves, conflicts, adopt, plan.unmovable].some((l) => l.length > MAX_PLAN_ENTRIES),
    counts: {
      moves: moves.length,
      conflicts: conflicts.length,
      adopt: adopt.length,
      unmovable: plan.unmovable.length,
    },
  };
}
