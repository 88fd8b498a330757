/** The store's tag index, which ListSecrets' tag-key and tag-value filters read instead of every row. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, type SecretQuery, SqliteStore } from '../../local/aws/store.js';

const byTag = (key: string, value: string): SecretQuery => ({
  clauses: [
    [{ field: 'tag-key', prefix: key, negated: false }],
    [{ field: 'tag-value', prefix: value, negated: false }],
  ],
  includeDeleted: false,
});

describe('local AWS store tag index', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'thv-aws-tags-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const insert = (store: SqliteStore, name: string, tags: { Key: string; Value: string }[]) =>
    store.secrets.insert({ name, arn: `arn:test:${name}`, description: null, kmsKeyId: null, tags, now: 1 });

  it('finds a secret by the tags it was created with', () => {
    const store = SqliteStore.open(dataDir);
    insert(store, 'user', [{ Key: 'thv:owner', Value: 'user' }]);
    insert(store, 'system', [{ Key: 'thv:scope', Value: 'workloads' }]);

    expect(
      store.secrets.matching(byTag('thv:owner', 'user'), undefined, 10, false).map((s) => s.name),
    ).toEqual(['user']);
    store.close();
  });

  it('follows a change of tags', () => {
    const store = SqliteStore.open(dataDir);
    const secret = insert(store, 'retagged', [{ Key: 'thv:owner', Value: 'user' }]);

    store.secrets.update(secret.id, { tags: [{ Key: 'thv:scope', Value: 'registry' }] });

    expect(store.secrets.matching(byTag('thv:owner', 'user'), undefined, 10, false)).toEqual([]);
    expect(store.secrets.matching(byTag('thv:scope', 'registry'), undefined, 10, false)).toHaveLength(1);
    store.close();
  });

  it('indexes the tags of secrets a data dir held before the index existed', () => {
    const first = SqliteStore.open(dataDir);
    insert(first, 'old', [{ Key: 'thv:owner', Value: 'user' }]);
    first.close();
    // As a data dir written before the tag table: no index rows, schema version 0.
    const raw = new Database(join(dataDir, DATABASE_FILE));
    raw.exec('DELETE FROM secret_tags');
    raw.pragma('user_version = 0');
    raw.close();

    const reopened = SqliteStore.open(dataDir);

    expect(
      reopened.secrets.matching(byTag('thv:owner', 'user'), undefined, 10, false).map((s) => s.name),
    ).toEqual(['old']);
    reopened.close();
  });

  it('matches prefixes exactly at the edges of the index range', () => {
    const store = SqliteStore.open(dataDir);
    for (const name of ['a/', 'a/x', 'a/\u{10FFFF}', 'a0', 'a.']) insert(store, name, []);
    const query: SecretQuery = {
      clauses: [[{ field: 'name', prefix: 'a/', negated: false }]],
      includeDeleted: false,
    };

    expect(store.secrets.matching(query, undefined, 10, false).map((s) => s.name)).toEqual([
      'a/',
      'a/x',
      'a/\u{10FFFF}',
    ]);
    store.close();
  });
});
