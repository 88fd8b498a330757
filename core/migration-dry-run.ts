/**
 * The migration's dry run (`thv-broker migrate plan`): the whole listing planned, and each
 * conflict's two values compared, so the plan says which bare values differ from their scoped
 * twin. It is handed a {@link MigrationReader}, which has no write call: read-only by construction.
 */
import { allRows } from './listing.js';
import { inspectMove } from './migration-execute.js';
import { type MigrationPlan, type PlannedConflict, planAll } from './migration-plan.js';
import { type MigrationReader, sameValue } from './migration-port.js';
import type { LegacyPrefix } from './namespace.js';
import type { SecretSummary } from './port.js';

/** Plans the whole store; conflicts say whether the bare value differs from the scoped one. */
export async function dryRun(
  reader: MigrationReader,
  table: readonly LegacyPrefix[],
): Promise<MigrationPlan> {
  const rows: SecretSummary[] = [];
  for await (const row of allRows(reader, { keep: () => true })) rows.push(row);
  const plan = planAll(rows, table);
  const conflicts: PlannedConflict[] = [];
  for (const conflict of plan.conflicts) {
    const state = await inspectMove(reader, conflict);
    const differs =
      state.kind === 'ready' && state.scoped !== undefined && !sameValue(state.value, state.scoped);
    conflicts.push(differs ? { ...conflict, differs } : conflict);
  }
  return { ...plan, conflicts };
}
