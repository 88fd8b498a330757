/**
 * Property-based isolation: whatever keys a caller sends, the user provider never lets a reserved
 * name reach storage or a listing, and a scoped provider never touches a name outside its prefix,
 * for live and deleted keys alike (get, set, delete, versions, restore, both listings).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BrokerError,
  DEFAULT_SCOPES,
  legacyScopeOf,
  ScopedProvider,
  scopePrefix,
  UserProvider,
} from '../../core/index.js';
import { DESIGN_TABLE, namesAround, OWNER, plainKey, SCOPE, tagsArb } from '../support/legacy-keys.js';
import { HookedStore, MemoryStore } from '../support/memory-store.js';
import { allPages } from '../support/paging.js';

const scopes = [...DEFAULT_SCOPES];
/** The test's own oracles for "reserved" and "valid", independent of the code under test. */
const isReserved = (key: string): boolean => key.toLowerCase().startsWith('__thv_');
const isValidKey = (key: string): boolean =>
  /^[A-Za-z0-9_+=.@-]{1,200}$/.test(key) && key !== '.' && key !== '..';
const keyChars = 'ABCXYZabcxyz0189_+=.@-';
const validKey = fc
  .string({ unit: fc.constantFrom(...keyChars), minLength: 1, maxLength: 40 })
  .filter((k) => k !== '.' && k !== '..');
const casedPrefix = fc.constantFrom('__thv_', '__THV_', '__Thv_', '__tHv_', '__thV_', '__THv_');

/** Keys a hostile or careless caller might send. */
const anyKey = fc.oneof(
  validKey,
  fc.tuple(casedPrefix, validKey).map(([p, k]) => p + k),
  fc.tuple(fc.constantFrom(...scopes, 'other'), validKey).map(([s, k]) => `${scopePrefix(s)}${k}`),
  fc.tuple(casedPrefix, fc.constantFrom(...scopes), validKey).map(([p, s, k]) => `${p}${s}_${k}`),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constant(''),
  fc.string({ unit: fc.constantFrom(...keyChars), minLength: 190, maxLength: 260 }),
  fc.tuple(validKey, validKey).map(([a, b]) => `${a}/${b}`),
  fc.tuple(validKey, validKey).map(([a, b]) => `${a}:${b}`),
  validKey.map((k) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:toolhive/${k}`),
  validKey.map((k) => `toolhive/__thv_workloads_${k}`),
  validKey.map((k) => `../${k}`),
  validKey.map((k) => `%5F%5Fthv_${k}`),
);

const value = fc.string({ minLength: 0, maxLength: 64 });

/** What a version read asks for: the previous value, or an id (valid or not, known or not). */
const versionRef = fc.oneof(
  fc.constant('previous' as const),
  fc.uuid().map((id) => ({ id })),
  fc.string({ maxLength: 70 }).map((id) => ({ id })),
);

type Op =
  | { kind: 'get' | 'delete' | 'restore'; key: string }
  | { kind: 'getVersion'; key: string; version: 'previous' | { id: string } }
  | { kind: 'listDeleted'; limit: number }
  | { kind: 'set'; key: string; value: string }
  | { kind: 'list'; limit: number }
  | { kind: 'deleteMany'; keys: readonly string[] }
  | { kind: 'cleanup' };

/** The operations on deleted keys and versions, for either provider. */
const restoreOps = [
  fc.record({ kind: fc.constant('restore' as const), key: anyKey }),
  fc.record({ kind: fc.constant('getVersion' as const), key: anyKey, version: versionRef }),
  fc.record({ kind: fc.constant('listDeleted' as const), limit: fc.integer({ min: 1, max: 100 }) }),
] as const;

const userOps = fc.array(
  fc.oneof(
    ...restoreOps,
    fc.record({ kind: fc.constant('get' as const), key: anyKey }),
    fc.record({ kind: fc.constant('delete' as const), key: anyKey }),
    fc.record({ kind: fc.constant('set' as const), key: anyKey, value }),
    fc.record({ kind: fc.constant('list' as const), limit: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ kind: fc.constant('deleteMany' as const), keys: fc.array(anyKey, { maxLength: 4 }) }),
  ),
  { maxLength: 25 },
);

/**
 * A store holding user keys, every scope's keys and legacy keys, each written twice (so each has a
 * previous version), and deleted ones of every kind, with `touched` cleared.
 */
async function populated(): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const s of scopes)
    for (const n of ['a', 'b', 'BEARER_TOKEN_x', 'gone']) {
      await store.put(`${scopePrefix(s)}${n}`, `old-sys-${s}-${n}`, { scope: s });
      await store.put(`${scopePrefix(s)}${n}`, `sys-${s}-${n}`, { scope: s });
    }
  // Look-alikes in other letter cases, as a direct Secrets Manager caller could have written them.
  for (const k of [
    'GITHUB_TOKEN',
    'BEARER_TOKEN_gh',
    'REGISTRY_OAUTH_r',
    'zz',
    '__THV_workloads_up',
    '__Thv_auth_up',
    'GONE_USER',
    '__THV_workloads_gone',
  ]) {
    await store.put(k, `old-user-${k}`);
    await store.put(k, `user-${k}`);
  }
  for (const k of [...scopes.map((s) => `${scopePrefix(s)}gone`), 'GONE_USER', '__THV_workloads_gone'])
    await store.delete(k);
  store.touched.length = 0;
  return store;
}

/** Runs one op; only the core's own named errors are acceptable failures. */
async function run(provider: UserProvider | ScopedProvider, op: Op, seen: string[]): Promise<void> {
  try {
    if (op.kind === 'get') await provider.get(op.key);
    else if (op.kind === 'delete') await provider.delete(op.key);
    else if (op.kind === 'restore') await provider.restore(op.key);
    else if (op.kind === 'getVersion') await provider.getVersion(op.key, op.version);
    else if (op.kind === 'listDeleted')
      seen.push(...(await provider.listDeleted({ limit: op.limit })).keys.map((k) => k.key));
    else if (op.kind === 'set') await provider.set(op.key, op.value);
    else if (op.kind === 'list')
      seen.push(...(await provider.list({ limit: op.limit })).keys.map((k) => k.key));
    else if (op.kind === 'deleteMany' && provider instanceof UserProvider) await provider.deleteMany(op.keys);
    else if (op.kind === 'cleanup' && provider instanceof ScopedProvider) await provider.cleanup();
  } catch (error) {
    if (!(error instanceof BrokerError)) throw error;
  }
}

describe('user provider isolation', () => {
  it('never sends a reserved name to storage, whatever the keys', async () => {
    await fc.assert(
      fc.asyncProperty(userOps, async (ops) => {
        const store = await populated();
        const user = new UserProvider(store);
        for (const op of ops) await run(user, op, []);
        expect(store.touched.filter(isReserved)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never lists a reserved name', async () => {
    await fc.assert(
      fc.asyncProperty(userOps, async (ops) => {
        const store = await populated();
        const user = new UserProvider(store);
        const seen: string[] = [];
        const last = [{ kind: 'list', limit: 100 } as const, { kind: 'listDeleted', limit: 100 } as const];
        for (const op of [...ops, ...last]) await run(user, op, seen);
        expect(seen.filter(isReserved)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never sends an invalid name to storage', async () => {
    await fc.assert(
      fc.asyncProperty(userOps, async (ops) => {
        const store = await populated();
        const user = new UserProvider(store);
        for (const op of ops) await run(user, op, []);
        expect(store.touched.filter((k) => !isValidKey(k))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves every system secret intact', async () => {
    await fc.assert(
      fc.asyncProperty(userOps, async (ops) => {
        const store = await populated();
        const before = [...store.entries].filter(([k]) => isReserved(k)).map(([k, e]) => [k, e.value]);
        const user = new UserProvider(store);
        for (const op of ops) await run(user, op, []);
        expect([...store.entries].filter(([k]) => isReserved(k)).map(([k, e]) => [k, e.value])).toEqual(
          before,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips set then get for every valid user key', async () => {
    await fc.assert(
      fc.asyncProperty(
        validKey.filter((k) => !isReserved(k)),
        value,
        async (key, v) => {
          const user = new UserProvider(new MemoryStore());
          await user.set(key, v);
          expect((await user.get(key)).value).toBe(v);
        },
      ),
    );
  });

  it('never puts the value in the error that refuses a key', async () => {
    const refusedKey = anyKey.filter((k) => isReserved(k) || !isValidKey(k));
    await fc.assert(
      fc.asyncProperty(refusedKey, fc.string({ minLength: 8, maxLength: 40 }), async (key, v) => {
        const secret = `SECRET<${v}>`;
        const error = await new UserProvider(new MemoryStore()).set(key, secret).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(BrokerError);
        expect((error as BrokerError).message).not.toContain(secret);
      }),
    );
  });
});

describe('scoped provider isolation', () => {
  const scopedOps = fc.array(
    fc.oneof(
      ...restoreOps,
      fc.record({ kind: fc.constant('get' as const), key: anyKey }),
      fc.record({ kind: fc.constant('delete' as const), key: anyKey }),
      fc.record({ kind: fc.constant('set' as const), key: anyKey, value }),
      fc.record({ kind: fc.constant('list' as const), limit: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant('cleanup' as const) }),
    ),
    { maxLength: 25 },
  );

  it('never touches a name outside its own prefix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...scopes), scopedOps, async (scope, ops) => {
        const store = await populated();
        const scoped = new ScopedProvider(store, { scope, scopes });
        for (const op of ops) await run(scoped, op, []);
        expect(store.touched.filter((k) => !k.startsWith(scopePrefix(scope)))).toEqual([]);
        expect(store.listedPrefixes.filter((p) => p !== scopePrefix(scope))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves every other scope and every user key intact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...scopes), scopedOps, async (scope, ops) => {
        const store = await populated();
        const others = () =>
          [...store.entries].filter(([k]) => !k.startsWith(scopePrefix(scope))).map(([k, e]) => [k, e.value]);
        const before = others();
        const scoped = new ScopedProvider(store, { scope, scopes });
        for (const op of ops) await run(scoped, op, []);
        expect(others()).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });

  it('lists only names it can read back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...scopes), scopedOps, async (scope, ops) => {
        const store = await populated();
        const scoped = new ScopedProvider(store, { scope, scopes });
        for (const op of ops) await run(scoped, op, []);
        const names = (await scoped.list({ limit: 100 })).keys.map((k) => k.key);
        for (const name of names) expect(store.entries.has(`${scopePrefix(scope)}${name}`)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('with the legacy fallback, reads outside its prefix only bare keys of its own scope', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...scopes), scopedOps, fc.boolean(), async (scope, ops, migrated) => {
        const store = await populated();
        const scoped = new ScopedProvider(store, {
          scope,
          scopes,
          legacyFallback: 'until-migrated',
          isMigrated: async () => migrated,
        });
        for (const op of ops) await run(scoped, op, []);
        const outside = store.touched.filter((k) => !k.startsWith(scopePrefix(scope)));
        expect(outside.filter((k) => migrated || legacyScopeOf(k) !== scope)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips set then get for every valid name', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...scopes), validKey, value, async (scope, name, v) => {
        const scoped = new ScopedProvider(new MemoryStore(), { scope, scopes });
        await scoped.set(name, v);
        expect((await scoped.get(name)).value).toBe(v);
      }),
    );
  });
});

describe('listings show only what the broker tagged', () => {
  /** Secrets as any writer could have left them: any name near the prefixes, any tags, live or deleted. */
  const rows = fc.uniqueArray(
    fc.record({
      deleted: fc.boolean(),
      key: fc.oneof(
        namesAround(DESIGN_TABLE),
        fc.tuple(fc.constantFrom(...scopes, 'other'), plainKey).map(([s, k]) => `__thv_${s}_${k}`),
        fc.tuple(casedPrefix, fc.constantFrom(...scopes), plainKey).map(([p, s, k]) => `${p}${s}_${k}`),
        fc
          .tuple(fc.constantFrom(...scopes), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 5 }))
          .map(([s, k]) => `__thv_${s}_${k}`),
      ),
      tags: tagsArb,
    }),
    { selector: (r) => r.key, maxLength: 30 },
  );

  /** Pages through a provider's whole listing (of deleted keys when `deleted`). */
  async function listAll(
    provider: UserProvider | ScopedProvider,
    limit: number,
    deleted = false,
  ): Promise<string[]> {
    const listed = await allPages(
      (next) => {
        const request = { limit, ...(next === undefined ? {} : { next }) };
        return deleted ? provider.listDeleted(request) : provider.list(request);
      },
      (page) => page.next,
    );
    return listed.flatMap((page) => page.keys.map((k) => k.key)).sort();
  }

  /** The store behind a hook; a lax one ignores the tag filter, as an emulator might. */
  async function storeOf(
    seeds: readonly { key: string; tags: Record<string, string>; deleted: boolean }[],
    lax: boolean,
  ): Promise<HookedStore> {
    const inner = new MemoryStore();
    for (const s of seeds) inner.seedRaw(s.key, `v-${s.key}`, s.tags);
    for (const s of seeds) if (s.deleted) await inner.delete(s.key);
    return new HookedStore(inner, { ignoreTagFilter: lax });
  }

  it('the user listing holds exactly the valid user keys tagged thv:owner=user', async () => {
    await fc.assert(
      fc.asyncProperty(rows, fc.boolean(), fc.integer({ min: 1, max: 8 }), async (seeds, lax, limit) => {
        const user = new UserProvider(await storeOf(seeds, lax), { isMigrated: async () => true });
        const want = seeds
          .filter((s) => !s.deleted && s.tags[OWNER] === 'user' && !isReserved(s.key) && isValidKey(s.key))
          .map((s) => s.key)
          .sort();
        expect(await listAll(user, limit)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('the deleted user listing holds exactly the deleted valid user keys tagged thv:owner=user', async () => {
    await fc.assert(
      fc.asyncProperty(rows, fc.boolean(), fc.integer({ min: 1, max: 8 }), async (seeds, lax, limit) => {
        const user = new UserProvider(await storeOf(seeds, lax), { isMigrated: async () => true });
        const want = seeds
          .filter((s) => s.deleted && s.tags[OWNER] === 'user' && !isReserved(s.key) && isValidKey(s.key))
          .map((s) => s.key)
          .sort();
        expect(await listAll(user, limit, true)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('restores only what the deleted listing shows, on the user side', async () => {
    await fc.assert(
      fc.asyncProperty(rows, async (seeds) => {
        const store = await storeOf(seeds, false);
        const user = new UserProvider(store, { isMigrated: async () => true });
        const listed = await listAll(user, 100, true);
        const restored: string[] = [];
        for (const s of seeds)
          if (
            await user.restore(s.key).then(
              () => true,
              () => false,
            )
          )
            restored.push(s.key);
        expect(restored.sort()).toEqual(listed);
      }),
      { numRuns: 200 },
    );
  });

  it('a scope listing holds exactly its own valid names tagged with its scope', async () => {
    await fc.assert(
      fc.asyncProperty(
        rows,
        fc.constantFrom(...scopes),
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        async (seeds, scope, lax, limit) => {
          const scoped = new ScopedProvider(await storeOf(seeds, lax), { scope, scopes });
          const prefix = `__thv_${scope}_`;
          const want = seeds
            .filter((s) => !s.deleted && s.key.startsWith(prefix) && isValidKey(s.key.slice(prefix.length)))
            .filter((s) => s.tags[SCOPE] === scope)
            .map((s) => s.key.slice(prefix.length))
            .sort();
          expect(await listAll(scoped, limit)).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a deleted scope listing holds exactly its own deleted valid names tagged with its scope', async () => {
    await fc.assert(
      fc.asyncProperty(
        rows,
        fc.constantFrom(...scopes),
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        async (seeds, scope, lax, limit) => {
          const scoped = new ScopedProvider(await storeOf(seeds, lax), { scope, scopes });
          const prefix = `__thv_${scope}_`;
          const want = seeds
            .filter((s) => s.deleted && s.key.startsWith(prefix) && isValidKey(s.key.slice(prefix.length)))
            .filter((s) => s.tags[SCOPE] === scope)
            .map((s) => s.key.slice(prefix.length))
            .sort();
          expect(await listAll(scoped, limit, true)).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('restores only what its deleted listing shows, on the scope side', async () => {
    await fc.assert(
      fc.asyncProperty(rows, fc.constantFrom(...scopes), async (seeds, scope) => {
        const store = await storeOf(seeds, false);
        const scoped = new ScopedProvider(store, { scope, scopes });
        const listed = await listAll(scoped, 100, true);
        const prefix = `__thv_${scope}_`;
        const restored: string[] = [];
        for (const s of seeds) {
          const name = s.key.startsWith(prefix) ? s.key.slice(prefix.length) : s.key;
          if (
            await scoped.restore(name).then(
              () => true,
              () => false,
            )
          )
            restored.push(name);
        }
        expect([...new Set(restored)].sort()).toEqual(listed);
      }),
      { numRuns: 200 },
    );
  });
});
