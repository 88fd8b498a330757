/**
 * The shapes that travel between the migration's states (JSONPath, so plain JSON): the `carry` an
 * execution hands from page to page and on to its continuation, and each step's event. Parsed with
 * zod so a hand-started execution with a wrong input stops with a clear message.
 */
import * as z from 'zod';
import { type BatchReport, MAX_PAGE_SIZE, type MigrationItem, type MigrationTotals } from '../core/index.js';

const count = z.number().int().min(0);

const totalsSchema = z.object({
  listed: count,
  migrated: count,
  alreadyScoped: count,
  adopted: count,
  missing: count,
  skipped: count,
  failed: count,
  failedKeys: z.array(z.object({ key: z.string(), reason: z.string() })),
}) satisfies z.ZodType<MigrationTotals>;

/** State carried across pages and executions: counts and the listing's position, never a value. */
export const carrySchema = z.object({
  /** Name of the execution that started the job; continuations are named after it. */
  origin: z.string().min(1).max(64),
  /** 1 for the first execution, then one more for each continuation. */
  generation: z.number().int().min(1),
  /** Pages listed by this execution. */
  pages: count,
  /** ListSecrets token of the next page. */
  next: z.string().optional(),
  /** True once the last page was listed. */
  complete: z.boolean(),
  /** Name of the continuation to start, when one is due. */
  nextName: z.string().optional(),
  totals: totalsSchema,
});

/** State carried across pages and executions. */
export type Carry = Omit<z.infer<typeof carrySchema>, 'totals'> & { readonly totals: MigrationTotals };

const itemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('move'), from: z.string(), to: z.string(), scope: z.string() }),
  z.object({ kind: z.literal('adopt'), key: z.string() }),
]) satisfies z.ZodType<MigrationItem>;

const outcomeCounts = z.object({ migrated: count, alreadyScoped: count, adopted: count, missing: count });

const reportSchema = z.object({
  counts: outcomeCounts,
  failed: z.array(z.object({ key: z.string(), reason: z.string() })),
}) satisfies z.ZodType<BatchReport>;

const stepSchema = z.discriminatedUnion('step', [
  z.object({
    step: z.literal('check'),
    /** The execution's input: `{}` for a first run, `{carry}` (as the continuation passes it) otherwise. */
    input: z.object({ carry: carrySchema.optional() }).loose(),
    executionName: z.string().min(1).max(80),
  }),
  z.object({
    step: z.literal('discover'),
    carry: carrySchema,
    results: z.array(reportSchema).optional(),
    maxPages: z.number().int().min(1),
    /** Keys per batch, as the state machine's page cap was computed for (the stack's `batchSize`). */
    batchSize: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  }),
  z.object({
    step: z.literal('migrate'),
    batch: z.array(itemSchema),
    /** Set by the Catch of a batch whose retries ran out: the error name. */
    error: z.string().optional(),
  }),
  z.object({ step: z.literal('finish'), carry: carrySchema }),
  /** A dry run (invoked by an operator, not by the state machine): lists everything, writes nothing. */
  z.object({ step: z.literal('plan') }),
]);

/** One step's event (a parsed carry is a {@link Carry}). */
export type StepEvent = z.infer<typeof stepSchema>;

/** Thrown for an event no state of the job sends. */
export class InvalidStepEventError extends Error {
  constructor(detail: string) {
    super(`not a migration step event: ${detail}`);
    this.name = 'InvalidStepEventError';
  }
}

/** Parses a step's event; throws {@link InvalidStepEventError} naming the first problem. */
export function parseStep(raw: unknown): StepEvent {
  const parsed = stepSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidStepEventError(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}
