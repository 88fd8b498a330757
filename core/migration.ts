/**
 * The one-shot legacy-key migration's rules (docs/design.md §5), beside the namespace rules they follow,
 * in one file per seam: the store it needs (port), what each key becomes (plan), the per-key
 * algorithm (execute), the counts (totals) and the flag with the final pass that earns it (done).
 */
export * from './migration-done.js';
export * from './migration-dry-run.js';
export * from './migration-execute.js';
export * from './migration-plan.js';
export * from './migration-port.js';
export * from './migration-totals.js';
