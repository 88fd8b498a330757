import type Database from 'better-sqlite3';
import { type SecretQuery, secretQuerySql } from './query.js';

/** A tag as Secrets Manager models it. */
export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** One secret's metadata (values live in its versions). */
export interface SecretRow {
  readonly id: number;
  readonly name: string;
  readonly arn: string;
  readonly description: string | null;
  readonly kmsKeyId: string | null;
  readonly tags: readonly Tag[];
  readonly policy: string | null;
  readonly createdDate: number;
  readonly lastChangedDate: number;
  /** When DeleteSecret scheduled it for deletion (Secrets Manager's `DeletedDate`); null when live. */
  readonly deletedDate: number | null;
  /** When its recovery window ends and it is purged (DeleteSecret's `DeletionDate`); null when live. */
  readonly purgeDate: number | null;
}

/** What a new secret starts with. */
export interface NewSecret {
  readonly name: string;
  readonly arn: string;
  readonly description: string | null;
  readonly kmsKeyId: string | null;
  readonly tags: readonly Tag[];
  /** Its creation time, in epoch seconds. */
  readonly now: number;
}

/** Fields of a secret that an operation may change. */
export type SecretPatch = Partial<
  Pick<
    SecretRow,
    'description' | 'kmsKeyId' | 'tags' | 'policy' | 'lastChangedDate' | 'deletedDate' | 'purgeDate'
  >
>;

interface SecretRecord {
  id: number;
  name: string;
  arn: string;
  description: string | null;
  kms_key_id: string | null;
  tags: string;
  policy: string | null;
  created_date: number;
  last_changed_date: number;
  deleted_date: number | null;
  purge_date: number | null;
}

const toSecret = (r: SecretRecord): SecretRow => ({
  id: r.id,
  name: r.name,
  arn: r.arn,
  description: r.description,
  kmsKeyId: r.kms_key_id,
  tags: JSON.parse(r.tags) as Tag[],
  policy: r.policy,
  createdDate: r.created_date,
  lastChangedDate: r.last_changed_date,
  deletedDate: r.deleted_date,
  purgeDate: r.purge_date,
});

// Column of each patchable field, in the order an UPDATE sets them.
const PATCH_COLUMNS: readonly (readonly [keyof SecretPatch, string])[] = [
  ['description', 'description'],
  ['kmsKeyId', 'kms_key_id'],
  ['tags', 'tags'],
  ['policy', 'policy'],
  ['lastChangedDate', 'last_changed_date'],
  ['deletedDate', 'deleted_date'],
  ['purgeDate', 'purge_date'],
];

/** The secrets table and its tag index: each secret's metadata, without its versions. */
export class SecretTable {
  private readonly stmt;
  // One prepared statement per SQL text an update or a ListSecrets query builds, prepared on first use.
  private readonly built = new Map<string, Database.Statement<unknown[], SecretRecord>>();

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      purge: db.prepare('DELETE FROM secrets WHERE purge_date IS NOT NULL AND purge_date <= ?'),
      byName: db.prepare<[string], SecretRecord>('SELECT * FROM secrets WHERE name = ?'),
      byArn: db.prepare<[string], SecretRecord>('SELECT * FROM secrets WHERE arn = ?'),
      insert: db.prepare(
        `INSERT INTO secrets (name, arn, description, kms_key_id, tags, created_date, last_changed_date)
         VALUES (@name, @arn, @description, @kmsKeyId, @tags, @now, @now)`,
      ),
      delete: db.prepare('DELETE FROM secrets WHERE id = ?'),
      insertTag: db.prepare('INSERT OR REPLACE INTO secret_tags (secret_id, key, value) VALUES (?, ?, ?)'),
      deleteTags: db.prepare('DELETE FROM secret_tags WHERE secret_id = ?'),
    };
  }

  /** Removes secrets whose recovery window has ended, as Secrets Manager's background job would. */
  purgeExpired(now: number): void {
    this.stmt.purge.run(now);
  }

  /** The secret with exactly this name, if any. */
  byName(name: string): SecretRow | undefined {
    const r = this.stmt.byName.get(name);
    return r && toSecret(r);
  }

  /** The secret with exactly this ARN, if any. */
  byArn(arn: string): SecretRow | undefined {
    const r = this.stmt.byArn.get(arn);
    return r && toSecret(r);
  }

  /** Inserts a new secret without versions and returns it. */
  insert(s: NewSecret): SecretRow {
    const { lastInsertRowid } = this.stmt.insert.run({ ...s, tags: JSON.stringify(s.tags) });
    for (const t of s.tags) this.stmt.insertTag.run(lastInsertRowid, t.Key, t.Value);
    return {
      id: Number(lastInsertRowid),
      name: s.name,
      arn: s.arn,
      description: s.description,
      kmsKeyId: s.kmsKeyId,
      tags: s.tags,
      policy: null,
      createdDate: s.now,
      lastChangedDate: s.now,
      deletedDate: null,
      purgeDate: null,
    };
  }

  /** Applies a patch to a secret's metadata. */
  update(id: number, patch: SecretPatch): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, column] of PATCH_COLUMNS) {
      if (!(key in patch)) continue;
      sets.push(`${column} = ?`);
      values.push(key === 'tags' ? JSON.stringify(patch.tags) : patch[key]);
    }
    if (sets.length === 0) return;
    this.prepared(`UPDATE secrets SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    if (patch.tags !== undefined) {
      this.stmt.deleteTags.run(id);
      for (const t of patch.tags) this.stmt.insertTag.run(id, t.Key, t.Value);
    }
  }

  /** Removes a secret with all its versions at once. */
  delete(id: number): void {
    this.stmt.delete.run(id);
  }

  /**
   * Up to `limit` secrets after the cursor id that satisfy `query`, in creation order (or reverse),
   * found through the name index and the tag table rather than by reading every row.
   */
  matching(query: SecretQuery, cursor: number | undefined, limit: number, descending: boolean): SecretRow[] {
    const { sql, params } = secretQuerySql(query, cursor, limit, descending);
    return this.prepared(sql)
      .all(...params)
      .map(toSecret);
  }

  private prepared(sql: string): Database.Statement<unknown[], SecretRecord> {
    let statement = this.built.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], SecretRecord>(sql);
      this.built.set(sql, statement);
    }
    return statement;
  }
}
