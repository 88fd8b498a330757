/**
 * The shapes that travel between the migration's states (JSONPath, so plain JSON): the `carry`
 * one execution hands from page to page, the `continuation` it hands the next execution, and each
 * step's event. Parsed strictly with zod: an unknown field is refused, not ignored, so a
 * hand-started execution or a hand-made event stops with a clear message. Nothing here can make
 * the job set its flag: only the final pass (a fresh listing read by the Finish step) does.
 */
import * as z from 'zod/mini';
import { IN_ENGLISH } from './english.js';
import {
  type BatchReport,
  MAX_FAILED_KEYS,
  MAX_KEY_LENGTH,
  MAX_PAGE_SIZE,
  type MigrationTotals,
} from './index.js';

/** Default items per batch. */
export const DEFAULT_BATCH_SIZE = 10;

const count = z.number().check(z.int(), z.minimum(0));
const keyReason = z.strictObject({
  key: z.string().check(z.maxLength(MAX_KEY_LENGTH)),
  reason: z.string().check(z.maxLength(200)),
});

const outcomeCounts = z.strictObject({
  migrated: count,
  alreadyScoped: count,
  differs: count,
  adopted: count,
  missing: count,
  skipped: count,
});

const totalsSchema = z.extend(outcomeCounts, {
  listed: count,
  stuck: count,
  failed: count,
  failedKeys: z.array(keyReason).check(z.maxLength(MAX_FAILED_KEYS)),
  stuckKeys: z.array(keyReason).check(z.maxLength(MAX_FAILED_KEYS)),
  differsKeys: z.array(z.string().check(z.maxLength(MAX_KEY_LENGTH))).check(z.maxLength(MAX_FAILED_KEYS)),
}) satisfies z.ZodMiniType<MigrationTotals>;

/** Most passes over the whole listing one job makes before it gives up (keys keep appearing). */
export const MAX_PASSES = 5;

/**
 * What an execution hands its continuation, and the only field an execution's input may hold:
 * where the listing goes on, and counts for the summary. None of it can mark the job finished.
 */
export const continuationSchema = z.strictObject({
  /** Name of the execution that started the job; continuations are named after it. */
  origin: z.string().check(z.minLength(1), z.maxLength(64)),
  /** 2 for the first continuation, then one more each time. */
  generation: z.number().check(z.int(), z.minimum(2), z.maximum(10_000)),
  /** The pass over the listing (1 first; each further pass starts again from the first page). */
  pass: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_PASSES)),
  /** ListSecrets token of the next page; absent to start the pass from the first page. */
  next: z.optional(z.string().check(z.minLength(1), z.maxLength(4_096))),
  totals: totalsSchema,
});

/** State handed to the next execution. */
export type Continuation = Omit<z.infer<typeof continuationSchema>, 'totals'> & {
  readonly totals: MigrationTotals;
};

/** State carried across the pages of one execution, never a value. */
export const carrySchema = z.strictObject({
  origin: z.string().check(z.minLength(1), z.maxLength(64)),
  generation: z.number().check(z.int(), z.minimum(1), z.maximum(10_000)),
  pass: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_PASSES)),
  /** Pages listed by this execution. */
  pages: count,
  /** ListSecrets token of the next page. */
  next: z.optional(z.string().check(z.minLength(1), z.maxLength(4_096))),
  /** True once the last page of this pass was listed. */
  complete: z.boolean(),
  totals: totalsSchema,
});

/** State carried across the pages of one execution. */
export type Carry = Omit<z.infer<typeof carrySchema>, 'totals'> & { readonly totals: MigrationTotals };

const reportSchema = z.strictObject({
  counts: outcomeCounts,
  failed: z.array(keyReason).check(z.maxLength(MAX_PAGE_SIZE)),
  stuck: z.array(keyReason).check(z.maxLength(MAX_PAGE_SIZE)),
  differs: z.array(z.string().check(z.maxLength(MAX_KEY_LENGTH))).check(z.maxLength(MAX_PAGE_SIZE)),
}) satisfies z.ZodMiniType<BatchReport>;

/** A batch: bare keys only. What happens to each is re-derived from the store and the legacy table. */
const batchSchema = z
  .array(z.string().check(z.minLength(1), z.maxLength(MAX_KEY_LENGTH)))
  .check(z.maxLength(MAX_PAGE_SIZE));

const stepSchema = z.discriminatedUnion('step', [
  z.strictObject({
    step: z.literal('check'),
    /** The execution's input: `{}` for a first run, `{continuation}` as the job passes it on. */
    input: z.strictObject({ continuation: z.optional(continuationSchema) }),
    executionName: z.string().check(z.minLength(1), z.maxLength(80)),
  }),
  z.strictObject({
    step: z.literal('discover'),
    carry: carrySchema,
    results: z.optional(z.array(reportSchema).check(z.maxLength(MAX_PAGE_SIZE))),
    maxPages: z.number().check(z.int(), z.minimum(1)),
    /** Keys per batch, as the state machine's page cap was computed for (the stack's `batchSize`). */
    batchSize: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(MAX_PAGE_SIZE))),
  }),
  z.strictObject({
    step: z.literal('migrate'),
    batch: batchSchema,
    /** Set by the Catch of a batch whose retries ran out: the error name. */
    error: z.optional(z.string().check(z.maxLength(200))),
  }),
  z.strictObject({ step: z.literal('finish'), carry: carrySchema }),
  /** A dry run (invoked by an operator, not by the state machine): lists everything, writes nothing. */
  z.strictObject({ step: z.literal('plan') }),
]);

/** One step's event. */
export type StepEvent = z.infer<typeof stepSchema>;

/** Thrown for an event no state of the job sends. */
class InvalidStepEventError extends Error {
  constructor(detail: string) {
    super(`not a migration step event: ${detail}`);
    this.name = 'InvalidStepEventError';
  }
}

/** Parses a step's event; throws {@link InvalidStepEventError} naming the first problem. */
export function parseStep(raw: unknown): StepEvent {
  const parsed = stepSchema.safeParse(raw, IN_ENGLISH);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidStepEventError(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}
