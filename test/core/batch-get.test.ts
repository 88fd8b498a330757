/**
 * Batch reads in the core: the user provider judges every key (reserved, invalid, held legacy
 * name) before one store call, the scoped provider asks only for its own scope's keys, and a read
 * is all-or-nothing. Unit tests, then properties over hostile key lists.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BrokerError,
  DEFAULT_SCOPES,
  InvalidKeyError,
  PendingMigrationKeyError,
  ReservedKeyError,
  ScopedProvider,
  SecretNotFoundError,
  scopePrefix,
  UserProvider,
} from '../../core/index.js';
import { MemoryStore } from '../support/memory-store.js';

const scopes = [...DEFAULT_SCOPES];
const scoped = (store: MemoryStore, scope = 'workloads', extra = {}) =>
  new ScopedProvider(store, { scope, scopes, ...extra });

/** A store with one user secret, one system secret of each scope and one bare legacy key. */
function seeded(): MemoryStore {
  const store = new MemoryStore();
  store.seedRaw('GITHUB_TOKEN', 'user-gh', { 'thv:owner': 'user' });
  store.seedRaw('OTHER', 'user-other', { 'thv:owner': 'user' });
  store.seedRaw('BEARER_TOKEN_legacy', 'legacy-bearer');
  for (const scope of scopes)
    store.seedRaw(`${scopePrefix(scope)}TOKEN`, `sys-${scope}`, { 'thv:scope': scope });
  return store;
}

describe('UserProvider.getMany', () => {
  it('reads every key with one store call, in request order', async () => {
    // Prepare
    const store = seeded();
    // Act
    const secrets = await new UserProvider(store).getMany(['OTHER', 'GITHUB_TOKEN']);
    // Assess
    expect(secrets.map((s) => [s.key, s.value])).toEqual([
      ['OTHER', 'user-other'],
      ['GITHUB_TOKEN', 'user-gh'],
    ]);
    expect(store.batches).toEqual([['OTHER', 'GITHUB_TOKEN']]);
  });

  it('refuses the whole batch for one reserved key before any store call', async () => {
    // Prepare
    const store = seeded();
    // Act
    const read = new UserProvider(store).getMany(['GITHUB_TOKEN', '__THV_workloads_TOKEN']);
    // Assess
    await expect(read).rejects.toThrow(ReservedKeyError);
    expect(store.touched).toEqual([]);
    expect(store.batches).toEqual([]);
  });

  it('refuses a legacy name while the migration is pending, before any store call', async () => {
    // Prepare
    const store = seeded();
    const user = new UserProvider(store, { isMigrated: async () => false });
    // Act
    const read = user.getMany(['GITHUB_TOKEN', 'BEARER_TOKEN_legacy']);
    // Assess
    await expect(read).rejects.toThrow(PendingMigrationKeyError);
    expect(store.touched).toEqual([]);
  });

  it('reads the migration flag once for a batch of legacy names', async () => {
    // Prepare
    let reads = 0;
    const store = seeded();
    store.seedRaw('BEARER_TOKEN_a', 'a', { 'thv:owner': 'user' });
    store.seedRaw('BEARER_TOKEN_b', 'b', { 'thv:owner': 'user' });
    const user = new UserProvider(store, {
      isMigrated: async () => {
        reads += 1;
        return true;
      },
    });
    // Act
    await user.getMany(['BEARER_TOKEN_a', 'BEARER_TOKEN_b', 'GITHUB_TOKEN']);
    // Assess
    expect(reads).toBe(1);
  });

  it('refuses an invalid key before any store call', async () => {
    // Prepare
    const store = seeded();
    // Act
    const read = new UserProvider(store).getMany(['GITHUB_TOKEN', 'a/b']);
    // Assess
    await expect(read).rejects.toThrow(InvalidKeyError);
    expect(store.touched).toEqual([]);
  });

  it('fails the whole batch, naming the key, when one key is missing', async () => {
    // Prepare
    const store = seeded();
    // Act
    const read = new UserProvider(store).getMany(['GITHUB_TOKEN', 'NOPE']);
    // Assess
    await expect(read).rejects.toThrow(SecretNotFoundError);
    await expect(read).rejects.toMatchObject({ key: 'NOPE' });
  });

  it('reports the first bad key in request order', async () => {
    // Prepare
    const store = seeded();
    // Act
    const read = new UserProvider(store).getMany(['a/b', '__thv_x']);
    // Assess
    await expect(read).rejects.toThrow(InvalidKeyError);
  });
});

describe('ScopedProvider.getMany', () => {
  it("asks the store only for its own scope's keys and answers with the names", async () => {
    // Prepare
    const store = seeded();
    // Act
    const secrets = await scoped(store).getMany(['TOKEN']);
    // Assess
    expect(secrets.map((s) => [s.key, s.value])).toEqual([['TOKEN', 'sys-workloads']]);
    expect(store.batches).toEqual([['__thv_workloads_TOKEN']]);
  });

  it("never reads another scope's key, whatever the name looks like", async () => {
    // Prepare
    const store = seeded();
    // Act
    const read = scoped(store).getMany(['TOKEN', '__thv_registry_TOKEN']);
    // Assess
    await expect(read).rejects.toThrow(SecretNotFoundError);
    expect(store.batches).toEqual([['__thv_workloads_TOKEN', '__thv_workloads___thv_registry_TOKEN']]);
  });

  it('fails the whole batch when one name is missing', async () => {
    // Prepare
    const store = seeded();
    // Act
    const read = scoped(store).getMany(['TOKEN', 'NOPE']);
    // Assess
    await expect(read).rejects.toMatchObject({ code: 'not_found', key: 'NOPE' });
  });

  it('refuses an invalid name before any store call', async () => {
    // Prepare
    const store = seeded();
    // Act
    const read = scoped(store).getMany(['TOKEN', '']);
    // Assess
    await expect(read).rejects.toThrow(InvalidKeyError);
    expect(store.batches).toEqual([]);
  });

  it('falls back to the untagged legacy key under until-migrated, as a single read does', async () => {
    // Prepare
    const store = seeded();
    const provider = scoped(store, 'workloads', {
      legacyFallback: 'until-migrated',
      isMigrated: async () => false,
    });
    // Act
    const secrets = await provider.getMany(['TOKEN', 'BEARER_TOKEN_legacy']);
    // Assess
    expect(secrets.map((s) => [s.key, s.value])).toEqual([
      ['TOKEN', 'sys-workloads'],
      ['BEARER_TOKEN_legacy', 'legacy-bearer'],
    ]);
  });

  it('does not fall back once the migration is done', async () => {
    // Prepare
    const provider = scoped(seeded(), 'workloads', {
      legacyFallback: 'until-migrated',
      isMigrated: async () => true,
    });
    // Act
    const read = provider.getMany(['BEARER_TOKEN_legacy']);
    // Assess
    await expect(read).rejects.toThrow(SecretNotFoundError);
  });
});

describe('batch read properties', () => {
  const keyChars = 'ABCXYZabc019_+=.@-';
  const validKey = fc
    .string({ unit: fc.constantFrom(...keyChars), minLength: 1, maxLength: 20 })
    .filter((k) => k !== '.' && k !== '..');
  const casedPrefix = fc.constantFrom('__thv_', '__THV_', '__Thv_');
  const anyKey = fc.oneof(
    validKey,
    fc.tuple(casedPrefix, fc.constantFrom(...scopes), validKey).map(([p, s, k]) => `${p}${s}_${k}`),
    fc.tuple(casedPrefix, validKey).map(([p, k]) => p + k),
    fc.constantFrom('GITHUB_TOKEN', 'OTHER', '__thv_workloads_TOKEN', '__thv_registry_TOKEN', 'TOKEN'),
    fc.string({ maxLength: 12 }),
  );
  const isReserved = (k: string) => k.toLowerCase().startsWith('__thv_');

  it('the user provider never returns a value of a reserved key, and answers all keys or none', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyKey, { minLength: 1, maxLength: 30 }), async (keys) => {
        // Prepare
        const store = seeded();
        for (const k of keys)
          if (!isReserved(k) && /^[A-Za-z0-9_+=.@-]{1,200}$/.test(k)) {
            if (k.length % 3 === 0) store.seedRaw(k, `v-${k}`, { 'thv:owner': 'user' });
          }
        // Act
        let answer: readonly { key: string; value: string }[] | undefined;
        try {
          answer = await new UserProvider(store, { isMigrated: async () => true }).getMany(keys);
        } catch (error) {
          expect(error).toBeInstanceOf(BrokerError);
        }
        // Assess
        expect(store.touched.some(isReserved)).toBe(false);
        if (keys.some(isReserved)) expect(store.batches).toEqual([]);
        if (answer !== undefined) {
          expect(answer.map((s) => s.key)).toEqual([...new Set(keys)]);
          for (const s of answer) expect(s.value).toBe(store.entries.get(s.key)?.value);
        }
      }),
    );
  });

  it("a scoped provider never returns a value of another scope's or a user's key", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...scopes),
        fc.array(anyKey, { minLength: 1, maxLength: 30 }),
        async (scope, names) => {
          // Prepare
          const store = seeded();
          const own = scopePrefix(scope);
          // Act
          let answer: readonly { key: string; value: string }[] | undefined;
          try {
            answer = await scoped(store, scope).getMany(names);
          } catch (error) {
            expect(error).toBeInstanceOf(BrokerError);
          }
          // Assess
          expect(store.touched.every((k) => k.startsWith(own))).toBe(true);
          if (answer !== undefined) {
            expect(answer.map((s) => s.key)).toEqual([...new Set(names)]);
            for (const s of answer) expect(s.value).toBe(store.entries.get(`${own}${s.key}`)?.value);
          }
        },
      ),
    );
  });
});
