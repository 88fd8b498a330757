/** Text for people: listings as aligned columns. */
import type { ListResponse } from '../../lambda/http/schemas.js';

/** Column titles of a listing. */
const HEADER = { key: 'KEY', updatedAt: 'UPDATED', description: 'DESCRIPTION' } as const;

/**
 * A header row, then one line per key sorted by key (code point order, the same on every machine):
 * key, last update, description (if any), in aligned columns.
 */
export function formatKeys(keys: ListResponse['keys']): string[] {
  const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rows = [HEADER, ...sorted];
  const keyWidth = Math.max(...rows.map((k) => k.key.length));
  const dateWidth = Math.max(...rows.map((k) => k.updatedAt.length));
  return rows.map((k) =>
    `${k.key.padEnd(keyWidth)}  ${k.updatedAt.padEnd(dateWidth)}  ${k.description ?? ''}`.trimEnd(),
  );
}
