import { describe, expect, it } from 'vitest';
import {
  InvalidKeyError,
  NotDeletedError,
  PendingMigrationKeyError,
  ReservedKeyError,
  ScopedProvider,
  SecretNotFoundError,
  UnknownScopeError,
  UserProvider,
  ValueTooLargeError,
  VersionNotFoundError,
} from '../../core/index.js';
import { MemoryStore } from '../support/memory-store.js';

const scopes = ['workloads', 'registry', 'auth', 'llm'];

/** A store as the broker leaves it: tagged user and system secrets, and one untagged legacy key. */
async function seeded(): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const key of ['GITHUB_TOKEN', 'my-api-key']) await store.put(key, `value-of-${key}`);
  for (const [scope, name] of [
    ['workloads', 'a'],
    ['workloads', 'b'],
    ['registry', 'a'],
  ] as const) {
    await store.put(`__thv_${scope}_${name}`, `value-of-__thv_${scope}_${name}`, { scope });
  }
  store.seedRaw('BEARER_TOKEN_gh', 'value-of-BEARER_TOKEN_gh');
  store.touched.length = 0;
  return store;
}

describe('UserProvider', () => {
  it('round-trips a set and a get', async () => {
    const user = new UserProvider(new MemoryStore());
    await user.set('GITHUB_TOKEN', 'ghp_123');
    expect((await user.get('GITHUB_TOKEN')).value).toBe('ghp_123');
  });

  it('reports created on the first set and updated on the second', async () => {
    const user = new UserProvider(new MemoryStore());
    const first = await user.set('k', 'v1');
    const second = await user.set('k', 'v2');
    expect([first.created, second.created]).toEqual([true, false]);
  });

  it('refuses a reserved key on set before touching storage', async () => {
    const store = new MemoryStore();
    await expect(new UserProvider(store).set('__THV_auth_x', 'v')).rejects.toThrow(ReservedKeyError);
    expect(store.touched).toEqual([]);
  });

  it('refuses a reserved key on get', async () => {
    await expect(new UserProvider(await seeded()).get('__thv_workloads_a')).rejects.toThrow(ReservedKeyError);
  });

  it('refuses a reserved key on delete', async () => {
    const store = await seeded();
    await expect(new UserProvider(store).delete('__thv_workloads_a')).rejects.toThrow(ReservedKeyError);
    expect(store.entries.has('__thv_workloads_a')).toBe(true);
  });

  it('refuses a value over 65,536 bytes', async () => {
    await expect(new UserProvider(new MemoryStore()).set('k', 'é'.repeat(32_769))).rejects.toThrow(
      ValueTooLargeError,
    );
  });

  it('lists only user keys', async () => {
    const page = await new UserProvider(await seeded()).list();
    expect(page.keys.map((k) => k.key)).toEqual(['GITHUB_TOKEN', 'my-api-key']);
  });

  it('fills a page past store pages made only of system keys', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 5; i++) await store.put(`__thv_auth_${i}`, 'x');
    await store.put('zz-user', 'x');
    const page = await new UserProvider(store).list({ limit: 2 });
    expect(page.keys.map((k) => k.key)).toEqual(['zz-user']);
  });

  it('hands back a token when more keys remain', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 5; i++) await store.put(`k${i}`, 'x');
    const user = new UserProvider(store);
    const first = await user.list({ limit: 3 });
    const second = await user.list({ limit: 3, ...(first.next ? { next: first.next } : {}) });
    expect([...first.keys, ...second.keys].map((k) => k.key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(second.next).toBeUndefined();
  });

  it('refuses a whole bulk delete when one key is reserved', async () => {
    const store = await seeded();
    await expect(new UserProvider(store).deleteMany(['GITHUB_TOKEN', '__Thv_workloads_a'])).rejects.toThrow(
      ReservedKeyError,
    );
    expect(store.entries.has('GITHUB_TOKEN')).toBe(true);
  });

  it('bulk-deletes user keys and reports the missing ones', async () => {
    const result = await new UserProvider(await seeded()).deleteMany(['GITHUB_TOKEN', 'nope']);
    expect(result).toEqual({ deleted: ['GITHUB_TOKEN'], missing: ['nope'] });
  });
});

describe('ScopedProvider', () => {
  it('refuses a scope outside the deployment', () => {
    expect(() => new ScopedProvider(new MemoryStore(), { scope: 'other', scopes })).toThrow(
      UnknownScopeError,
    );
  });

  it('stores a name under its scope prefix', async () => {
    const store = new MemoryStore();
    await new ScopedProvider(store, { scope: 'workloads', scopes }).set('BEARER_TOKEN_x', 'v');
    expect([...store.entries.keys()]).toEqual(['__thv_workloads_BEARER_TOKEN_x']);
  });

  it('passes its scope to the store for tagging', async () => {
    const store = new MemoryStore();
    await new ScopedProvider(store, { scope: 'llm', scopes }).set('k', 'v');
    expect(store.entries.get('__thv_llm_k')?.scope).toBe('llm');
  });

  it('gets a name back without the prefix', async () => {
    const scoped = new ScopedProvider(await seeded(), { scope: 'workloads', scopes });
    expect(await scoped.get('a')).toMatchObject({ key: 'a', value: 'value-of-__thv_workloads_a' });
  });

  it('lists only its own scope, prefix stripped', async () => {
    const page = await new ScopedProvider(await seeded(), { scope: 'workloads', scopes }).list();
    expect(page.keys.map((k) => k.key)).toEqual(['a', 'b']);
  });

  it('cleans up exactly its own scope', async () => {
    const store = await seeded();
    const deleted = await new ScopedProvider(store, { scope: 'workloads', scopes }).cleanup();
    expect(deleted).toBe(2);
    expect([...store.entries.keys()].sort()).toEqual([
      'BEARER_TOKEN_gh',
      'GITHUB_TOKEN',
      '__thv_registry_a',
      'my-api-key',
    ]);
  });

  it('names the scoped name, not the store key, when it is missing', async () => {
    const scoped = new ScopedProvider(new MemoryStore(), { scope: 'llm', scopes });
    await expect(scoped.get('gone')).rejects.toThrow('secret "gone" was not found');
  });

  it('refuses an invalid name', async () => {
    await expect(new ScopedProvider(new MemoryStore(), { scope: 'auth', scopes }).get('a/b')).rejects.toThrow(
      InvalidKeyError,
    );
  });

  it('does not fall back to the legacy key by default', async () => {
    const scoped = new ScopedProvider(await seeded(), { scope: 'workloads', scopes });
    await expect(scoped.get('BEARER_TOKEN_gh')).rejects.toThrow(SecretNotFoundError);
  });

  it('falls back to a legacy key of its own scope until migrated', async () => {
    const scoped = new ScopedProvider(await seeded(), {
      scope: 'workloads',
      scopes,
      legacyFallback: 'until-migrated',
      isMigrated: async () => false,
    });
    expect(await scoped.get('BEARER_TOKEN_gh')).toMatchObject({ key: 'BEARER_TOKEN_gh', legacy: true });
  });

  it('stops falling back once migrated', async () => {
    const store = await seeded();
    const scoped = new ScopedProvider(store, {
      scope: 'workloads',
      scopes,
      legacyFallback: 'until-migrated',
      isMigrated: async () => true,
    });
    await expect(scoped.get('BEARER_TOKEN_gh')).rejects.toThrow(SecretNotFoundError);
    expect(store.touched).not.toContain('BEARER_TOKEN_gh');
  });

  it('never falls back to a legacy key of another scope', async () => {
    const store = await seeded();
    await store.put('REGISTRY_OAUTH_x', 'v');
    store.touched.length = 0;
    const scoped = new ScopedProvider(store, {
      scope: 'workloads',
      scopes,
      legacyFallback: 'until-migrated',
      isMigrated: async () => false,
    });
    await expect(scoped.get('REGISTRY_OAUTH_x')).rejects.toThrow(SecretNotFoundError);
    expect(store.touched).not.toContain('REGISTRY_OAUTH_x');
  });

  it('deletes only the scoped key, never the legacy key', async () => {
    const store = await seeded();
    const scoped = new ScopedProvider(store, {
      scope: 'workloads',
      scopes,
      legacyFallback: 'until-migrated',
      isMigrated: async () => false,
    });
    await expect(scoped.delete('BEARER_TOKEN_gh')).rejects.toThrow(SecretNotFoundError);
    expect(store.entries.has('BEARER_TOKEN_gh')).toBe(true);
  });
});

describe('UserProvider while the legacy migration is pending', () => {
  const pending = { isMigrated: async () => false };
  const done = { isMigrated: async () => true };

  it.each(['get', 'set', 'delete'] as const)(
    'refuses %s of a legacy name with reserved_key, touching no storage',
    async (op) => {
      const store = await seeded();
      const user = new UserProvider(store, pending);
      const call = {
        get: () => user.get('BEARER_TOKEN_gh'),
        set: () => user.set('BEARER_TOKEN_gh', 'planted'),
        delete: () => user.delete('BEARER_TOKEN_gh'),
      }[op];
      await expect(call()).rejects.toMatchObject({
        code: 'reserved_key',
        message: expect.stringContaining('until the legacy-key migration finishes'),
      });
      expect(store.touched).toEqual([]);
      expect(store.entries.get('BEARER_TOKEN_gh')?.value).toBe('value-of-BEARER_TOKEN_gh');
    },
  );

  it('holds legacy names by default, with no flag reader given', async () => {
    await expect(new UserProvider(await seeded()).get('BEARER_TOKEN_gh')).rejects.toThrow(
      PendingMigrationKeyError,
    );
  });

  it('hides a user-tagged legacy name from listings until the flag is set', async () => {
    const store = await seeded();
    await store.put('REGISTRY_OAUTH_mine', 'v');
    expect((await new UserProvider(store, pending).list()).keys.map((k) => k.key)).toEqual([
      'GITHUB_TOKEN',
      'my-api-key',
    ]);
    expect((await new UserProvider(store, done).list()).keys.map((k) => k.key)).toEqual([
      'GITHUB_TOKEN',
      'REGISTRY_OAUTH_mine',
      'my-api-key',
    ]);
  });

  it.each(['bearer_token_x', 'XBEARER_TOKEN_y', 'BEARER_TOKEN', 'registry_user_x'])(
    'serves the look-alike %s as an ordinary user key',
    async (key) => {
      const user = new UserProvider(new MemoryStore(), pending);
      await user.set(key, 'v');
      expect((await user.get(key)).value).toBe('v');
    },
  );

  it('holds the names of the deployment table, not the default one', async () => {
    const user = new UserProvider(new MemoryStore(), {
      ...pending,
      legacyPrefixes: [{ prefix: 'OLD_', scope: 'auth' }],
    });
    await expect(user.set('OLD_x', 'v')).rejects.toThrow(PendingMigrationKeyError);
    await expect(user.set('BEARER_TOKEN_x', 'v')).resolves.toMatchObject({ created: true });
  });

  it('serves a legacy name as an ordinary user key once the flag is set', async () => {
    const user = new UserProvider(new MemoryStore(), done);
    await user.set('BEARER_TOKEN_mine', 'v');
    expect((await user.get('BEARER_TOKEN_mine')).value).toBe('v');
    await user.delete('BEARER_TOKEN_mine');
  });

  it('refuses a whole bulk delete holding one legacy name', async () => {
    const store = await seeded();
    await expect(
      new UserProvider(store, pending).deleteMany(['GITHUB_TOKEN', 'BEARER_TOKEN_gh']),
    ).rejects.toThrow(PendingMigrationKeyError);
    expect(store.touched).toEqual([]);
  });

  it('lists only keys tagged thv:owner=user, not an untagged pre-broker key', async () => {
    const store = await seeded();
    store.seedRaw('old-user-key', 'v');
    expect((await new UserProvider(store, done).list()).keys.map((k) => k.key)).toEqual([
      'GITHUB_TOKEN',
      'my-api-key',
    ]);
  });
});

describe('ScopedProvider legacy fallback and tags', () => {
  const fallback = {
    scope: 'workloads',
    scopes,
    legacyFallback: 'until-migrated' as const,
    isMigrated: async () => false,
  };

  it.each<Record<string, string>>([
    { 'thv:owner': 'user' },
    { 'thv:owner': 'admin' },
    { 'thv:scope': 'workloads' },
  ])('never reads a bare key tagged %j', async (tags) => {
    const store = new MemoryStore();
    store.seedRaw('BEARER_TOKEN_planted', 'planted', tags);
    await expect(new ScopedProvider(store, fallback).get('BEARER_TOKEN_planted')).rejects.toThrow(
      SecretNotFoundError,
    );
    expect(store.touched.filter((k) => k === 'BEARER_TOKEN_planted')).toEqual(['BEARER_TOKEN_planted']);
  });

  it('never reads a legacy key a user wrote through the user routes after the flag', async () => {
    const store = new MemoryStore();
    await new UserProvider(store, { isMigrated: async () => true }).set('BEARER_TOKEN_x', 'planted');
    await expect(new ScopedProvider(store, fallback).get('BEARER_TOKEN_x')).rejects.toThrow(
      SecretNotFoundError,
    );
  });

  it('reads an untagged bare key that carries only a foreign tag', async () => {
    const store = new MemoryStore();
    store.seedRaw('BEARER_TOKEN_x', 'legacy', { team: 'a' });
    expect(await new ScopedProvider(store, fallback).get('BEARER_TOKEN_x')).toMatchObject({
      value: 'legacy',
      legacy: true,
    });
  });

  it('prefers the scoped key to the bare one', async () => {
    const store = new MemoryStore();
    store.seedRaw('BEARER_TOKEN_x', 'legacy');
    store.seedRaw('__thv_workloads_BEARER_TOKEN_x', 'scoped', { 'thv:scope': 'workloads' }, true);
    const secret = await new ScopedProvider(store, fallback).get('BEARER_TOKEN_x');
    expect([secret.value, secret.legacy]).toEqual(['scoped', undefined]);
  });

  it('lists a scoped key only when it carries its own scope tag', async () => {
    const store = new MemoryStore();
    store.seedRaw('__thv_workloads_a', 'v', { 'thv:scope': 'workloads' });
    store.seedRaw('__thv_workloads_b', 'v');
    store.seedRaw('__thv_workloads_c', 'v', { 'thv:scope': 'registry' });
    store.seedRaw('__THV_workloads_d', 'v', { 'thv:scope': 'workloads' });
    const page = await new ScopedProvider(store, { scope: 'workloads', scopes }).list();
    expect(page.keys.map((k) => k.key)).toEqual(['a']);
  });
});

describe('restore, deleted listings and versions', () => {
  /** A user key and a workloads name, each written twice and then deleted, plus a held legacy key. */
  async function withDeleted(): Promise<MemoryStore> {
    const store = await seeded();
    for (const v of ['v1', 'v2']) await store.put('OLD_TOKEN', v);
    for (const v of ['s1', 's2']) await store.put('__thv_workloads_old', v, { scope: 'workloads' });
    await store.put('BEARER_TOKEN_mine', 'held');
    for (const k of ['OLD_TOKEN', '__thv_workloads_old', 'BEARER_TOKEN_mine']) await store.delete(k);
    store.touched.length = 0;
    return store;
  }

  it('reads the previous value of a user key', async () => {
    const user = new UserProvider(new MemoryStore());
    await user.set('k', 'first');
    await user.set('k', 'second');
    expect((await user.getVersion('k', 'previous')).value).toBe('first');
  });

  it('reads a user key by the version id a write returned', async () => {
    const user = new UserProvider(new MemoryStore());
    const { version } = await user.set('k', 'first');
    await user.set('k', 'second');
    expect((await user.getVersion('k', { id: version })).value).toBe('first');
  });

  it('reports a key written once as having no previous version', async () => {
    const user = new UserProvider(new MemoryStore());
    await user.set('k', 'only');
    await expect(user.getVersion('k', 'previous')).rejects.toThrow(VersionNotFoundError);
  });

  it('refuses a reserved key on a version read before touching storage', async () => {
    const store = await seeded();
    await expect(new UserProvider(store).getVersion('__thv_workloads_a', 'previous')).rejects.toThrow(
      ReservedKeyError,
    );
    expect(store.touched).toEqual([]);
  });

  it('restores a deleted user key with its value', async () => {
    const store = await withDeleted();
    const user = new UserProvider(store);
    await user.restore('OLD_TOKEN');
    expect((await user.get('OLD_TOKEN')).value).toBe('v2');
  });

  it('answers not deleted for a restore of a live user key', async () => {
    await expect(new UserProvider(await seeded()).restore('GITHUB_TOKEN')).rejects.toThrow(NotDeletedError);
  });

  it('answers not found for a restore of a key that never existed', async () => {
    await expect(new UserProvider(await seeded()).restore('NEVER')).rejects.toThrow(SecretNotFoundError);
  });

  it('refuses a reserved key on restore before touching storage', async () => {
    const store = await withDeleted();
    await expect(new UserProvider(store).restore('__thv_workloads_old')).rejects.toThrow(ReservedKeyError);
    expect(store.touched).toEqual([]);
  });

  it('holds a legacy name on restore while the migration is pending', async () => {
    const store = await withDeleted();
    await expect(new UserProvider(store).restore('BEARER_TOKEN_mine')).rejects.toThrow(
      PendingMigrationKeyError,
    );
    expect(store.deleted.has('BEARER_TOKEN_mine')).toBe(true);
  });

  it('holds a legacy name on a version read while the migration is pending', async () => {
    const store = await seeded();
    await expect(new UserProvider(store).getVersion('BEARER_TOKEN_gh', 'previous')).rejects.toThrow(
      PendingMigrationKeyError,
    );
  });

  it('never restores a deleted key that is not tagged as a user secret', async () => {
    const store = await seeded();
    store.seedRaw('UNTAGGED', 'pre-broker');
    await store.delete('UNTAGGED');
    await expect(
      new UserProvider(store, { isMigrated: async () => true }).restore('UNTAGGED'),
    ).rejects.toThrow(SecretNotFoundError);
    expect(store.deleted.has('UNTAGGED')).toBe(true);
  });

  it('lists deleted user keys with their deletion and purge times, hiding held legacy names', async () => {
    const page = await new UserProvider(await withDeleted()).listDeleted();
    expect(page.keys.map((k) => [k.key, typeof k.deletedAt, typeof k.purgeAt])).toEqual([
      ['OLD_TOKEN', 'string', 'string'],
    ]);
  });

  it('lists a deleted legacy name once the migration is done', async () => {
    const page = await new UserProvider(await withDeleted(), { isMigrated: async () => true }).listDeleted();
    expect(page.keys.map((k) => k.key)).toEqual(['BEARER_TOKEN_mine', 'OLD_TOKEN']);
  });

  it('lists only its own deleted names in a scope, prefix stripped', async () => {
    const store = await withDeleted();
    await store.put('__thv_registry_gone', 'r', { scope: 'registry' });
    await store.delete('__thv_registry_gone');
    const page = await new ScopedProvider(store, { scope: 'workloads', scopes }).listDeleted();
    expect(page.keys.map((k) => k.key)).toEqual(['old']);
  });

  it('restores a deleted name of its scope', async () => {
    const store = await withDeleted();
    const scoped = new ScopedProvider(store, { scope: 'workloads', scopes });
    await scoped.restore('old');
    expect((await scoped.get('old')).value).toBe('s2');
  });

  it('never restores another scope’s deleted name, naming only the scoped name', async () => {
    const store = await withDeleted();
    const scoped = new ScopedProvider(store, { scope: 'registry', scopes });
    await expect(scoped.restore('old')).rejects.toThrow(new SecretNotFoundError('old'));
    expect(store.touched).toEqual(['__thv_registry_old']);
  });

  it('names the scoped name when a restore finds it live', async () => {
    const scoped = new ScopedProvider(await seeded(), { scope: 'workloads', scopes });
    await expect(scoped.restore('a')).rejects.toThrow(new NotDeletedError('a'));
  });

  it('reads the previous value of a scoped name, named without the prefix', async () => {
    const store = new MemoryStore();
    const scoped = new ScopedProvider(store, { scope: 'workloads', scopes });
    await scoped.set('t', 'first');
    await scoped.set('t', 'second');
    expect(await scoped.getVersion('t', 'previous')).toMatchObject({ key: 't', value: 'first' });
  });

  it('never reads a version of the legacy key, even with the fallback on', async () => {
    const store = await seeded();
    const scoped = new ScopedProvider(store, {
      scope: 'workloads',
      scopes,
      legacyFallback: 'until-migrated',
      isMigrated: async () => false,
    });
    await expect(scoped.getVersion('BEARER_TOKEN_gh', 'previous')).rejects.toThrow(VersionNotFoundError);
    expect(store.touched).toEqual(['__thv_workloads_BEARER_TOKEN_gh']);
  });
});
