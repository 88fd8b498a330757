/** Shapes of the broker's HTTP responses (DESIGN §4), checked before the CLI trusts them. */
import * as z from 'zod';

/** An error body: `{"error","message","requestId"}`. */
export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
});

/** One row of a listing. */
export const keySummary = z.object({
  key: z.string(),
  description: z.string().optional(),
  updatedAt: z.string(),
});

/** A listing page. */
export const listBody = z.object({ keys: z.array(keySummary), next: z.string().optional() });

/** A read secret. */
export const secretBody = z.object({
  key: z.string(),
  value: z.string(),
  version: z.string(),
  updatedAt: z.string(),
});

/** The answer to a write. */
export const putBody = z.object({ key: z.string(), version: z.string() });

/** The answer to a scope cleanup. */
export const cleanupBody = z.object({ deleted: z.number().int().nonnegative() });

/** One row of a listing. */
export type KeySummary = z.infer<typeof keySummary>;
/** A listing page. */
export type ListPage = z.infer<typeof listBody>;
/** A read secret. */
export type Secret = z.infer<typeof secretBody>;
