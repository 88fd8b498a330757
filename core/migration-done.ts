/**
 * The migration's done-flag value and the final pass that earns it (docs/design.md §5): the flag is
 * written only after a fresh listing of the whole store, read in one step, finds nothing left to
 * move or adopt. Keys that cannot move do not hold the flag back; they are named in it.
 */
import { allRows } from './listing.js';
import { checkKey, inspectMove } from './migration-execute.js';
import { planKey } from './migration-plan.js';
import type { MigrationReader } from './migration-port.js';
import type { KeyReason, MigrationTotals } from './migration-totals.js';
import type { LegacyPrefix } from './namespace.js';

/** Value prefix of the flag parameter that marks the migration finished (the rest is a summary). */
const MIGRATION_DONE = 'done';

/** True when a flag parameter's value marks the migration finished. */
export const isDoneFlag = (value: string | undefined): boolean => (value ?? '').startsWith(MIGRATION_DONE);

/** Longest flag value: an SSM standard parameter holds at most 4 KB. */
export const MAX_FLAG_LENGTH = 4_096;

/** What the final pass found. */
export interface FinalPass {
  /** Keys still to move or adopt (the job runs another pass, and the flag waits). */
  readonly remaining: number;
  /** Every key that cannot move, with its reason. */
  readonly stuck: readonly KeyReason[];
}

/**
 * The final pass: lists every key afresh and re-checks each one the legacy table or adoption
 * would touch, reading only (the reader has no write call). ListSecrets may still show a key
 * deleted a moment ago: such a key re-reads as missing and is not counted.
 */
export async function finalPass(reader: MigrationReader, table: readonly LegacyPrefix[]): Promise<FinalPass> {
  let remaining = 0;
  const stuck: KeyReason[] = [];
  for await (const row of allRows(reader, { keep: () => true })) {
    // Only rows the listing shows as work are re-read: system, user and broker-tagged keys cost no call.
    const listed = planKey(row.key, row.tags ?? {}, table);
    if (listed.kind === 'skip') continue;
    const check = await checkKey(reader, row.key, table);
    if (check.kind === 'stuck') stuck.push({ key: row.key, reason: check.reason });
    else if (check.kind === 'adopt') remaining++;
    else if (check.kind === 'move') {
      const state = await inspectMove(reader, check.move);
      if (state.kind === 'stuck') stuck.push({ key: row.key, reason: state.reason });
      else if (state.kind === 'ready') remaining++;
    }
  }
  return { remaining, stuck };
}

/**
 * The flag value: `done` and a one-line JSON summary of counts, with the keys that cannot move
 * (as many as fit in {@link MAX_FLAG_LENGTH}; `stuck` is always the full count).
 */
export function flagValue(totals: MigrationTotals, stuck: readonly KeyReason[], finishedAt: string): string {
  const { failedKeys: _f, stuckKeys: _s, differsKeys: _d, ...counts } = totals;
  const render = (n: number) =>
    `${MIGRATION_DONE} ${JSON.stringify({ ...counts, stuck: stuck.length, stuckKeys: stuck.slice(0, n), finishedAt })}`;
  let n = stuck.length;
  let value = render(n);
  while (value.length > MAX_FLAG_LENGTH && n > 0) value = render(--n);
  return value;
}
