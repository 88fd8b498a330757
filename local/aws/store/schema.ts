import type Database from 'better-sqlite3';

// The tables as a fresh data dir gets them; `migrate` brings an older data dir to the same shape.
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
-- the record read back). Kept in step by SecretTable's insert and update; deletes cascade.
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

/** Creates the tables a data dir lacks and migrates the ones an older version of the endpoint left. */
export function applySchema(db: Database.Database): void {
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
}
