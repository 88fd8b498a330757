/** Bulk operations: their limits, bulk delete over one-at-a-time calls (Secrets Manager has no batch delete), and batch-read results. */
import { SecretNotFoundError } from './errors.js';
import type { BatchGetResult, BulkDeleteResult, StoredSecret } from './port.js';

/** Most keys one batch read may ask for (one request of the API; the adapter splits it into store calls). */
export const MAX_BATCH_GET_KEYS = 100;

/** Deletes each distinct key in order with `deleteOne`; a missing key is recorded, anything else thrown. */
export async function deleteEach(
  keys: readonly string[],
  deleteOne: (key: string) => Promise<void>,
): Promise<BulkDeleteResult> {
  const result: BulkDeleteResult = { deleted: [], missing: [] };
  for (const key of new Set(keys)) {
    try {
      await deleteOne(key);
      result.deleted.push(key);
    } catch (error) {
      if (!(error instanceof SecretNotFoundError)) throw error;
      result.missing.push(key);
    }
  }
  return result;
}

/**
 * The secrets of a batch read in request order, one per distinct key; throws `SecretNotFoundError`
 * for the first missing key. Only the keys asked for are taken from `result`, whatever else a
 * store put in it.
 */
export function requireAll(keys: readonly string[], result: BatchGetResult): StoredSecret[] {
  const found = foundByKey(result);
  const secrets: StoredSecret[] = [];
  for (const key of new Set(keys)) {
    const secret = found.get(key);
    if (secret === undefined) throw new SecretNotFoundError(key);
    secrets.push(secret);
  }
  return secrets;
}

/** The secrets a batch read found, by key; a key it also reports missing counts as missing. */
export function foundByKey(result: BatchGetResult): Map<string, StoredSecret> {
  const missing = new Set(result.missing);
  return new Map(result.found.filter((secret) => !missing.has(secret.key)).map((s) => [s.key, s]));
}
