/** Bulk delete over a one-at-a-time delete, for stores without a native batch. */
import { SecretNotFoundError } from './errors.js';
import type { BulkDeleteResult } from './port.js';

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
