import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, SqliteStore } from '../../local/aws/store.js';

describe('local AWS SQLite store', () => {
  let dataDir: string;
  let store: SqliteStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'thv-aws-store-'));
    store = SqliteStore.open(dataDir);
  });

  afterEach(() => {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const insert = (name: string) =>
    store.secrets.insert({
      name,
      arn: `arn:test:${name}`,
      description: null,
      kmsKeyId: null,
      tags: [],
      now: 1,
    });

  it('opens the database in WAL mode with synchronous=FULL', () => {
    const settings = { journal: store.pragma('journal_mode'), synchronous: store.pragma('synchronous') };

    // synchronous 2 is FULL: every commit is fsynced before it returns.
    expect(settings).toEqual({ journal: 'wal', synchronous: 2 });
  });

  it('purges a secret whose recovery window has ended', () => {
    const secret = insert('expired');
    store.secrets.update(secret.id, { deletedDate: 50, purgeDate: 100 });

    store.secrets.purgeExpired(101);

    expect(store.secrets.byName('expired')).toBeUndefined();
  });

  it('keeps a secret whose recovery window is still open', () => {
    const secret = insert('pending');
    store.secrets.update(secret.id, { deletedDate: 50, purgeDate: 100 });

    store.secrets.purgeExpired(99);

    expect(store.secrets.byName('pending')?.purgeDate).toBe(100);
  });

  it('still purges a secret that a data dir from before the purge column scheduled', () => {
    // Prepare: as such a data dir left it, deleted_date holding the end of the recovery window.
    const secret = insert('old-dir');
    store.close();
    const raw = new Database(join(dataDir, DATABASE_FILE));
    raw.exec('DROP INDEX secrets_purge; ALTER TABLE secrets DROP COLUMN purge_date');
    raw.prepare('UPDATE secrets SET deleted_date = 100 WHERE id = ?').run(secret.id);
    raw.close();
    store = SqliteStore.open(dataDir);

    // Act
    store.secrets.purgeExpired(101);

    // Assess
    expect(store.secrets.byName('old-dir')).toBeUndefined();
  });

  it('rolls back every write of a transaction that throws', () => {
    const attempt = () =>
      store.transaction(() => {
        insert('half-done');
        throw new Error('operation failed after its first write');
      });

    expect(attempt).toThrow(/after its first write/);
    expect(store.secrets.byName('half-done')).toBeUndefined();
  });

  it('removes a secret’s versions and stages with the secret', () => {
    const secret = insert('cascade');
    store.versions.insert({
      secretId: secret.id,
      versionId: 'v1',
      secretString: 's',
      secretBinary: null,
      now: 1,
    });
    store.versions.setStage(secret.id, 'AWSCURRENT', 'v1');

    store.secrets.delete(secret.id);

    expect([store.versions.all(secret.id), store.versions.stagesByVersion(secret.id).size]).toEqual([[], 0]);
  });
});
