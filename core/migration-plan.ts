/**
 * The migration's planner (docs/design.md §5): what one bare key is, judged only from its name, its tags
 * and the legacy table — a move (target and scope follow from the name), an adoption, a skip, or
 * a key that cannot move. Pure: the steps call it on what they re-read from the store, never on
 * what an event hands them.
 */
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
import type { SecretSummary, SecretTags } from './port.js';

/** A bare legacy key and the system key it moves to, both derived from the bare key's name. */
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

/**
 * Why a legacy key cannot move; it is left exactly as it was and reported:
 * - `name-too-long`: `__thv_<scope>_<key>` would pass {@link MAX_KEY_LENGTH} characters;
 * - `target-pending-deletion`: the scoped name is held by a secret scheduled for deletion;
 * - `unreadable`: the job may not read or decrypt the bare key (IAM or its KMS key);
 * - `target-unreadable`: the scoped key exists but the job may not read it to compare.
 */
export type StuckReason = 'name-too-long' | 'target-pending-deletion' | 'unreadable' | 'target-unreadable';

/** A legacy key that cannot move, and why (no value, only the rule). */
export interface Unmovable {
  /** The bare legacy key. */
  readonly key: string;
  /** Why it cannot move. */
  readonly reason: StuckReason;
}

/** What the legacy table and a key's tags make of one bare key. */
export type KeyPlan =
  | MigrationItem
  | { readonly kind: 'skip'; readonly reason: SkipReason }
  | ({ readonly kind: 'stuck' } & Unmovable);

/** The plan of one key from its name and tags alone. */
export function planKey(key: string, tags: SecretTags, table: readonly LegacyPrefix[]): KeyPlan {
  if (isReserved(key)) return { kind: 'skip', reason: 'system' };
  if (tags[OWNER_TAG] === USER_OWNER) return { kind: 'skip', reason: 'user' };
  // A bare key that carries any broker tag was placed on purpose: never promoted, never adopted.
  if (tags[OWNER_TAG] !== undefined || tags[SCOPE_TAG] !== undefined)
    return { kind: 'skip', reason: 'tagged' };
  if (keyProblem(key) !== undefined) return { kind: 'skip', reason: 'invalid' };
  const scope = legacyScopeOf(key, table);
  if (scope === undefined) return { kind: 'adopt', key };
  if (scopePrefix(scope).length + key.length > MAX_KEY_LENGTH)
    return { kind: 'stuck', key, reason: 'name-too-long' };
  return { kind: 'move', from: key, to: `${scopePrefix(scope)}${key}`, scope };
}

/** What one listing page turns into. */
export interface PagePlan {
  /** Work to do, moves and adoptions in listing order. */
  readonly items: MigrationItem[];
  /** Keys left alone, by reason. */
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** Legacy keys that cannot move, judged from their names. */
  readonly unmovable: Unmovable[];
}

/** The planner: turns one listing page (keys with their tags) into moves and adoptions. */
export function planPage(rows: readonly SecretSummary[], table: readonly LegacyPrefix[]): PagePlan {
  const items: MigrationItem[] = [];
  const unmovable: Unmovable[] = [];
  const skipped: Record<SkipReason, number> = { system: 0, user: 0, tagged: 0, invalid: 0 };
  for (const row of rows) {
    const plan = planKey(row.key, row.tags ?? {}, table);
    if (plan.kind === 'skip') skipped[plan.reason]++;
    else if (plan.kind === 'stuck') unmovable.push({ key: plan.key, reason: plan.reason });
    else items.push(plan);
  }
  return { items, skipped, unmovable };
}

/** The bare key an item is about. */
export const itemKey = (item: MigrationItem): string => (item.kind === 'move' ? item.from : item.key);

/** Splits `items` into batches of at most `size`. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** A move whose scoped key exists already, and whether the two values differ. */
export interface PlannedConflict extends PlannedMove {
  /** True when the bare value differs from the scoped one (the bare key is then kept restorable). */
  readonly differs?: boolean;
}

/** A dry run over the whole listing: what the migration would do, with nothing written. */
export interface MigrationPlan {
  /** Moves whose scoped key does not exist yet. */
  readonly moves: PlannedMove[];
  /** Moves whose scoped key exists already: the scoped value wins and the bare key is deleted. */
  readonly conflicts: PlannedConflict[];
  /** Untagged bare keys that would become user keys. */
  readonly adopt: string[];
  /** Legacy keys that cannot move (left as they are, reported). */
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
const MAX_PLAN_ENTRIES = 1_000;

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
