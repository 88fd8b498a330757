/**
 * Property-based proof of the pending-migration window: until the flag is set, every
 * name the legacy table matches is held from users (403 reserved_key, no storage touched, never
 * listed) while look-alikes stay ordinary user keys; after the flag those names are ordinary user
 * keys too. And the scoped fallback reads only untagged bare keys of its own scope, only until
 * migrated. Checked against a model written from the design text, over default and generated tables.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BrokerError,
  InvalidKeyError,
  PendingMigrationKeyError,
  ReservedKeyError,
  ScopedProvider,
  SecretNotFoundError,
  UserProvider,
} from '../../core/index.js';
import {
  anyTable,
  brokerTaggedO,
  DESIGN_SCOPES,
  DESIGN_TABLE,
  namesAround,
  OWNER,
  type Row,
  reservedO,
  SCOPE,
  tableScopeO,
  tagsArb,
  validO,
} from '../support/legacy-keys.js';
import { HookedStore, MemoryStore } from '../support/memory-store.js';
import { allPages } from '../support/paging.js';

type Tags = Record<string, string>;

/** A secret already in the store: bare legacy keys (untagged), user keys, odd tags. */
interface Seed {
  readonly key: string;
  readonly value: string;
  readonly tags: Tags;
}

/** A table, what its store holds, and a run of user operations with the flag set somewhere (or never). */
const userRunArb = anyTable.chain((table) =>
  fc
    .uniqueArray(
      fc.record({
        key: namesAround(table),
        value: fc.string({ maxLength: 6 }).map((v) => `seed:${v}`),
        tags: tagsArb,
      }),
      { selector: (s) => s.key, maxLength: 20 },
    )
    .chain((seeds) => {
      // Half the operations name a secret that is there, so held names with values are asked for.
      const name =
        seeds.length === 0
          ? namesAround(table)
          : fc.oneof(namesAround(table), fc.constantFrom(...seeds.map((s) => s.key)));
      const ops = fc.array(
        fc.oneof(
          {
            weight: 3,
            arbitrary: fc.record({ kind: fc.constantFrom('get' as const, 'delete' as const), key: name }),
          },
          {
            weight: 3,
            arbitrary: fc.record({
              kind: fc.constant('set' as const),
              key: name,
              value: fc.string({ maxLength: 6 }).map((v) => `set:${v}`),
            }),
          },
          { weight: 1, arbitrary: fc.constant({ kind: 'flag' as const }) },
        ),
        { maxLength: 30 },
      );
      return fc.record({ table: fc.constant(table), seeds: fc.constant(seeds), ops });
    }),
);

/** What a user operation must come to, by the design: a refusal, a value, or not found. */
type Expected = 'reserved' | 'invalid' | 'held' | 'not_found' | { value: string } | 'ok';

/** The design's answer for `key` before it is allowed through to storage. */
function refusal(key: string, table: readonly Row[], migrated: boolean): Expected | undefined {
  if (reservedO(key)) return 'reserved';
  if (!validO(key)) return 'invalid';
  if (!migrated && tableScopeO(key, table) !== undefined) return 'held';
  return undefined;
}

/** The refusal an error stands for, or the error itself when it is none of them. */
function asExpected(error: unknown): Expected | unknown {
  if (error instanceof PendingMigrationKeyError) return 'held';
  if (error instanceof ReservedKeyError) return 'reserved';
  if (error instanceof InvalidKeyError) return 'invalid';
  if (error instanceof SecretNotFoundError) return 'not_found';
  return error;
}

/** A fresh store with the seeds in it, behind a hook that logs every call. */
function storeOf(seeds: readonly Seed[]): { inner: MemoryStore; store: HookedStore } {
  const inner = new MemoryStore();
  for (const s of seeds) inner.seedRaw(s.key, s.value, s.tags);
  return { inner, store: new HookedStore(inner) };
}

/** Every key a user listing shows, page by page. */
async function listAllUser(user: UserProvider, limit: number): Promise<string[]> {
  const listed = await allPages(
    (next) => user.list({ limit, ...(next === undefined ? {} : { next }) }),
    (page) => page.next,
  );
  return listed.flatMap((page) => page.keys.map((k) => k.key));
}

describe('the user provider while the migration is pending and after', () => {
  it('answers every get, set and delete as the design says, before and after the flag', async () => {
    await fc.assert(
      fc.asyncProperty(userRunArb, async ({ table, seeds, ops }) => {
        const { inner, store } = storeOf(seeds);
        let migrated = false;
        const user = new UserProvider(store, { legacyPrefixes: table, isMigrated: async () => migrated });
        // The model: what the store must hold (MemoryStore keeps a secret's tags on a rewrite).
        const model = new Map(seeds.map((s) => [s.key, { value: s.value, tags: s.tags }]));
        for (const op of ops) {
          if (op.kind === 'flag') {
            migrated = true;
            continue;
          }
          const refused = refusal(op.key, table, migrated);
          let want: Expected;
          if (refused !== undefined) want = refused;
          else if (op.kind === 'set') {
            want = 'ok';
            model.set(op.key, { value: op.value, tags: model.get(op.key)?.tags ?? { [OWNER]: 'user' } });
          } else {
            const had = model.get(op.key);
            want = had === undefined ? 'not_found' : op.kind === 'get' ? { value: had.value } : 'ok';
            if (op.kind === 'delete') model.delete(op.key);
          }
          const callsBefore = store.calls.length;
          const got = await (op.kind === 'get'
            ? user.get(op.key).then((s) => ({ value: s.value }))
            : op.kind === 'set'
              ? user.set(op.key, op.value).then(() => 'ok')
              : user.delete(op.key).then(() => 'ok')
          ).catch(asExpected);
          expect(got, `${op.kind} ${JSON.stringify(op.key)} migrated=${migrated}`).toEqual(want);
          const calls = store.calls.slice(callsBefore);
          if (refused !== undefined) expect(calls, 'a refused key touched storage').toEqual([]);
          else expect(calls.map((c) => c.key)).toEqual([op.key]);
        }
        expect(new Map([...inner.entries].map(([k, e]) => [k, { value: e.value, tags: e.tags }]))).toEqual(
          model,
        );
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a held name with 403 reserved_key on every operation (reads, writes, versions, restore, batch), saying it is held until the migration finishes', async () => {
    const heldName = anyTable.chain((table) =>
      fc.tuple(
        fc.constant(table),
        namesAround(table).filter((k) => refusal(k, table, false) === 'held'),
        fc.constantFrom(
          'get',
          'set',
          'delete',
          'deleteMany',
          'getMany',
          'getPrevious',
          'getVersionId',
          'restore',
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(heldName, async ([table, key, op]) => {
        const { store } = storeOf([{ key, value: 'legacy-secret', tags: {} }]);
        const user = new UserProvider(store, { legacyPrefixes: table, isMigrated: async () => false });
        const run = {
          get: () => user.get(key),
          set: () => user.set(key, 'planted'),
          delete: () => user.delete(key),
          deleteMany: () => user.deleteMany([key]),
          getMany: () => user.getMany([key]),
          getPrevious: () => user.getVersion(key, 'previous'),
          getVersionId: () => user.getVersion(key, { id: 'a'.repeat(32) }),
          restore: () => user.restore(key),
        }[op] as () => Promise<unknown>;
        const error = await run().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ReservedKeyError);
        expect((error as BrokerError).code).toBe('reserved_key');
        expect((error as Error).message).toMatch(/held .*until the legacy-key migration finishes/);
        expect((error as Error).message).toContain(tableScopeO(key, table));
        expect((error as Error).message).not.toContain('legacy-secret');
        expect(store.calls).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never lists a held name while pending, and lists exactly the tagged user keys', async () => {
    await fc.assert(
      fc.asyncProperty(
        userRunArb,
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        async ({ table, seeds }, migrated, lax, limit) => {
          const inner = new MemoryStore();
          for (const s of seeds) inner.seedRaw(s.key, s.value, s.tags);
          // A lax store ignores the tag filter: the provider must re-check every row itself.
          const store = new HookedStore(inner, { ignoreTagFilter: lax });
          const user = new UserProvider(store, { legacyPrefixes: table, isMigrated: async () => migrated });
          const want = seeds
            .filter((s) => s.tags[OWNER] === 'user' && refusal(s.key, table, migrated) === undefined)
            .map((s) => s.key)
            .sort();
          expect((await listAllUser(user, limit)).sort()).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a whole bulk delete that holds one held name, deleting nothing', async () => {
    const batch = anyTable.chain((table) =>
      fc.tuple(fc.constant(table), fc.uniqueArray(namesAround(table), { minLength: 1, maxLength: 6 })),
    );
    await fc.assert(
      fc.asyncProperty(batch, async ([table, keys]) => {
        const { inner, store } = storeOf(keys.map((key) => ({ key, value: 'v', tags: { [OWNER]: 'user' } })));
        const user = new UserProvider(store, { legacyPrefixes: table, isMigrated: async () => false });
        const outcome = await user.deleteMany(keys).then(
          () => 'deleted',
          (e: unknown) => e,
        );
        if (keys.some((k) => refusal(k, table, false) !== undefined)) {
          expect(outcome).toBeInstanceOf(BrokerError);
          expect(store.calls).toEqual([]);
          expect(inner.entries.size).toBe(keys.length);
        } else expect(outcome).toBe('deleted');
      }),
      { numRuns: 300 },
    );
  });

  it('lets every look-alike of the default table through as an ordinary user key while pending', async () => {
    const lookAlike = namesAround(DESIGN_TABLE).filter(
      (k) => validO(k) && !reservedO(k) && tableScopeO(k, DESIGN_TABLE) === undefined,
    );
    await fc.assert(
      fc.asyncProperty(lookAlike, fc.string(), async (key, v) => {
        const user = new UserProvider(new MemoryStore(), { isMigrated: async () => false });
        await user.set(key, v);
        expect((await user.get(key)).value).toBe(v);
        expect(await listAllUser(user, 10)).toEqual([key]);
        await user.delete(key);
        await expect(user.get(key)).rejects.toThrow(SecretNotFoundError);
      }),
      { numRuns: 300 },
    );
  });
});

/** A scope's view: a table, the scope, the store's bare and scoped keys, and the names it is asked for. */
const fallbackArb = anyTable.chain((table) => {
  const scopes = [...new Set([...DESIGN_SCOPES, ...table.map((r) => r.scope)])];
  const name = namesAround(table);
  return fc
    .record({
      table: fc.constant(table),
      scopes: fc.constant(scopes),
      scope: fc.constantFrom(...table.map((r) => r.scope), ...DESIGN_SCOPES),
      mode: fc.constantFrom('never' as const, 'until-migrated' as const, 'until-migrated' as const),
      migrated: fc.boolean(),
      bare: fc.uniqueArray(fc.record({ key: name, tags: tagsArb }), {
        selector: (b) => b.key,
        maxLength: 15,
      }),
    })
    .chain((v) => {
      // Most names asked for have a bare key; some of those have a scoped key too.
      const known = v.bare.length === 0 ? name : fc.oneof(name, fc.constantFrom(...v.bare.map((b) => b.key)));
      return fc
        .tuple(fc.uniqueArray(known, { maxLength: 5 }), fc.array(known, { maxLength: 15 }))
        .map(([scoped, asked]) => ({ ...v, scoped, asked }));
    });
});

describe('the scoped legacy fallback', () => {
  it('reads only an untagged bare key of its own scope, only while the migration is pending', async () => {
    await fc.assert(
      fc.asyncProperty(fallbackArb, async (v) => {
        const inner = new MemoryStore();
        const prefix = `__thv_${v.scope}_`;
        for (const b of v.bare) inner.seedRaw(b.key, `bare:${b.key}`, b.tags);
        for (const n of v.scoped) {
          if (validO(prefix + n)) inner.seedRaw(prefix + n, `scoped:${n}`, { [SCOPE]: v.scope }, true);
        }
        const store = new HookedStore(inner);
        const scoped = new ScopedProvider(store, {
          scope: v.scope,
          scopes: v.scopes,
          legacyFallback: v.mode,
          legacyPrefixes: v.table,
          isMigrated: async () => v.migrated,
        });
        const mayFallBack = (n: string) =>
          v.mode === 'until-migrated' && !v.migrated && tableScopeO(n, v.table) === v.scope;
        for (const n of v.asked) {
          const bare = inner.entries.get(n);
          const want =
            !validO(n) || !validO(prefix + n)
              ? 'invalid'
              : inner.entries.has(prefix + n)
                ? { value: `scoped:${n}`, legacy: undefined }
                : mayFallBack(n) && bare !== undefined && !brokerTaggedO(bare.tags)
                  ? { value: bare.value, legacy: true }
                  : 'not_found';
          const got = await scoped.get(n).then(
            (s) => ({ value: s.value, legacy: s.legacy }),
            (e: unknown) => asExpected(e),
          );
          expect(got, `get ${JSON.stringify(n)}`).toEqual(want);
        }
        for (const call of store.calls) {
          const key = call.key ?? '';
          if (key.startsWith(prefix)) continue;
          // Outside its prefix: only the fallback's own look at a bare key of its scope, while pending.
          expect(mayFallBack(key), `${call.op} ${key}`).toBe(true);
          expect(['describe', 'get']).toContain(call.op);
          const tags = inner.entries.get(key)?.tags ?? {};
          if (call.op === 'get') expect(brokerTaggedO(tags), `read the value of tagged ${key}`).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });
});
