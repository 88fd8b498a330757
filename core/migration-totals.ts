/**
 * The counts a migration execution gathers, page by page and batch by batch: keys and reasons
 * only, never a value, with every list capped so payloads stay small at any size.
 */
import type { ItemOutcome, ItemResult } from './migration-execute.js';
import type { PagePlan } from './migration-plan.js';

/** A key with the reason it failed or cannot move. */
export interface KeyReason {
  readonly key: string;
  readonly reason: string;
}

/** Counts an execution gathers. */
export interface MigrationTotals {
  readonly listed: number;
  readonly migrated: number;
  readonly alreadyScoped: number;
  /** Bare keys whose value differed from their scoped twin (deleted with the recovery window). */
  readonly differs: number;
  readonly adopted: number;
  readonly missing: number;
  readonly skipped: number;
  /** Keys that cannot move, left as they were. */
  readonly stuck: number;
  readonly failed: number;
  /** The first {@link MAX_FAILED_KEYS} failed keys with their reasons. */
  readonly failedKeys: readonly KeyReason[];
  /** The first {@link MAX_FAILED_KEYS} keys that cannot move, with their reasons. */
  readonly stuckKeys: readonly KeyReason[];
  /** The first {@link MAX_FAILED_KEYS} bare keys that differed from their scoped twin. */
  readonly differsKeys: readonly string[];
}

/** Most keys of each list carried in the state and the summary. */
export const MAX_FAILED_KEYS = 50;

/** Outcomes counted by number alone. */
type Counted = Exclude<ItemOutcome, 'failed' | 'stuck'>;

/** Every counted outcome at zero. */
const noCounts = (): Record<Counted, number> => ({
  migrated: 0,
  alreadyScoped: 0,
  differs: 0,
  adopted: 0,
  missing: 0,
  skipped: 0,
});

/** Totals before anything ran. */
export const EMPTY_TOTALS: MigrationTotals = Object.freeze({
  listed: 0,
  ...noCounts(),
  stuck: 0,
  failed: 0,
  failedKeys: [],
  stuckKeys: [],
  differsKeys: [],
});

/** What one batch reports back: counts per outcome, failures and stuck keys (keys and reasons, never values). */
export interface BatchReport {
  /** Items per counted outcome. */
  readonly counts: Readonly<Record<Counted, number>>;
  /** The failed items. */
  readonly failed: readonly KeyReason[];
  /** The items that cannot move. */
  readonly stuck: readonly KeyReason[];
  /** The bare keys that differed from their scoped twin. */
  readonly differs: readonly string[];
}

/** The report of a batch's results. */
export function reportOf(results: readonly ItemResult[]): BatchReport {
  const counts = noCounts();
  const failed: KeyReason[] = [];
  const stuck: KeyReason[] = [];
  const differs: string[] = [];
  for (const r of results) {
    if (r.outcome === 'failed') failed.push({ key: r.key, reason: r.reason ?? 'failed' });
    else if (r.outcome === 'stuck') stuck.push({ key: r.key, reason: r.reason ?? 'stuck' });
    else {
      counts[r.outcome]++;
      if (r.outcome === 'differs') differs.push(r.key);
    }
  }
  return { counts, failed, stuck, differs };
}

/** The report of a batch that failed as a whole (its retries ran out): every key failed. */
export function failedBatchReport(keys: readonly string[], error: string): BatchReport {
  return {
    counts: noCounts(),
    failed: keys.map((key) => ({ key, reason: `batch: ${error}` })),
    stuck: [],
    differs: [],
  };
}

const capped = <T>(list: readonly T[], more: readonly T[]): T[] =>
  [...list, ...more].slice(0, MAX_FAILED_KEYS);

/** Adds a batch report to `totals`. */
export function addReport(totals: MigrationTotals, report: BatchReport): MigrationTotals {
  const next = { ...totals };
  for (const [outcome, n] of Object.entries(report.counts) as [Counted, number][]) next[outcome] += n;
  return {
    ...next,
    failed: totals.failed + report.failed.length,
    failedKeys: capped(totals.failedKeys, report.failed),
    stuck: totals.stuck + report.stuck.length,
    stuckKeys: capped(totals.stuckKeys, report.stuck),
    differsKeys: capped(totals.differsKeys, report.differs),
  };
}

/** Adds item results to `totals`. */
export function addResults(totals: MigrationTotals, results: readonly ItemResult[]): MigrationTotals {
  return addReport(totals, reportOf(results));
}

/** Adds a page's plan (listed, skipped, and keys that cannot move by their names) to `totals`. */
export function addPlan(totals: MigrationTotals, plan: PagePlan, listed: number): MigrationTotals {
  const skipped = Object.values(plan.skipped).reduce((a, b) => a + b, 0);
  return {
    ...totals,
    listed: totals.listed + listed,
    skipped: totals.skipped + skipped,
    stuck: totals.stuck + plan.unmovable.length,
    stuckKeys: capped(totals.stuckKeys, plan.unmovable),
  };
}
