/**
 * The embedded endpoint's durable store: one SQLite database in the data dir, with a table object
 * per kind of record (store/secrets.ts, store/versions.ts, store/parameters.ts) and its schema and
 * migrations in store/schema.ts.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makePrivateDir, makePrivateFile, restrictFiles } from '../private-files.js';
import { ParameterTable } from './store/parameters.js';
import { applySchema } from './store/schema.js';
import { SecretTable } from './store/secrets.js';
import { VersionTable } from './store/versions.js';

export type { PrefixTest, SecretQuery } from './store/query.js';
export type { SecretRow, Tag } from './store/secrets.js';
export type { VersionRow } from './store/versions.js';

/** The file name of the database inside the data dir. */
export const DATABASE_FILE = 'local-aws.sqlite';

/**
 * Durable storage for the local endpoint. Every operation runs inside `transaction`, which commits
 * (WAL, synchronous=FULL: fsynced) before it returns, so a caller that answers after it never
 * acknowledges a write that a crash could lose.
 */
export class SqliteStore {
  /** Secrets Manager's secrets: metadata and tags. */
  readonly secrets: SecretTable;
  /** The secrets' versions and their stages. */
  readonly versions: VersionTable;
  /** SSM Parameter Store's parameters. */
  readonly parameters: ParameterTable;

  private constructor(private readonly db: Database.Database) {
    this.secrets = new SecretTable(db);
    this.versions = new VersionTable(db);
    this.parameters = new ParameterTable(db);
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
    applySchema(db);
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

  /** Closes the database (checkpointing the WAL). */
  close(): void {
    this.db.close();
  }
}
