/**
 * Property-based proof of the migration's rules (docs/design.md §5): the planner against the
 * tests' own model of the prefix table, the per-key algorithm under a crash after every store call
 * and under throttling, and the totals the job carries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addPlan,
  addResults,
  DEFAULT_LEGACY_PREFIXES,
  EMPTY_TOTALS,
  flagValue,
  type ItemResult,
  isDoneFlag,
  itemKey,
  MAX_FAILED_KEYS,
  type MigrationItem,
  MigrationThrottledError,
  type MigrationTotals,
  migrateKey,
  type PlannedMove,
  planPage,
  runBatch,
  type SecretSummary,
  ThrottledError,
} from '../../core/index.js';
import { ProcessKilled } from '../support/crashing-client.js';
import {
  anyTable,
  brokerTaggedO,
  movedO,
  namesAround,
  OWNER,
  type Row,
  reservedO,
  SCOPE,
  tableScopeO,
  tagsArb,
  tail,
  validO,
} from '../support/legacy-keys.js';
import { HookedStore, MemoryStore, type StoreCall } from '../support/memory-store.js';
import { allPages } from '../support/paging.js';

/** What the tests expect a page to plan, from the design text alone. */
function expectedPlan(rows: readonly { key: string; tags: Record<string, string> }[], table: readonly Row[]) {
  const items: MigrationItem[] = [];
  const unmovable: string[] = [];
  const skipped = { system: 0, user: 0, tagged: 0, invalid: 0 };
  for (const { key, tags } of rows) {
    if (reservedO(key)) skipped.system++;
    else if (tags[OWNER] === 'user') skipped.user++;
    else if (brokerTaggedO(tags)) skipped.tagged++;
    else if (!validO(key)) skipped.invalid++;
    else {
      const scope = tableScopeO(key, table);
      if (scope === undefined) items.push({ kind: 'adopt', key });
      else if (movedO(scope, key).length > 200) unmovable.push(key);
      else items.push({ kind: 'move', from: key, to: movedO(scope, key), scope });
    }
  }
  return { items, unmovable, skipped };
}

const summary = (key: string, tags: Record<string, string>): SecretSummary => ({
  key,
  updatedAt: '2026-01-01T00:00:00.000Z',
  tags,
});

/** A table and one listing page of names around it (unique keys, as a listing has). */
const pageArb = anyTable.chain((table) =>
  fc.tuple(
    fc.constant(table),
    fc.uniqueArray(fc.record({ key: namesAround(table), tags: tagsArb }), {
      selector: (r) => r.key,
      maxLength: 40,
    }),
  ),
);

describe('planPage', () => {
  it('plans exactly the moves, adoptions, skips and unmovable keys of the design', () => {
    fc.assert(
      fc.property(pageArb, ([table, rows]) => {
        const plan = planPage(
          rows.map((r) => summary(r.key, r.tags)),
          table,
        );
        const want = expectedPlan(rows, table);
        expect(plan.items).toEqual(want.items);
        expect(plan.unmovable.map((u) => u.key)).toEqual(want.unmovable);
        expect(plan.skipped).toEqual(want.skipped);
      }),
      { numRuns: 500 },
    );
  });

  it('moves every key to "__thv_" + the first matching row\'s scope + "_" + the whole old key', () => {
    fc.assert(
      fc.property(pageArb, ([table, rows]) => {
        for (const item of planPage(
          rows.map((r) => summary(r.key, r.tags)),
          table,
        ).items) {
          if (item.kind !== 'move') continue;
          const first = table.find((r) => item.from.startsWith(r.prefix));
          expect(item.scope).toBe(first?.scope);
          expect(item.to).toBe(`__thv_${item.scope}_${item.from}`);
          expect(validO(item.to) && reservedO(item.to)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never moves or adopts a reserved key, a user-tagged key or any broker-tagged key', () => {
    fc.assert(
      fc.property(pageArb, ([table, rows]) => {
        const touched = new Set(
          planPage(
            rows.map((r) => summary(r.key, r.tags)),
            table,
          ).items.map((i) => (i.kind === 'move' ? i.from : i.key)),
        );
        for (const r of rows)
          if (reservedO(r.key) || brokerTaggedO(r.tags)) expect(touched.has(r.key)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('accounts for every listed row exactly once', () => {
    fc.assert(
      fc.property(pageArb, ([table, rows]) => {
        const plan = planPage(
          rows.map((r) => summary(r.key, r.tags)),
          table,
        );
        const skipped = Object.values(plan.skipped).reduce((a, b) => a + b, 0);
        expect(plan.items.length + plan.unmovable.length + skipped).toBe(rows.length);
      }),
    );
  });
});

/** What may already sit under the scoped name when a key is migrated. */
type Before = 'none' | 'scoped' | 'scopedUntagged' | 'halfWritten';

interface Scenario {
  readonly table: readonly Row[];
  readonly move: PlannedMove;
  readonly legacy: string;
  readonly before: Before;
  readonly scopedValue: string;
  readonly others: readonly { key: string; value: string; tags: Record<string, string> }[];
  readonly split: boolean;
}

/** One movable legacy key of a table, what already sits under its scoped name, and other secrets around it. */
const scenarioArb: fc.Arbitrary<Scenario> = anyTable.chain((table) =>
  fc
    .record({
      from: fc
        .tuple(fc.constantFrom(...table), tail(40))
        .map(([r, t]) => r.prefix + t)
        .filter((k) => {
          const scope = tableScopeO(k, table);
          return validO(k) && scope !== undefined && movedO(scope, k).length <= 200;
        }),
      legacy: fc.string({ unit: 'grapheme', maxLength: 20 }).map((v) => `legacy:${v}`),
      before: fc.constantFrom<Before>('none', 'none', 'scoped', 'scopedUntagged', 'halfWritten'),
      scopedValue: fc.string({ maxLength: 20 }).map((v) => `scoped:${v}`),
      others: fc.uniqueArray(
        fc.record({
          key: namesAround(table).filter(validO),
          value: fc.string({ maxLength: 8 }),
          tags: tagsArb,
        }),
        { selector: (o) => o.key, maxLength: 8 },
      ),
      split: fc.boolean(),
    })
    .map(({ from, others, ...rest }) => {
      const scope = tableScopeO(from, table) as string;
      const move: PlannedMove = { kind: 'move', from, to: movedO(scope, from), scope };
      return { ...rest, table, move, others: others.filter((o) => o.key !== move.from && o.key !== move.to) };
    }),
);

/** The value that must end under the scoped name: an existing scoped value wins. */
const winner = (s: Scenario): string =>
  s.before === 'none' ? s.legacy : s.before === 'halfWritten' ? s.legacy : s.scopedValue;

/** A fresh store holding the scenario's secrets. */
function storeOf(s: Scenario): MemoryStore {
  const store = new MemoryStore();
  for (const o of s.others) store.seedRaw(o.key, o.value, o.tags);
  store.seedRaw(s.move.from, s.legacy);
  if (s.before === 'scoped') store.seedRaw(s.move.to, s.scopedValue, { [SCOPE]: s.move.scope }, true);
  if (s.before === 'scopedUntagged') store.seedRaw(s.move.to, s.scopedValue);
  // What a crash between create and tag leaves: the legacy value, no tag, no policy.
  if (s.before === 'halfWritten') store.seedRaw(s.move.to, s.legacy);
  return store;
}

/** Everything but the two names of the move, to check nothing else changed. */
const othersOf = (store: MemoryStore, s: Scenario) =>
  [...store.entries]
    .filter(([k]) => k !== s.move.from && k !== s.move.to)
    .map(([k, e]) => [k, e.value, e.tags, e.protected])
    .sort();

/**
 * The invariant at every cut point (before and after each store call): the winning value is
 * readable under one of the two names, an existing scoped value never changes, and the bare key,
 * while it exists, still holds the legacy value. Violations are collected, not thrown: the code
 * under test catches what a store throws.
 */
function cutPointCheck(store: MemoryStore, s: Scenario, violations: string[]) {
  return (call: StoreCall, phase: 'before' | 'after'): void => {
    const to = store.entries.get(s.move.to)?.value;
    const from = store.entries.get(s.move.from)?.value;
    const where = `${phase} ${call.op}`;
    if (s.before === 'none' || s.before === 'halfWritten') {
      if (to !== s.legacy && from !== s.legacy)
        violations.push(`${where}: value readable under neither name`);
    } else if (to !== s.scopedValue) violations.push(`${where}: the existing scoped value changed`);
    if (from !== undefined && from !== s.legacy) violations.push(`${where}: the bare key was rewritten`);
    if (call.op === 'delete' && call.key === s.move.to) violations.push(`${where}: deleted the scoped key`);
    // The bare key goes at once only when the scoped name holds its very value; a bare value
    // that differs from an existing scoped one is kept restorable (recovery window).
    const mustForce = s.before === 'none' || s.before === 'halfWritten';
    if (call.op === 'delete' && (call.options as { force?: boolean }).force !== mustForce)
      violations.push(`${where}: deleted ${mustForce ? 'without' : 'with'} force`);
    if (call.op === 'put' && call.key !== s.move.to) violations.push(`${where}: wrote another key`);
  };
}

/** The state after the job is done with the key. */
function expectSettled(store: MemoryStore, s: Scenario, others: ReturnType<typeof othersOf>): void {
  const to = store.entries.get(s.move.to);
  expect(to?.value).toBe(winner(s));
  expect(to?.tags[SCOPE]).toBe(s.move.scope);
  expect(to?.protected).toBe(true);
  expect(store.entries.has(s.move.from)).toBe(false);
  expect(othersOf(store, s)).toEqual(others);
}

/** Every row of the store, page by page, as the job's discover step reads them. */
async function listAll(store: MemoryStore): Promise<SecretSummary[]> {
  const listed = await allPages(
    (next) => store.listPage({ limit: 7, ...(next === undefined ? {} : { next }) }),
    (page) => page.next,
  );
  return listed.flatMap((page) => page.items);
}

/**
 * A later run of the job for this key: it plans from a fresh listing, as the job does, so a bare
 * key that is already gone is not planned again (whatever the crash left under the scoped name
 * stays as it is). Returns the outcome, or undefined when the key was not planned.
 */
async function rerun(inner: MemoryStore, s: Scenario, store: HookedStore): Promise<string | undefined> {
  const plan = planPage(await listAll(inner), s.table);
  const mine = plan.items.filter((i) => i.kind === 'move' && i.from === s.move.from);
  expect(mine.length).toBeLessThanOrEqual(1);
  const item = mine[0];
  if (item === undefined) return undefined;
  expect(item).toEqual(s.move);
  return (await migrateKey(store, item as PlannedMove)).outcome;
}

/** How many store calls an undisturbed run of the scenario makes. */
async function callsOf(s: Scenario): Promise<number> {
  const store = new HookedStore(storeOf(s), { splitSystemWrites: s.split });
  await migrateKey(store, s.move);
  return store.calls.length;
}

/** A hook that kills the process at call `n` (before it, or after it took effect); every later call fails too. */
function killAt(n: number, phase: 'before' | 'after', check: (c: StoreCall, p: 'before' | 'after') => void) {
  let count = 0;
  let dead = false;
  return (call: StoreCall, p: 'before' | 'after'): void => {
    check(call, p);
    if (dead) throw new ProcessKilled('killed');
    if (p === 'before') count++;
    if (count === n && p === phase) {
      dead = true;
      throw new ProcessKilled('killed');
    }
  };
}

describe('migrateKey under crashes', () => {
  it('settles the key when undisturbed, with the outcome of its starting state', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const inner = storeOf(s);
        const others = othersOf(inner, s);
        const violations: string[] = [];
        const store = new HookedStore(inner, {
          hook: cutPointCheck(inner, s, violations),
          splitSystemWrites: s.split,
        });
        const result = await migrateKey(store, s.move);
        expect(result).toEqual({
          key: s.move.from,
          outcome:
            s.before === 'none' ? 'migrated' : s.before === 'halfWritten' ? 'alreadyScoped' : 'differs',
        });
        // A differing bare value stays restorable.
        if (s.before === 'scoped' || s.before === 'scopedUntagged')
          expect(inner.deleted.get(s.move.from)?.entry.value).toBe(s.legacy);
        expect(violations).toEqual([]);
        expectSettled(inner, s, others);
      }),
      { numRuns: 200 },
    );
  });

  it('after a crash at every store call, a re-run settles the key and nothing is lost meanwhile', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const total = await callsOf(s);
        for (let n = 1; n <= total; n++) {
          for (const phase of ['before', 'after'] as const) {
            const inner = storeOf(s);
            const others = othersOf(inner, s);
            const violations: string[] = [];
            const check = cutPointCheck(inner, s, violations);
            const crashing = new HookedStore(inner, {
              hook: killAt(n, phase, check),
              splitSystemWrites: s.split,
            });
            await migrateKey(crashing, s.move).catch(() => undefined);
            const honest = new HookedStore(inner, { hook: check, splitSystemWrites: s.split });
            const again = await rerun(inner, s, honest);
            expect([undefined, 'migrated', 'alreadyScoped', 'differs'], `crash ${phase} call ${n}`).toContain(
              again,
            );
            expect(violations, `crash ${phase} call ${n}`).toEqual([]);
            expectSettled(inner, s, others);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('after any series of crashes, a re-run settles the key', async () => {
    const crashes = fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom('before', 'after')), {
      minLength: 1,
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(scenarioArb, crashes, async (s, series) => {
        const inner = storeOf(s);
        const others = othersOf(inner, s);
        const violations: string[] = [];
        const check = cutPointCheck(inner, s, violations);
        for (const [n, phase] of series) {
          const crashing = new HookedStore(inner, {
            hook: killAt(n, phase as 'before' | 'after', check),
            splitSystemWrites: s.split,
          });
          await rerun(inner, s, crashing).catch(() => undefined);
        }
        await rerun(inner, s, new HookedStore(inner, { hook: check, splitSystemWrites: s.split }));
        expect(violations).toEqual([]);
        expectSettled(inner, s, others);
      }),
      { numRuns: 200 },
    );
  });
});

describe('migrateKey beside a concurrent writer of the scoped key', () => {
  it('never writes over a scoped value the scope wrote meanwhile, at any cut point', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const total = await callsOf(s);
        for (let n = 1; n <= total; n++) {
          for (const phase of ['before', 'after'] as const) {
            const inner = storeOf(s);
            const others = othersOf(inner, s);
            let count = 0;
            let written = false;
            // The scope's own writer (a workload refreshing its token) sets the scoped key once, mid-run.
            const store = new HookedStore(inner, {
              splitSystemWrites: s.split,
              hook: (_c, p) => {
                if (p === 'before') count++;
                if (count === n && p === phase && !written) {
                  written = true;
                  void inner.put(s.move.to, 'newer', { scope: s.move.scope });
                }
              },
            });
            await migrateKey(store, s.move);
            await rerun(inner, s, new HookedStore(inner, { splitSystemWrites: s.split }));
            expectSettled(inner, { ...s, before: 'scoped', scopedValue: 'newer' }, others);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** A hook that throttles call `n` once (the call does not happen), as Secrets Manager's quota does. */
function throttleAt(n: number, check: (c: StoreCall, p: 'before' | 'after') => void) {
  let count = 0;
  return (call: StoreCall, p: 'before' | 'after'): void => {
    check(call, p);
    if (p === 'before' && ++count === n) throw new ThrottledError('Rate exceeded');
  };
}

describe('migrateKey under throttling', () => {
  it('hands throttling at any call back as MigrationThrottledError, and a re-run settles the key', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const total = await callsOf(s);
        for (let n = 1; n <= total; n++) {
          const inner = storeOf(s);
          const others = othersOf(inner, s);
          const violations: string[] = [];
          const check = cutPointCheck(inner, s, violations);
          const throttled = new HookedStore(inner, {
            hook: throttleAt(n, check),
            splitSystemWrites: s.split,
          });
          const error = await migrateKey(throttled, s.move).then(
            (r) => r,
            (e: unknown) => e,
          );
          expect(error, `throttled at call ${n}`).toBeInstanceOf(MigrationThrottledError);
          expect((error as MigrationThrottledError).code).toBe('throttled');
          expect((error as Error).message).not.toContain(s.legacy);
          await rerun(inner, s, new HookedStore(inner, { hook: check, splitSystemWrites: s.split }));
          expect(violations).toEqual([]);
          expectSettled(inner, s, others);
        }
      }),
      { numRuns: 150 },
    );
  });
});

/** Lets every store call in flight finish (the memory store never waits on a timer). */
const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Several movable legacy keys and some pre-broker user keys of the default table, in one store. */
const batchArb = fc
  .record({
    moves: fc.uniqueArray(
      fc
        .tuple(fc.constantFrom('BEARER_TOKEN_', 'REGISTRY_OAUTH_', 'registry-user-'), tail(10))
        .map(([p, t]) => p + t),
      { minLength: 1, maxLength: 8 },
    ),
    adopts: fc.uniqueArray(
      tail(10, 1).map((t) => `pre-${t}`),
      { maxLength: 4 },
    ),
    concurrency: fc.integer({ min: 1, max: 6 }),
    throttleAt: fc.integer({ min: 1, max: 60 }),
  })
  .map(({ moves, ...rest }) => ({
    ...rest,
    items: [
      ...moves.map((from): MigrationItem => {
        const scope = from.startsWith('REGISTRY_OAUTH_') ? 'registry' : 'workloads';
        return { kind: 'move', from, to: movedO(scope, from), scope };
      }),
      ...rest.adopts.map((key): MigrationItem => ({ kind: 'adopt', key })),
    ],
  }));

/** A batch as the job's steps get it: bare keys only, each re-planned with the default table. */
const runKeys = (store: MemoryStore | HookedStore, items: readonly MigrationItem[], concurrency: number) =>
  runBatch(() => store, items.map(itemKey), DEFAULT_LEGACY_PREFIXES, concurrency);

describe('runBatch under throttling', () => {
  it('rejects the whole batch with MigrationThrottledError, and a re-run of the batch finishes it', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async ({ items, concurrency, throttleAt: n }) => {
        const inner = new MemoryStore();
        for (const item of items)
          inner.seedRaw(
            item.kind === 'move' ? item.from : item.key,
            `value-${item.kind === 'move' ? item.from : item.key}`,
          );
        let count = 0;
        const throttled = new HookedStore(inner, {
          hook: (_c, p) => {
            if (p === 'before' && ++count === n) throw new ThrottledError('Rate exceeded');
          },
        });
        const first = await runKeys(throttled, items, concurrency).then(
          () => 'resolved',
          (e: unknown) => e,
        );
        await drain();
        if (first !== 'resolved') expect(first).toBeInstanceOf(MigrationThrottledError);
        const results = await runKeys(inner, items, concurrency);
        expect(results.filter((r) => r.outcome === 'failed')).toEqual([]);
        for (const item of items) {
          if (item.kind === 'move') {
            expect(inner.entries.get(item.to)).toMatchObject({
              value: `value-${item.from}`,
              tags: { [SCOPE]: item.scope },
              protected: true,
            });
            expect(inner.entries.has(item.from)).toBe(false);
          } else {
            expect(inner.entries.get(item.key)).toMatchObject({
              value: `value-${item.key}`,
              tags: { [OWNER]: 'user' },
            });
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

const outcomeArb = fc.constantFrom<ItemResult['outcome']>(
  'migrated',
  'alreadyScoped',
  'differs',
  'adopted',
  'missing',
  'skipped',
  'stuck',
  'failed',
);

/** Keys and reasons that carry a marker, so a leak of either into the flag shows. */
const resultArb: fc.Arbitrary<ItemResult> = fc
  .record({
    key: tail(12, 1),
    outcome: outcomeArb,
    step: fc.constantFrom('check', 'read', 'write', 'verify'),
  })
  .map(({ key, outcome, step }) =>
    outcome === 'failed'
      ? { key: `KEY~${key}`, outcome, reason: `${step}: Error` }
      : outcome === 'stuck'
        ? { key: `KEY~${key}`, outcome, reason: 'unreadable' }
        : { key: `KEY~${key}`, outcome },
  );

/** One page of a run's bookkeeping: rows listed, skips and unmovable keys planned, item results. */
interface PageRun {
  readonly listed: number;
  readonly skipped: { system: number; user: number; tagged: number; invalid: number };
  readonly unmovable: string[];
  readonly results: ItemResult[];
}

/** A run's bookkeeping as pages. */
const runArb: fc.Arbitrary<PageRun[]> = fc.array(
  fc.record({
    listed: fc.nat({ max: 100 }),
    skipped: fc.record({
      system: fc.nat({ max: 5 }),
      user: fc.nat({ max: 5 }),
      tagged: fc.nat({ max: 5 }),
      invalid: fc.nat({ max: 5 }),
    }),
    unmovable: fc.array(
      tail(8, 1).map((k) => `KEY~${k}`),
      { maxLength: 3 },
    ),
    results: fc.array(resultArb, { maxLength: 40, size: 'max' }),
  }),
  // Large enough that a run often has more than MAX_FAILED_KEYS failures.
  { maxLength: 8, size: 'max' },
);

/** The totals of a run, gathered page by page as the job does. */
function totalsOf(run: readonly PageRun[]): MigrationTotals {
  let totals = EMPTY_TOTALS;
  for (const page of run) {
    totals = addPlan(
      totals,
      {
        items: [],
        skipped: page.skipped,
        unmovable: page.unmovable.map((key) => ({ key, reason: 'name-too-long' as const })),
      },
      page.listed,
    );
    totals = addResults(totals, page.results);
  }
  return totals;
}

describe('totals and the flag', () => {
  it('counts every failure but carries only the first MAX_FAILED_KEYS, in order', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const failures = run.flatMap((page) =>
          page.results.filter((r) => r.outcome === 'failed').map((r) => r.key),
        );
        const stuck = run.flatMap((page) => [
          ...page.unmovable,
          ...page.results.filter((r) => r.outcome === 'stuck').map((r) => r.key),
        ]);
        const totals = totalsOf(run);
        expect(totals.failed).toBe(failures.length);
        expect(totals.failedKeys.map((f) => f.key)).toEqual(failures.slice(0, MAX_FAILED_KEYS));
        expect(totals.failedKeys.length).toBeLessThanOrEqual(MAX_FAILED_KEYS);
        expect(totals.stuck).toBe(stuck.length);
        expect(totals.stuckKeys.map((f) => f.key)).toEqual(stuck.slice(0, MAX_FAILED_KEYS));
      }),
      { numRuns: 300 },
    );
  });

  it('counts every outcome, listed row and skip', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const totals = totalsOf(run);
        const results = run.flatMap((p) => p.results);
        const count = (o: ItemResult['outcome']) => results.filter((r) => r.outcome === o).length;
        expect(totals).toMatchObject({
          listed: run.reduce((a, p) => a + p.listed, 0),
          skipped: run.reduce(
            (a, p) => a + p.skipped.system + p.skipped.user + p.skipped.tagged + p.skipped.invalid,
            count('skipped'),
          ),
          migrated: count('migrated'),
          alreadyScoped: count('alreadyScoped'),
          differs: count('differs'),
          adopted: count('adopted'),
          missing: count('missing'),
        });
      }),
    );
  });

  it('writes a flag of counts and the final pass’s stuck keys only: no other key, no reason, and it reads as done', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const totals = totalsOf(run);
        const flag = flagValue(totals, [], '2026-12-02T00:00:00.000Z');
        expect(isDoneFlag(flag)).toBe(true);
        expect(flag).not.toContain('KEY~');
        expect(flag.startsWith('done ')).toBe(true);
        const body = JSON.parse(flag.slice('done '.length)) as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual(
          [
            'adopted',
            'alreadyScoped',
            'differs',
            'failed',
            'finishedAt',
            'listed',
            'migrated',
            'missing',
            'skipped',
            'stuck',
            'stuckKeys',
          ].sort(),
        );
        expect(body.stuckKeys).toEqual([]);
        for (const [k, v] of Object.entries(body))
          if (k !== 'finishedAt' && k !== 'stuckKeys') expect(typeof v).toBe('number');
      }),
    );
  });

  it('never lets a secret value reach an outcome, the totals or the flag, even from a failing store', async () => {
    const failing = fc.array(fc.boolean(), { minLength: 12, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(batchArb, failing, async ({ items, concurrency }, fails) => {
        const inner = new MemoryStore();
        const secretOf = (key: string) => `SECRET-VALUE<${key}>`;
        for (const item of items) {
          const key = item.kind === 'move' ? item.from : item.key;
          inner.seedRaw(key, secretOf(key));
        }
        let count = 0;
        // A store whose errors quote values, as a careless SDK error message could.
        const store = new HookedStore(inner, {
          hook: (call, p) => {
            if (p === 'before' && fails[count++ % fails.length])
              throw new Error(`failed on ${call.key}: ${secretOf(call.key ?? '')}`);
          },
        });
        const results = await runKeys(store, items, concurrency);
        const totals = addResults(EMPTY_TOTALS, results);
        const text = JSON.stringify([results, totals, flagValue(totals, totals.stuckKeys, 'now')]);
        expect(text).not.toContain('SECRET-VALUE');
      }),
      { numRuns: 200 },
    );
  });
});
