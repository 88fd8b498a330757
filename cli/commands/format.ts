/** Text for people: listings as aligned columns. */
import type { ListResponse } from '../../core/http/responses.js';
import type { DeletedKey } from '../api-client.js';

/** Column titles of a listing. */
const HEADER = { key: 'KEY', updatedAt: 'UPDATED', description: 'DESCRIPTION' } as const;

/** Column titles of a listing of deleted keys. */
const DELETED_HEADER = { key: 'KEY', deletedAt: 'DELETED', purgeAt: 'PURGED AFTER' } as const;

/** Sorted by key in code point order, the same on every machine. */
const byKey = <T extends { readonly key: string }>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** Lines of `rows` (the header first) with each column padded to its widest cell. */
function columns(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * A header row, then one line per key sorted by key: key, last update, description (if any), in
 * aligned columns.
 */
export function formatKeys(keys: ListResponse['keys']): string[] {
  return columns([HEADER, ...byKey(keys)].map((k) => [k.key, k.updatedAt, k.description ?? '']));
}

/** A header row, then one line per deleted key sorted by key: key, when deleted, when purged. */
export function formatDeletedKeys(keys: readonly DeletedKey[]): string[] {
  return columns([DELETED_HEADER, ...byKey(keys)].map((k) => [k.key, k.deletedAt, k.purgeAt]));
}
