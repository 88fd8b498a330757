/**
 * Unit tests of the migration's rules (docs/design.md §5), one behaviour each: what the planner makes of
 * a page, each step of the per-key algorithm, adoption, batches and the totals the job carries.
 */
import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  addPlan,
  addResults,
  adoptKey,
  batchesOf,
  ConflictError,
  DEFAULT_LEGACY_PREFIXES,
  EMPTY_TOTALS,
  finalPass,
  flagValue,
  type ItemResult,
  isDoneFlag,
  MAX_FAILED_KEYS,
  MAX_FLAG_LENGTH,
  MigrationThrottledError,
  migrateKey,
  type PlannedMove,
  planPage,
  readerOf,
  runBatch,
  type SecretSummary,
  ThrottledError,
} from '../../core/index.js';
import { DESIGN_TABLE } from '../support/legacy-keys.js';
import { HookedStore, MemoryStore, type StoreCall } from '../support/memory-store.js';

const row = (key: string, tags: Record<string, string> = {}): SecretSummary => ({
  key,
  updatedAt: '2026-01-01T00:00:00.000Z',
  tags,
});

const move = (from: string, scope = 'workloads'): PlannedMove => ({
  kind: 'move',
  from,
  to: `__thv_${scope}_${from}`,
  scope,
});

/** The calls a store saw, as `op key` strings. */
const trace = (calls: readonly StoreCall[]): string[] => calls.map((c) => `${c.op} ${c.key ?? ''}`);

describe('the default legacy table', () => {
  it('is the seven rows of docs/design.md §5, in order', () => {
    expect(DEFAULT_LEGACY_PREFIXES).toEqual(DESIGN_TABLE);
  });
});

describe('planPage', () => {
  it.each([
    ['BEARER_TOKEN_github', 'workloads'],
    ['OAUTH_CLIENT_SECRET_x', 'workloads'],
    ['OAUTH_REFRESH_TOKEN_x', 'workloads'],
    ['registry-user-x', 'workloads'],
    ['registry-default-x', 'workloads'],
    ['BUILD_AUTH_FILE_x', 'workloads'],
    ['REGISTRY_OAUTH_ab12', 'registry'],
  ])('moves untagged %s into %s, keeping the whole old key', (key, scope) => {
    expect(planPage([row(key)], DEFAULT_LEGACY_PREFIXES).items).toEqual([
      { kind: 'move', from: key, to: `__thv_${scope}_${key}`, scope },
    ]);
  });

  it.each([
    'bearer_token_x',
    'XBEARER_TOKEN_y',
    'BEARER_TOKEN',
    'Bearer_Token_x',
    'REGISTRY-USER-x',
    'GITHUB_TOKEN',
  ])('adopts the untagged look-alike %s as a user key', (key) => {
    expect(planPage([row(key)], DEFAULT_LEGACY_PREFIXES).items).toEqual([{ kind: 'adopt', key }]);
  });

  it.each(['__thv_workloads_BEARER_TOKEN_x', '__THV_x', '__Thv_BEARER_TOKEN_x'])(
    'leaves the reserved key %s alone',
    (key) => {
      const plan = planPage([row(key)], DEFAULT_LEGACY_PREFIXES);
      expect([plan.items, plan.skipped.system]).toEqual([[], 1]);
    },
  );

  it('never promotes a legacy name tagged thv:owner=user', () => {
    const plan = planPage([row('BEARER_TOKEN_mine', { 'thv:owner': 'user' })], DEFAULT_LEGACY_PREFIXES);
    expect([plan.items, plan.skipped.user]).toEqual([[], 1]);
  });

  it.each<Record<string, string>>([
    { 'thv:owner': 'admin' },
    { 'thv:scope': 'workloads' },
    { 'thv:scope': 'registry' },
  ])('neither moves nor adopts a bare key carrying the broker tag %j', (tags) => {
    const plan = planPage([row('BEARER_TOKEN_x', tags), row('plain', tags)], DEFAULT_LEGACY_PREFIXES);
    expect([plan.items, plan.skipped.tagged]).toEqual([[], 2]);
  });

  it('still moves a legacy key that carries only a foreign tag', () => {
    expect(planPage([row('BEARER_TOKEN_x', { team: 'a' })], DEFAULT_LEGACY_PREFIXES).items).toEqual([
      move('BEARER_TOKEN_x'),
    ]);
  });

  it('skips a key that breaks the key rules', () => {
    const plan = planPage([row('BEARER_TOKEN_a/b'), row('caf\u00e9')], DEFAULT_LEGACY_PREFIXES);
    expect([plan.items, plan.skipped.invalid]).toEqual([[], 2]);
  });

  it('takes the first matching row of a table, case-sensitively', () => {
    const table = [
      { prefix: 'A', scope: 'auth' },
      { prefix: 'AB', scope: 'llm' },
      { prefix: 'b', scope: 'registry' },
    ];
    const plan = planPage([row('ABC'), row('bx'), row('Bx')], table);
    expect(plan.items).toEqual([move('ABC', 'auth'), move('bx', 'registry'), { kind: 'adopt', key: 'Bx' }]);
  });

  it('moves a key whose scoped name is exactly 200 characters', () => {
    const key = `BEARER_TOKEN_${'a'.repeat(200 - '__thv_workloads_BEARER_TOKEN_'.length)}`;
    const [item] = planPage([row(key)], DEFAULT_LEGACY_PREFIXES).items;
    expect(item?.kind === 'move' && item.to.length).toBe(200);
  });

  it('reports a key whose scoped name would be 201 characters as unmovable', () => {
    const key = `BEARER_TOKEN_${'a'.repeat(201 - '__thv_workloads_BEARER_TOKEN_'.length)}`;
    const plan = planPage([row(key)], DEFAULT_LEGACY_PREFIXES);
    expect([plan.items, plan.unmovable]).toEqual([[], [{ key, reason: 'name-too-long' }]]);
  });

  it('keeps the listing order', () => {
    const plan = planPage([row('b-user'), row('BEARER_TOKEN_a'), row('a-user')], DEFAULT_LEGACY_PREFIXES);
    expect(plan.items.map((i) => (i.kind === 'move' ? i.from : i.key))).toEqual([
      'b-user',
      'BEARER_TOKEN_a',
      'a-user',
    ]);
  });
});

describe('migrateKey', () => {
  it('checks, reads, writes create-only with its scope, reads back, then force-deletes, in that order', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_gh', 'legacy');
    const store = new HookedStore(inner);
    const m = move('BEARER_TOKEN_gh');
    expect(await migrateKey(store, m)).toEqual({ key: 'BEARER_TOKEN_gh', outcome: 'migrated' });
    expect(trace(store.calls)).toEqual([
      `describe ${m.to}`,
      `get ${m.from}`,
      `put ${m.to}`,
      `get ${m.to}`,
      `delete ${m.from}`,
    ]);
    expect(store.calls[2]?.options).toMatchObject({ scope: 'workloads', createOnly: true });
    expect(store.calls[4]?.options).toEqual({ force: true });
  });

  it('leaves the value under the scoped key with its scope tag and policy, and the bare key gone', async () => {
    const store = new MemoryStore();
    store.seedRaw('REGISTRY_OAUTH_ab12', 'legacy');
    await migrateKey(store, move('REGISTRY_OAUTH_ab12', 'registry'));
    expect(store.entries.get('__thv_registry_REGISTRY_OAUTH_ab12')).toMatchObject({
      value: 'legacy',
      tags: { 'thv:scope': 'registry' },
      protected: true,
    });
    expect(store.entries.has('REGISTRY_OAUTH_ab12')).toBe(false);
  });

  it('keeps an existing scoped value that differs, reports "differs", and deletes the bare key with its recovery window', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'legacy');
    inner.seedRaw('__thv_workloads_BEARER_TOKEN_x', 'scoped', { 'thv:scope': 'workloads' }, true);
    const store = new HookedStore(inner);
    expect(await migrateKey(store, move('BEARER_TOKEN_x'))).toEqual({
      key: 'BEARER_TOKEN_x',
      outcome: 'differs',
    });
    expect(inner.entries.get('__thv_workloads_BEARER_TOKEN_x')?.value).toBe('scoped');
    expect(inner.entries.has('BEARER_TOKEN_x')).toBe(false);
    // Restorable: deleted with the recovery window, never forced.
    expect(inner.deleted.get('BEARER_TOKEN_x')?.entry.value).toBe('legacy');
    expect(store.calls.find((c) => c.op === 'delete')?.options).toEqual({ force: false });
  });

  it('force-deletes the bare key only when its value equals the scoped one', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'same');
    inner.seedRaw('__thv_workloads_BEARER_TOKEN_x', 'same', { 'thv:scope': 'workloads' }, true);
    const store = new HookedStore(inner);
    expect((await migrateKey(store, move('BEARER_TOKEN_x'))).outcome).toBe('alreadyScoped');
    expect(store.calls.find((c) => c.op === 'delete')?.options).toEqual({ force: true });
    expect(inner.deleted.has('BEARER_TOKEN_x')).toBe(false);
  });

  it('moves a binary value byte for byte, bytes that are not UTF-8 included', async () => {
    const store = new MemoryStore();
    const bytes = Uint8Array.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x41]);
    store.seedBinary('BUILD_AUTH_FILE_bin', bytes);
    expect((await migrateKey(store, move('BUILD_AUTH_FILE_bin'))).outcome).toBe('migrated');
    expect(await store.readValue('__thv_workloads_BUILD_AUTH_FILE_bin')).toEqual({ bytes });
    expect(store.entries.has('BUILD_AUTH_FILE_bin')).toBe(false);
  });

  it('compares a binary twin by bytes: one differing byte is "differs", never decoded as text', async () => {
    const store = new MemoryStore();
    store.seedBinary('BUILD_AUTH_FILE_bin', Uint8Array.from([0xff, 0x01]));
    // Both decode to the same replacement characters as UTF-8; the bytes differ.
    store.seedBinary('__thv_workloads_BUILD_AUTH_FILE_bin', Uint8Array.from([0xfe, 0x01]), {
      'thv:scope': 'workloads',
    });
    expect((await migrateKey(store, move('BUILD_AUTH_FILE_bin'))).outcome).toBe('differs');
    expect(store.deleted.has('BUILD_AUTH_FILE_bin')).toBe(true);
  });

  it('leaves a key whose scoped name is held by a secret pending deletion exactly as it was', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'legacy');
    inner.seedRaw('__thv_workloads_BEARER_TOKEN_x', 'old', { 'thv:scope': 'workloads' }, true);
    await inner.delete('__thv_workloads_BEARER_TOKEN_x');
    const store = new HookedStore(inner);
    expect(await migrateKey(store, move('BEARER_TOKEN_x'))).toEqual({
      key: 'BEARER_TOKEN_x',
      outcome: 'stuck',
      reason: 'target-pending-deletion',
    });
    expect(store.calls.map((c) => c.op)).toEqual(['describe']);
    expect(inner.entries.get('BEARER_TOKEN_x')?.value).toBe('legacy');
  });

  it('leaves a key the job may not read or decrypt exactly as it was, reported as unreadable', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'legacy');
    const store = new HookedStore(inner, {
      hook: (c, p) => {
        if (p === 'before' && c.op === 'get' && c.key === 'BEARER_TOKEN_x')
          throw new AccessDeniedError(c.key);
      },
    });
    expect(await migrateKey(store, move('BEARER_TOKEN_x'))).toEqual({
      key: 'BEARER_TOKEN_x',
      outcome: 'stuck',
      reason: 'unreadable',
    });
    expect(store.calls.map((c) => c.op)).toEqual(['describe', 'get']);
  });

  it('repairs the tag and policy of a scoped key a crash left bare, before deleting the old key', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'legacy');
    inner.seedRaw('__thv_workloads_BEARER_TOKEN_x', 'legacy');
    const store = new HookedStore(inner);
    await migrateKey(store, move('BEARER_TOKEN_x'));
    expect(inner.entries.get('__thv_workloads_BEARER_TOKEN_x')).toMatchObject({
      tags: { 'thv:scope': 'workloads' },
      protected: true,
    });
    expect(trace(store.calls).slice(3)).toEqual([
      'tag __thv_workloads_BEARER_TOKEN_x',
      'protect __thv_workloads_BEARER_TOKEN_x',
      'delete BEARER_TOKEN_x',
    ]);
  });

  it('is fine with a scoped key whose bare key is already gone', async () => {
    const store = new MemoryStore();
    store.seedRaw('__thv_workloads_BEARER_TOKEN_x', 'scoped', { 'thv:scope': 'workloads' }, true);
    expect((await migrateKey(store, move('BEARER_TOKEN_x'))).outcome).toBe('missing');
    expect(store.entries.get('__thv_workloads_BEARER_TOKEN_x')?.value).toBe('scoped');
  });

  it('reports a bare key that is gone before it was read as missing, writing nothing', async () => {
    const store = new HookedStore(new MemoryStore());
    expect((await migrateKey(store, move('BEARER_TOKEN_gone'))).outcome).toBe('missing');
    expect(store.calls.map((c) => c.op)).toEqual(['describe', 'get']);
  });

  it.each([
    ['a plain error', () => new Error('AccessDeniedException')],
    ['a conflict', () => new ConflictError('busy')],
  ])('writes nothing when checking the scoped key fails with %s', async (_what, makeError) => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'legacy');
    const store = new HookedStore(inner, {
      hook: (c, p) => {
        if (p === 'before' && c.op === 'describe' && c.key === '__thv_workloads_BEARER_TOKEN_x')
          throw makeError();
      },
    });
    const result = await migrateKey(store, move('BEARER_TOKEN_x'));
    expect(result).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^check: /) });
    expect(store.calls.map((c) => c.op)).toEqual(['describe']);
    expect([...inner.entries.keys()]).toEqual(['BEARER_TOKEN_x']);
  });

  it('writes nothing when reading the bare key fails', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'legacy');
    const store = new HookedStore(inner, {
      hook: (c, p) => {
        if (p === 'before' && c.op === 'get' && c.key === 'BEARER_TOKEN_x')
          throw new Error('KMS unavailable');
      },
    });
    expect((await migrateKey(store, move('BEARER_TOKEN_x'))).reason).toMatch(/^read: /);
    expect(store.calls.map((c) => c.op)).toEqual(['describe', 'get']);
  });

  it('keeps the bare key when the written value does not read back', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'legacy');
    // A write the store acknowledged but lost.
    const store = new HookedStore(inner, {
      hook: (c, p) => {
        if (p === 'after' && c.op === 'put') inner.entries.delete('__thv_workloads_BEARER_TOKEN_x');
      },
    });
    expect((await migrateKey(store, move('BEARER_TOKEN_x'))).outcome).toBe('failed');
    expect(inner.entries.get('BEARER_TOKEN_x')?.value).toBe('legacy');
  });

  it('keeps the bare key when the read-back holds another value', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'legacy');
    const store = new HookedStore(inner, {
      hook: (c, p) => {
        if (p === 'after' && c.op === 'put')
          inner.seedRaw(c.key as string, 'other', { 'thv:scope': 'workloads' });
      },
    });
    expect(await migrateKey(store, move('BEARER_TOKEN_x'))).toEqual({
      key: 'BEARER_TOKEN_x',
      outcome: 'failed',
      reason: 'verify: read-back differs',
    });
    expect(inner.entries.has('BEARER_TOKEN_x')).toBe(true);
  });

  it('lets a scoped value written between its check and its write win', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'legacy');
    const store = new HookedStore(inner, {
      hook: (c, p) => {
        if (p === 'before' && c.op === 'put')
          void inner.put(c.key as string, 'newer', { scope: 'workloads' });
      },
    });
    expect((await migrateKey(store, move('BEARER_TOKEN_x'))).outcome).toBe('differs');
    expect(inner.entries.get('__thv_workloads_BEARER_TOKEN_x')?.value).toBe('newer');
    expect(inner.entries.has('BEARER_TOKEN_x')).toBe(false);
    expect(inner.deleted.get('BEARER_TOKEN_x')?.entry.value).toBe('legacy');
  });

  it('names only the step and the error class in a failure, never the message', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'hunter2');
    const store = new HookedStore(inner, {
      hook: (c, p) => {
        if (p === 'before' && c.op === 'put') throw new TypeError('cannot write hunter2');
      },
    });
    expect((await migrateKey(store, move('BEARER_TOKEN_x'))).reason).toBe('write: TypeError');
  });

  it('hands throttling back as MigrationThrottledError, a throttled error with code throttled', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('BEARER_TOKEN_x', 'legacy');
    const store = new HookedStore(inner, {
      hook: (c, p) => {
        if (p === 'before' && c.op === 'put') throw new ThrottledError('Rate exceeded');
      },
    });
    const error = await migrateKey(store, move('BEARER_TOKEN_x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationThrottledError);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).code).toBe('throttled');
  });
});

describe('adoptKey', () => {
  it('tags a pre-broker key thv:owner=user and leaves its value alone', async () => {
    const store = new MemoryStore();
    store.seedRaw('my-old-key', 'v', { team: 'a' });
    expect(await adoptKey(store, 'my-old-key')).toEqual({ key: 'my-old-key', outcome: 'adopted' });
    expect(store.entries.get('my-old-key')).toMatchObject({
      value: 'v',
      tags: { team: 'a', 'thv:owner': 'user' },
    });
  });

  it('reports a key gone meanwhile as missing', async () => {
    expect((await adoptKey(new MemoryStore(), 'gone')).outcome).toBe('missing');
  });

  it('reports another error as a failure of the adopt step', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('k', 'v');
    const store = new HookedStore(inner, {
      hook: () => {
        throw new Error('AccessDenied');
      },
    });
    expect(await adoptKey(store, 'k')).toEqual({ key: 'k', outcome: 'failed', reason: 'adopt: Error' });
  });

  it('hands throttling back as MigrationThrottledError', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('k', 'v');
    const store = new HookedStore(inner, {
      hook: () => {
        throw new ThrottledError('Rate exceeded');
      },
    });
    await expect(adoptKey(store, 'k')).rejects.toBeInstanceOf(MigrationThrottledError);
  });
});

/** A store whose every call waits a turn of the event loop, counting calls in flight. */
class SlowStore extends MemoryStore {
  inFlight = 0;
  maxInFlight = 0;
  private async slow<T>(run: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      return await run();
    } finally {
      this.inFlight--;
    }
  }
  override inspect(key: string) {
    return this.slow(() => super.inspect(key));
  }
  override readValue(key: string) {
    return this.slow(() => super.readValue(key));
  }
  override tag(key: string, tags: Record<string, string>) {
    return this.slow(() => super.tag(key, tags));
  }
}

describe('runBatch', () => {
  const items = (n: number): string[] =>
    Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `BEARER_TOKEN_${i}` : `k${i}`));
  const run = (store: MemoryStore | HookedStore, keys: string[], concurrency: number) =>
    runBatch(() => store, keys, DEFAULT_LEGACY_PREFIXES, concurrency);

  it('returns one result per item, in input order', async () => {
    const store = new SlowStore();
    const batch = items(9);
    for (const key of batch) store.seedRaw(key, 'v');
    const results = await run(store, batch, 4);
    expect(results.map((r) => r.key)).toEqual(batch);
    expect(results.map((r) => r.outcome)).toEqual(
      batch.map((k) => (k.startsWith('BEARER') ? 'migrated' : 'adopted')),
    );
  });

  it.each([1, 3, 8])('keeps exactly %i items in flight when it has more', async (concurrency) => {
    const store = new SlowStore();
    for (const key of items(12)) store.seedRaw(key, 'v');
    await run(store, items(12), concurrency);
    expect(store.maxInFlight).toBe(concurrency);
  });

  it('runs an empty batch', async () => {
    expect(await run(new MemoryStore(), [], 4)).toEqual([]);
  });

  it('rejects with MigrationThrottledError when one item is throttled', async () => {
    const inner = new MemoryStore();
    inner.seedRaw('k1', 'v');
    const store = new HookedStore(inner, {
      hook: (c) => {
        if (c.key === 'k1') throw new ThrottledError('Rate exceeded');
      },
    });
    await expect(run(store, items(4), 2)).rejects.toBeInstanceOf(MigrationThrottledError);
  });
});

describe('batchesOf', () => {
  it('splits into batches of at most the size, keeping order', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('totals', () => {
  const failedResult = (i: number): ItemResult => ({
    key: `k${i}`,
    outcome: 'failed',
    reason: 'write: Error',
  });

  it('adds a plan: listed rows, skips of every reason, and unmovable keys as stuck, not failed', () => {
    const totals = addPlan(
      EMPTY_TOTALS,
      {
        items: [],
        skipped: { system: 1, user: 2, tagged: 3, invalid: 4 },
        unmovable: [{ key: 'long', reason: 'name-too-long' }],
      },
      17,
    );
    expect(totals).toMatchObject({
      listed: 17,
      skipped: 10,
      failed: 0,
      stuck: 1,
      stuckKeys: [{ key: 'long', reason: 'name-too-long' }],
    });
  });

  it('counts each outcome', () => {
    const totals = addResults(EMPTY_TOTALS, [
      { key: 'a', outcome: 'migrated' },
      { key: 'b', outcome: 'alreadyScoped' },
      { key: 'c', outcome: 'adopted' },
      { key: 'd', outcome: 'missing' },
      { key: 'e', outcome: 'migrated' },
      { key: 'f', outcome: 'differs' },
      { key: 'g', outcome: 'stuck', reason: 'unreadable' },
    ]);
    expect(totals).toMatchObject({
      migrated: 2,
      alreadyScoped: 1,
      differs: 1,
      differsKeys: ['f'],
      adopted: 1,
      missing: 1,
      stuck: 1,
      stuckKeys: [{ key: 'g', reason: 'unreadable' }],
      failed: 0,
      failedKeys: [],
    });
  });

  it(`counts every failure but carries only the first ${MAX_FAILED_KEYS}`, () => {
    let totals = addResults(
      EMPTY_TOTALS,
      Array.from({ length: 40 }, (_, i) => failedResult(i)),
    );
    totals = addResults(
      totals,
      Array.from({ length: 40 }, (_, i) => failedResult(40 + i)),
    );
    expect(totals.failed).toBe(80);
    expect(totals.failedKeys.map((f) => f.key)).toEqual(
      Array.from({ length: MAX_FAILED_KEYS }, (_, i) => `k${i}`),
    );
  });

  it('never changes the empty totals it starts from', () => {
    addResults(EMPTY_TOTALS, [failedResult(1), { key: 'a', outcome: 'migrated' }]);
    expect(EMPTY_TOTALS).toMatchObject({ migrated: 0, failed: 0, failedKeys: [] });
  });
});

describe('the final pass', () => {
  it('re-reads only the rows the listing shows as work, and counts what is left', async () => {
    const inner = new MemoryStore();
    await inner.put('GITHUB_TOKEN', 'user');
    await inner.put('__thv_workloads_TOKEN', 'system', { scope: 'workloads' });
    inner.seedRaw('BEARER_TOKEN_left', 'legacy');
    const store = new HookedStore(inner);
    expect(await finalPass(readerOf(store), DEFAULT_LEGACY_PREFIXES)).toEqual({ remaining: 1, stuck: [] });
    expect(trace(store.calls.filter((c) => c.op !== 'listPage'))).toEqual([
      'describe BEARER_TOKEN_left',
      'describe __thv_workloads_BEARER_TOKEN_left',
      'get BEARER_TOKEN_left',
    ]);
  });
});

describe('the flag', () => {
  it('writes "done" and a one-line summary of counts and the keys that cannot move', () => {
    const totals = addResults(EMPTY_TOTALS, [{ key: 'BEARER_TOKEN_a', outcome: 'migrated' }]);
    expect(
      flagValue(totals, [{ key: 'BEARER_TOKEN_b', reason: 'unreadable' }], '2026-12-02T00:00:00.000Z'),
    ).toBe(
      'done {"listed":0,"migrated":1,"alreadyScoped":0,"differs":0,"adopted":0,"missing":0,"skipped":0,"stuck":1,"failed":0,"stuckKeys":[{"key":"BEARER_TOKEN_b","reason":"unreadable"}],"finishedAt":"2026-12-02T00:00:00.000Z"}',
    );
  });

  it('keeps the flag within an SSM standard parameter, however many keys are stuck (the count stays exact)', () => {
    const stuck = Array.from({ length: 500 }, (_, i) => ({
      key: `BEARER_TOKEN_${String(i).padStart(150, 'x')}`,
      reason: 'unreadable',
    }));
    const value = flagValue(EMPTY_TOTALS, stuck, '2026-12-02T00:00:00.000Z');
    expect(value.length).toBeLessThanOrEqual(MAX_FLAG_LENGTH);
    expect(JSON.parse(value.slice('done '.length)).stuck).toBe(500);
  });

  it.each([
    ['done', true],
    ['done {"migrated":1}', true],
    [undefined, false],
    ['', false],
    ['pending', false],
    ['not done', false],
  ])('reads %j as done: %s', (value, done) => {
    expect(isDoneFlag(value)).toBe(done);
  });
});
