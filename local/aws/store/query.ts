/** One prefix test of a ListSecrets filter value: case-sensitive, `negated` for a `!value`. */
export interface PrefixTest {
  /** What the prefix is tested on: the name, or any tag key or any tag value of the secret. */
  readonly field: 'name' | 'tag-key' | 'tag-value';
  /** The prefix (without the `!`). */
  readonly prefix: string;
  /** True when the secret must have no such name, tag key or tag value. */
  readonly negated: boolean;
}

/**
 * A ListSecrets query the store answers from its indexes: every clause must hold, and a clause holds
 * when any of its tests does (AWS: filters are AND-ed, the values of one filter OR-ed).
 */
export interface SecretQuery {
  /** The clauses; none matches every secret. */
  readonly clauses: readonly (readonly PrefixTest[])[];
  /** Also return secrets scheduled for deletion. */
  readonly includeDeleted: boolean;
}

/** A statement and the parameters to run it with. */
export interface Sql {
  /** The SQL text; the same for every query of one shape, so its prepared statement can be reused. */
  readonly sql: string;
  /** The values of its `?` placeholders, in order. */
  readonly params: readonly unknown[];
}

/**
 * The smallest string above every string that starts with `prefix` (in code point order, which is
 * SQLite's BINARY order over UTF-8), or undefined when there is none.
 */
function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix];
  for (let char = points.pop(); char !== undefined; char = points.pop()) {
    const last = char.codePointAt(0) ?? 0;
    if (last < 0x10ffff) {
      points.push(String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1));
      return points.join('');
    }
  }
  return undefined;
}

/** SQL for one prefix test as an index range on `column`, its parameters appended to `params`. */
function rangeSql(column: string, prefix: string, params: unknown[]): string {
  const end = prefixEnd(prefix);
  params.push(prefix);
  if (end === undefined) return `${column} >= ?`;
  params.push(end);
  return `${column} >= ? AND ${column} < ?`;
}

/** SQL for one ListSecrets prefix test over the secrets table `s`. */
function prefixSql(test: PrefixTest, params: unknown[]): string {
  if (test.field === 'name') {
    const range = rangeSql('s.name', test.prefix, params);
    return test.negated ? `NOT (${range})` : `(${range})`;
  }
  const column = test.field === 'tag-key' ? 'key' : 'value';
  // `IN (SELECT ...)` lets SQLite walk the tag index and the sorted id list, not every secret.
  const range = rangeSql(column, test.prefix, params);
  return `s.id ${test.negated ? 'NOT IN' : 'IN'} (SELECT secret_id FROM secret_tags WHERE ${range})`;
}

/**
 * The SELECT of up to `limit` secrets after the cursor id that satisfy `query`, in creation order (or
 * reverse), written so SQLite finds them through the name index and the tag table rather than by
 * reading every row.
 */
export function secretQuerySql(
  query: SecretQuery,
  cursor: number | undefined,
  limit: number,
  descending: boolean,
): Sql {
  const where = [descending ? 's.id < ?' : 's.id > ?'];
  const params: unknown[] = [cursor ?? (descending ? Number.MAX_SAFE_INTEGER : 0)];
  if (!query.includeDeleted) where.push('s.deleted_date IS NULL');
  for (const clause of query.clauses) {
    const tests = clause.map((test) => prefixSql(test, params));
    where.push(tests.length === 1 ? tests.join('') : `(${tests.join(' OR ')})`);
  }
  params.push(limit);
  const sql = `SELECT s.* FROM secrets s WHERE ${where.join(' AND ')} ORDER BY s.id ${descending ? 'DESC' : 'ASC'} LIMIT ?`;
  return { sql, params };
}
