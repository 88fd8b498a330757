/** The migration job end to end: the synthesized state machine, the real steps, the embedded endpoint. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LEGACY_PREFIXES } from '../../core/index.js';
import { migrationStepsFor, scopePrincipalsFromEnv } from '../../lambda/migration/wiring.js';
import { taskStateNames } from '../../local/migration/definition.js';
import { runLocalMigration, UnservedTaskError } from '../../local/migration/runner.js';
import { crashing } from '../support/crashing-client.js';
import {
  clientConfig,
  type MigrationRig,
  migrationRig,
  PRINCIPALS,
  ROOT,
  readString,
  synthesizedDefinition,
  withMaxPages,
} from './support.js';

let rig: MigrationRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const readValue = readString;

describe('the migration state machine', () => {
  it('has a local handler for every Task state of the synthesized definition', () => {
    const names = taskStateNames(synthesizedDefinition());
    expect(names.sort()).toEqual([
      'CheckFlag',
      'ContinueAsNew',
      'Discover',
      'Finish',
      'MigrateBatch',
      'ReportFailedBatch',
    ]);
  });

  it('refuses to run a definition with a Task state it cannot serve', async () => {
    const definition = synthesizedDefinition();
    (definition.States.Finish as { Resource: string }).Resource = 'arn:aws:states:::sqs:sendMessage';
    await expect(
      runLocalMigration({ definition, steps: async () => ({}), executionName: 'x' }),
    ).rejects.toThrow(UnservedTaskError);
  });

  it('sets the flag on an empty store', async () => {
    rig = await migrationRig();
    const [run] = await rig.run();
    expect(run?.status).toBe('SUCCEEDED');
    expect(await rig.flag()).toMatch(/^done /);
  });

  it('moves every legacy prefix into its scope and leaves everything else as it was', async () => {
    rig = await migrationRig();
    const legacy = DEFAULT_LEGACY_PREFIXES.map((row, i) => ({ key: `${row.prefix}k${i}`, scope: row.scope }));
    for (const { key } of legacy) await rig.seed(key, `legacy-${key}`);
    await rig.store.put('GITHUB_TOKEN', 'user-value');
    await rig.store.put('BEARER_TOKEN_mine', 'user-made');
    await rig.store.put('__thv_workloads_existing', 'system', { scope: 'workloads' });
    await rig.seed('bearer_token_lookalike', 'pre-broker');
    const [run] = await rig.run();
    expect(run?.status).toBe('SUCCEEDED');
    for (const { key, scope } of legacy) {
      expect(await readValue(rig, `__thv_${scope}_${key}`)).toBe(`legacy-${key}`);
      expect(await readValue(rig, key)).toBeUndefined();
    }
    const after = await rig.snapshot();
    for (const { key, scope } of legacy) {
      expect(after.get(`__thv_${scope}_${key}`)).toEqual({ tags: { 'thv:scope': scope }, policy: true });
    }
    expect(await readValue(rig, 'GITHUB_TOKEN')).toBe('user-value');
    expect(await readValue(rig, 'BEARER_TOKEN_mine')).toBe('user-made');
    expect(after.get('BEARER_TOKEN_mine')?.tags).toEqual({ 'thv:owner': 'user' });
    expect(after.get('bearer_token_lookalike')?.tags).toEqual({ 'thv:owner': 'user' });
    expect(await rig.flag()).toMatch(/^done /);
  });

  it('moves no key into a scope it has no resource-policy principals for: the key fails and stays, the flag stays unset', async () => {
    rig = await migrationRig();
    await rig.seed('BEARER_TOKEN_gh', 'legacy-workloads');
    await rig.seed('REGISTRY_OAUTH_x', 'legacy-registry');
    const { workloads: _dropped, ...withoutWorkloads } = PRINCIPALS;
    const runs = await rig.run({ principalsByScope: withoutWorkloads });
    expect(runs.at(-1)?.status).toBe('FAILED');
    expect(await readValue(rig, '__thv_workloads_BEARER_TOKEN_gh')).toBeUndefined();
    expect(await readValue(rig, 'BEARER_TOKEN_gh')).toBe('legacy-workloads');
    expect((await rig.snapshot()).get('__thv_registry_REGISTRY_OAUTH_x')).toEqual({
      tags: { 'thv:scope': 'registry' },
      policy: true,
    });
    expect(await rig.flag()).toBeUndefined();
  });

  it('cuts each page into batches of the size the state machine passes', async () => {
    rig = await migrationRig();
    for (let i = 0; i < 7; i++) await rig.seed(`BEARER_TOKEN_b${i}`, `v${i}`);
    const definition = synthesizedDefinition();
    (definition.States.Discover as { Parameters: Record<string, unknown> }).Parameters.batchSize = 3;
    const steps = migrationStepsFor(rig.config, {
      secretsManager: rig.secretsManager,
      ssm: rig.ssm,
      principalsByScope: PRINCIPALS,
    });
    const sizes: number[] = [];
    const [run] = await runLocalMigration({
      definition,
      steps: async (event) => {
        const e = event as { step: string; batch?: unknown[] };
        if (e.step === 'migrate') sizes.push(e.batch?.length ?? 0);
        return steps(event);
      },
      executionName: 'batch-size',
      retryIntervalMs: 0,
      waitMs: 0,
    });
    expect(run?.status).toBe('SUCCEEDED');
    expect(sizes.sort()).toEqual([1, 3, 3]);
  });

  it('refuses to start without the principals variable the stack sets, instead of moving keys with no policy', () => {
    expect(() => scopePrincipalsFromEnv({})).toThrow(/BROKER_SCOPE_POLICY_PRINCIPALS/);
    expect(scopePrincipalsFromEnv({ BROKER_SCOPE_POLICY_PRINCIPALS: '{"workloads":["arn:r"]}' })).toEqual({
      workloads: ['arn:r'],
    });
  });

  it('continues as a new execution before the page cap and finishes there', async () => {
    rig = await migrationRig();
    for (let i = 0; i < 250; i++) await rig.seed(`BEARER_TOKEN_${String(i).padStart(4, '0')}`, `v${i}`);
    const runs = await rig.run({ definition: withMaxPages(synthesizedDefinition(), 1) });
    // Three pages at least (ListSecrets may also hand back short or empty pages), one per execution.
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.map((r) => r.name)).toEqual(
      runs.map((_, i) => (i === 0 ? 'legacy-migration-test' : `legacy-migration-test-${i + 1}`)),
    );
    expect(runs.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    expect(await rig.flag()).toMatch(/^done /);
    const snap = await rig.snapshot();
    expect([...snap.keys()].filter((k) => k.startsWith('BEARER'))).toEqual([]);
    expect([...snap.keys()].filter((k) => k.startsWith('__thv_workloads_BEARER')).length).toBe(250);
  });
});

/** A client that dies on `operation` for the keys `dies` names, as a process killed at that point would. */
function dyingClient(r: MigrationRig, operation: string, dies: (name: string) => boolean) {
  return crashing(
    new SecretsManagerClient(clientConfig(r.url)),
    (call) =>
      call.operation === operation && dies((call.input.SecretId ?? call.input.Name ?? '').slice(ROOT.length)),
  );
}

describe('crash safety of the migration', () => {
  const cases: [string, string, string, (name: string) => boolean][] = [
    ['between check and write', 'CreateSecret', 'k03', (n) => n.startsWith('__thv_') && n.endsWith('3')],
    ['between write and resource policy', 'PutResourcePolicy', 'k05', (n) => n.endsWith('5')],
    ['between write and delete', 'DeleteSecret', 'k07', (n) => !n.startsWith('__thv_') && n.endsWith('7')],
  ];
  for (const [label, operation, named, dies] of cases) {
    it(`finishes on a re-run after dying ${label}`, async () => {
      rig = await migrationRig();
      const keys = Array.from({ length: 30 }, (_, i) => `BEARER_TOKEN_k${String(i).padStart(2, '0')}`);
      for (const key of keys) await rig.seed(key, `legacy-${key}`);
      await rig.store.put('GITHUB_TOKEN', 'user-value');
      const [first] = await rig.run({ secretsManager: dyingClient(rig, operation, dies) });
      expect(first?.status).toBe('FAILED');
      expect(first?.error?.cause).toContain(`BEARER_TOKEN_${named}`);
      expect(await rig.flag()).toBeUndefined();
      // Write-before-delete: every legacy value is readable under at least one of its names.
      for (const key of keys) {
        const either = (await readValue(rig, key)) ?? (await readValue(rig, `__thv_workloads_${key}`));
        expect(either).toBe(`legacy-${key}`);
      }
      const [second] = await rig.run({ executionName: 'legacy-migration-rerun' });
      expect(second?.status).toBe('SUCCEEDED');
      const after = await rig.snapshot();
      for (const key of keys) {
        expect(await readValue(rig, `__thv_workloads_${key}`)).toBe(`legacy-${key}`);
        expect(after.get(`__thv_workloads_${key}`)).toEqual({
          tags: { 'thv:scope': 'workloads' },
          policy: true,
        });
        expect(after.has(key)).toBe(false);
      }
      expect(await readValue(rig, 'GITHUB_TOKEN')).toBe('user-value');
      expect(await rig.flag()).toMatch(/^done /);
    });
  }
});

describe('the migration at scale and under quota', () => {
  it('keeps the scoped value when the scoped key already exists with another one', async () => {
    rig = await migrationRig();
    await rig.seed('REGISTRY_OAUTH_ab12', 'old-bare');
    await rig.store.put('__thv_registry_REGISTRY_OAUTH_ab12', 'newer-scoped', { scope: 'registry' });
    const [run] = await rig.run();
    expect(run?.status).toBe('SUCCEEDED');
    expect(await readValue(rig, '__thv_registry_REGISTRY_OAUTH_ab12')).toBe('newer-scoped');
    expect(await readValue(rig, 'REGISTRY_OAUTH_ab12')).toBeUndefined();
  });

  it('moves more than 1,000 keys over many pages', async () => {
    rig = await migrationRig();
    for (let i = 0; i < 1_050; i++) await rig.seed(`registry-user-${i}`, `v${i}`);
    for (let i = 0; i < 60; i++) await rig.store.put(`user-${i}`, 'mine');
    const runs = await rig.run();
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED']);
    const summary = JSON.parse((await rig.flag())?.slice('done '.length) ?? '{}');
    expect(summary).toMatchObject({ migrated: 1_050, failed: 0 });
    const pages =
      runs[0]?.events.filter((e) => e.type === 'StateEntered' && e.state.name === 'Discover').length ?? 0;
    expect(pages).toBeGreaterThan(11);
  }, 120_000);

  it('completes under the emulated AWS quotas with no key failed', async () => {
    rig = await migrationRig({ quotas: 'aws' });
    for (let i = 0; i < 150; i++) await rig.seed(`OAUTH_CLIENT_SECRET_${i}`, `v${i}`);
    const [run] = await rig.run();
    expect(run?.status).toBe('SUCCEEDED');
    expect(rig.served.some((s) => s.outcome.includes('ThrottlingException'))).toBe(true);
    const summary = JSON.parse((await rig.flag())?.slice('done '.length) ?? '{}');
    expect(summary).toMatchObject({ migrated: 150, failed: 0 });
  }, 120_000);

  it('touches no secret on a second run after success', async () => {
    rig = await migrationRig();
    for (let i = 0; i < 20; i++) await rig.seed(`BUILD_AUTH_FILE_${i}`, `v${i}`);
    await rig.run();
    const before = rig.writes();
    const [again] = await rig.run({ executionName: 'legacy-migration-again' });
    expect(again?.status).toBe('SUCCEEDED');
    expect(rig.writes() - before).toBe(0);
  });
});
