/** Bulk operations: their limits, and bulk delete and read over one-at-a-time calls for stores without a native batch. */
import { SecretNotFoundError } from './errors.js';
import type { BatchGetResult, BulkDeleteResult, StoredSecret } from './port.js';

/** Most keys one batch read may ask for (one request of the API; the adapter splits it into store calls). */
export const MAX_BATCH_GET_KEYS = 100;

/** Reads each distinct key in order with `getOne`; a missing key is recorded, anything else thrown. */
export async function getEach(
  keys: readonly string[],
  getOne: (key: string) => Promise<StoredSecret>,
): Promise<BatchGetResult> {
  const result: BatchGetResult = { found: [], missing: [] };
  for (const key of new Set(keys)) {
    try {
      result.found.push(await getOne(key));
    } catch (error) {
      if (!(error instanceof SecretNotFoundError)) throw error;
      result.missing.push(key);
    }
  }
  return result;
}

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
  const missing = new Set(result.missing);
  const byKey = new Map(result.found.map((secret) => [secret.key, secret]));
  const secrets: StoredSecret[] = [];
  for (const key of new Set(keys)) {
    const secret = byKey.get(key);
    if (secret === undefined || missing.has(key)) throw new SecretNotFoundError(key);
    secrets.push(secret);
  }
  return secrets;
}
