/**
 * Hook for the `migration*` figures of issue 9 (the migration issue's own speed figures). The
 * migration's owner fills this in; until then it measures nothing and says so, and the report
 * shows the figures as skipped with this reason. Never a made-up number.
 */

/** The migration figures (flat `migration*` keys), or the reason they were not measured. */
export type MigrationFigures = Record<`migration${string}`, number> | { readonly skipped: string };

/** Measures the migration figures. */
export async function migrationFigures(): Promise<MigrationFigures> {
  return { skipped: 'not measured yet: the migration benchmark is still to be written by its owner' };
}
