import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makePrivateDir, makePrivateFile, restrictFiles } from '../private-files.js';

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

/** One stored version of a secret's value. */
export interface VersionRow {
  readonly versionId: string;
  readonly secretString: string | null;
  /** Base64, exactly as the JSON protocol carries it. */
  readonly secretBinary: string | null;
  readonly createdDate: number;
}

/** One SSM parameter at its latest version. */
export interface ParameterRow {
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly version: number;
  readonly dataType: string;
  readonly description: string | null;
  readonly lastModifiedDate: number;
}

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

/** Fields of a secret that an operation may change. */
export type SecretPatch = Partial<
  Pick<
    SecretRow,
    'description' | 'kmsKeyId' | 'tags' | 'policy' | 'lastChangedDate' | 'deletedDate' | 'purgeDate'
  >
>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS secrets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  arn TEXT NOT NULL UNIQUE,
  description TEXT,
  kms_key_id TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  policy TEXT,
  created_date REAL NOT NULL,
  last_changed_date REAL NOT NULL,
  deleted_date REAL
);
CREATE INDEX IF NOT EXISTS secrets_deleted ON secrets(deleted_date) WHERE deleted_date IS NOT NULL;
-- The tags again, one row each, so ListSecrets can filter by tag key or value in SQL (secrets.tags stays
-- the record read back). Kept in step by insertSecret and updateSecret; deletes cascade.
CREATE TABLE IF NOT EXISTS secret_tags (
  secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (secret_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS secret_tags_key ON secret_tags(key, secret_id);
CREATE INDEX IF NOT EXISTS secret_tags_value ON secret_tags(value, secret_id);
CREATE TABLE IF NOT EXISTS versions (
  secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  version_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  secret_string TEXT,
  secret_binary TEXT,
  created_date REAL NOT NULL,
  PRIMARY KEY (secret_id, version_id)
);
CREATE TABLE IF NOT EXISTS stages (
  secret_id INTEGER NOT NULL,
  stage TEXT NOT NULL,
  version_id TEXT NOT NULL,
  PRIMARY KEY (secret_id, stage),
  FOREIGN KEY (secret_id, version_id) REFERENCES versions(secret_id, version_id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS parameters (
  name TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  version INTEGER NOT NULL,
  data_type TEXT NOT NULL,
  description TEXT,
  last_modified_date REAL NOT NULL
);
`;

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

interface VersionRecord {
  version_id: string;
  secret_string: string | null;
  secret_binary: string | null;
  created_date: number;
}

interface ParameterRecord {
  name: string;
  type: string;
  value: string;
  version: number;
  data_type: string;
  description: string | null;
  last_modified_date: number;
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

const toVersion = (r: VersionRecord): VersionRow => ({
  versionId: r.version_id,
  secretString: r.secret_string,
  secretBinary: r.secret_binary,
  createdDate: r.created_date,
});

const toParameter = (r: ParameterRecord): ParameterRow => ({
  name: r.name,
  type: r.type,
  value: r.value,
  version: r.version,
  dataType: r.data_type,
  description: r.description,
  lastModifiedDate: r.last_modified_date,
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

/**
 * The smallest string above every string that starts with `prefix` (in code point order, which is
 * SQLite's BINARY order over UTF-8), or undefined when there is none.
 */
function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = (points.pop() as string).codePointAt(0) as number;
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

/** The file name of the database inside the data dir. */
export const DATABASE_FILE = 'local-aws.sqlite';

/**
 * Durable storage for the local endpoint. Every operation runs inside `transaction`, which commits
 * (WAL, synchronous=FULL: fsynced) before it returns, so a caller that answers after it never
 * acknowledges a write that a crash could lose.
 */
export class SqliteStore {
  private readonly db: Database.Database;
  private readonly stmt;
  // One prepared UPDATE per set of patched columns, prepared on first use.
  private readonly updates = new Map<string, Database.Statement>();
  // One prepared SELECT per shape of ListSecrets query, prepared on first use.
  private readonly queries = new Map<string, Database.Statement<unknown[], SecretRecord>>();

  private constructor(db: Database.Database) {
    this.db = db;
    this.stmt = {
      purge: db.prepare('DELETE FROM secrets WHERE purge_date IS NOT NULL AND purge_date <= ?'),
      byName: db.prepare<[string], SecretRecord>('SELECT * FROM secrets WHERE name = ?'),
      byArn: db.prepare<[string], SecretRecord>('SELECT * FROM secrets WHERE arn = ?'),
      insertSecret: db.prepare(
        `INSERT INTO secrets (name, arn, description, kms_key_id, tags, created_date, last_changed_date)
         VALUES (@name, @arn, @description, @kmsKeyId, @tags, @now, @now)`,
      ),
      deleteSecret: db.prepare('DELETE FROM secrets WHERE id = ?'),
      insertTag: db.prepare('INSERT OR REPLACE INTO secret_tags (secret_id, key, value) VALUES (?, ?, ?)'),
      deleteTags: db.prepare('DELETE FROM secret_tags WHERE secret_id = ?'),
      versions: db.prepare<[number], VersionRecord>(
        'SELECT version_id, secret_string, secret_binary, created_date FROM versions WHERE secret_id = ? ORDER BY seq',
      ),
      version: db.prepare<[number, string], VersionRecord>(
        'SELECT version_id, secret_string, secret_binary, created_date FROM versions WHERE secret_id = ? AND version_id = ?',
      ),
      insertVersion: db.prepare(
        `INSERT INTO versions (secret_id, version_id, seq, secret_string, secret_binary, created_date)
         VALUES (@secretId, @versionId,
                 (SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE secret_id = @secretId),
                 @secretString, @secretBinary, @now)`,
      ),
      stages: db.prepare<[number], { stage: string; version_id: string }>(
        'SELECT stage, version_id FROM stages WHERE secret_id = ? ORDER BY stage',
      ),
      stage: db.prepare<[number, string], { version_id: string }>(
        'SELECT version_id FROM stages WHERE secret_id = ? AND stage = ?',
      ),
      setStage: db.prepare(
        `INSERT INTO stages (secret_id, stage, version_id) VALUES (?, ?, ?)
         ON CONFLICT (secret_id, stage) DO UPDATE SET version_id = excluded.version_id`,
      ),
      prune: db.prepare(
        `DELETE FROM versions WHERE secret_id = @secretId
           AND version_id NOT IN (SELECT version_id FROM stages WHERE secret_id = @secretId)
           AND seq <= (SELECT MAX(seq) FROM versions WHERE secret_id = @secretId) - @keep`,
      ),
      parameter: db.prepare<[string], ParameterRecord>('SELECT * FROM parameters WHERE name = ?'),
      putParameter: db.prepare(
        `INSERT INTO parameters (name, type, value, version, data_type, description, last_modified_date)
         VALUES (@name, @type, @value, @version, @dataType, @description, @lastModifiedDate)
         ON CONFLICT (name) DO UPDATE SET type = excluded.type, value = excluded.value,
           version = excluded.version, data_type = excluded.data_type,
           description = excluded.description, last_modified_date = excluded.last_modified_date`,
      ),
      deleteParameter: db.prepare('DELETE FROM parameters WHERE name = ?'),
    };
  }

  /** Opens (creating if needed) the database in `dataDir` with the durability settings. */
  static open(dataDir: string): SqliteStore {
    // The values are stored in clear: the directory and every file are the developer's alone.
    makePrivateDir(dataDir);
    const file = join(dataDir, DATABASE_FILE);
    makePrivateFile(file);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // SQLite gives -wal and -shm its database file's mode; this tightens ones an older version left open.
    restrictFiles([`${file}-wal`, `${file}-shm`, `${file}-journal`]);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Another process (a second endpoint on the same dir, a test) may hold the write lock briefly.
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    // Version 1 added secret_tags: fill it once for the secrets a version-0 data dir already holds.
    if (db.pragma('user_version', { simple: true }) === 0) {
      db.transaction(() => {
        db.exec(`INSERT OR REPLACE INTO secret_tags (secret_id, key, value)
                 SELECT s.id, json_extract(j.value, '$.Key'), json_extract(j.value, '$.Value')
                 FROM secrets s, json_each(s.tags) j`);
        db.pragma('user_version = 1');
      })();
    }
    // The purge time got its own column (deleted_date is DeletedDate, when the delete happened);
    // before, deleted_date held the purge time, which is all an older data dir knows of it. Judged
    // by the column itself, so a data dir of any age gets it exactly once.
    const columns = db.pragma('table_info(secrets)') as { name: string }[];
    if (!columns.some((c) => c.name === 'purge_date')) {
      db.transaction(() => {
        db.exec(`ALTER TABLE secrets ADD COLUMN purge_date REAL;
                 UPDATE secrets SET purge_date = deleted_date WHERE deleted_date IS NOT NULL;`);
      })();
    }
    db.exec('CREATE INDEX IF NOT EXISTS secrets_purge ON secrets(purge_date) WHERE purge_date IS NOT NULL');
    return new SqliteStore(db);
  }

  /** Runs `fn` in one write transaction; it is committed (or rolled back on throw) when this returns. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** A pragma's current value, for checks of the durability settings. */
  pragma(name: string): unknown {
    return this.db.pragma(name, { simple: true });
  }

  /** Removes secrets whose recovery window has ended, as Secrets Manager's background job would. */
  purgeExpired(now: number): void {
    this.stmt.purge.run(now);
  }

  /** The secret with exactly this name, if any. */
  secretByName(name: string): SecretRow | undefined {
    const r = this.stmt.byName.get(name);
    return r && toSecret(r);
  }

  /** The secret with exactly this ARN, if any. */
  secretByArn(arn: string): SecretRow | undefined {
    const r = this.stmt.byArn.get(arn);
    return r && toSecret(r);
  }

  /** Inserts a new secret without versions and returns it. */
  insertSecret(s: {
    name: string;
    arn: string;
    description: string | null;
    kmsKeyId: string | null;
    tags: readonly Tag[];
    now: number;
  }): SecretRow {
    const { lastInsertRowid } = this.stmt.insertSecret.run({ ...s, tags: JSON.stringify(s.tags) });
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
  updateSecret(id: number, patch: SecretPatch): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, column] of PATCH_COLUMNS) {
      if (!(key in patch)) continue;
      sets.push(`${column} = ?`);
      values.push(key === 'tags' ? JSON.stringify(patch.tags) : patch[key]);
    }
    if (sets.length === 0) return;
    const sql = `UPDATE secrets SET ${sets.join(', ')} WHERE id = ?`;
    let update = this.updates.get(sql);
    if (update === undefined) {
      update = this.db.prepare(sql);
      this.updates.set(sql, update);
    }
    update.run(...values, id);
    if (patch.tags !== undefined) {
      this.stmt.deleteTags.run(id);
      for (const t of patch.tags) this.stmt.insertTag.run(id, t.Key, t.Value);
    }
  }

  /** Removes a secret with all its versions at once. */
  deleteSecret(id: number): void {
    this.stmt.deleteSecret.run(id);
  }

  /**
   * Up to `limit` secrets after the cursor id that satisfy `query`, in creation order (or reverse),
   * found through the name index and the tag table rather than by reading every row.
   */
  secretsMatching(
    query: SecretQuery,
    cursor: number | undefined,
    limit: number,
    descending: boolean,
  ): SecretRow[] {
    const where = [descending ? 's.id < ?' : 's.id > ?'];
    const params: unknown[] = [cursor ?? (descending ? Number.MAX_SAFE_INTEGER : 0)];
    if (!query.includeDeleted) where.push('s.deleted_date IS NULL');
    for (const clause of query.clauses) {
      const tests = clause.map((test) => prefixSql(test, params));
      where.push(tests.length === 1 ? (tests[0] as string) : `(${tests.join(' OR ')})`);
    }
    params.push(limit);
    const sql = `SELECT s.* FROM secrets s WHERE ${where.join(' AND ')} ORDER BY s.id ${descending ? 'DESC' : 'ASC'} LIMIT ?`;
    let statement = this.queries.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], SecretRecord>(sql);
      this.queries.set(sql, statement);
    }
    return statement.all(...params).map(toSecret);
  }

  /** Every stored version of a secret, oldest first. */
  versions(secretId: number): VersionRow[] {
    return this.stmt.versions.all(secretId).map(toVersion);
  }

  /** One version of a secret, if it exists. */
  version(secretId: number, versionId: string): VersionRow | undefined {
    const r = this.stmt.version.get(secretId, versionId);
    return r && toVersion(r);
  }

  /** Stores a new version (with no stages yet). */
  insertVersion(v: {
    secretId: number;
    versionId: string;
    secretString: string | null;
    secretBinary: string | null;
    now: number;
  }): void {
    this.stmt.insertVersion.run(v);
  }

  /** The stages of every version of a secret, keyed by version id. */
  stagesByVersion(secretId: number): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const { stage, version_id } of this.stmt.stages.all(secretId)) {
      const list = out.get(version_id) ?? [];
      list.push(stage);
      out.set(version_id, list);
    }
    return out;
  }

  /** The version that carries a stage, if any. */
  versionIdForStage(secretId: number, stage: string): string | undefined {
    return this.stmt.stage.get(secretId, stage)?.version_id;
  }

  /** Attaches a stage to a version, taking it off whichever version had it. */
  setStage(secretId: number, stage: string, versionId: string): void {
    this.stmt.setStage.run(secretId, stage, versionId);
  }

  /** Drops the oldest versions that carry no stage, keeping at most `keep` versions' worth of history. */
  pruneVersions(secretId: number, keep: number): void {
    this.stmt.prune.run({ secretId, keep });
  }

  /** One parameter, if it exists. */
  parameter(name: string): ParameterRow | undefined {
    const r = this.stmt.parameter.get(name);
    return r && toParameter(r);
  }

  /** Inserts or replaces a parameter. */
  putParameter(p: ParameterRow): void {
    this.stmt.putParameter.run(p);
  }

  /** Deletes a parameter; tells whether it existed. */
  deleteParameter(name: string): boolean {
    return this.stmt.deleteParameter.run(name).changes > 0;
  }

  /** Closes the database (checkpointing the WAL). */
  close(): void {
    this.db.close();
  }
}
