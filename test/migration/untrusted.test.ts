/**
 * The migration trusts nothing (docs/design.md §5; docs/migration.md) it is handed. Hand-made step events and execution inputs,
 * run through the real step handler and the synthesized state machine over the embedded endpoint,
 * move nothing they should not and set no flag early.
 */
import { ListSecretsCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_TOTALS } from '../../core/index.js';
import { migrationStepsFor } from '../../lambda/migration/wiring.js';
import { type MigrationRig, migrationRig, PRINCIPALS, ROOT, readString } from './support.js';

let rig: MigrationRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const stepsOf = (r: MigrationRig) =>
  migrationStepsFor(r.config, {
    secretsManager: r.secretsManager,
    ssm: r.ssm,
    principalsByScope: PRINCIPALS,
  });

const readValue = readString;

describe('crafted step events', () => {
  it('refuses a move whose target and scope are handed to it, and copies no system secret across scopes', async () => {
    rig = await migrationRig();
    await rig.store.put('__thv_auth_TOKEN', 'auth-secret', { scope: 'auth' });
    const steps = stepsOf(rig);
    const forged = {
      step: 'migrate',
      batch: [{ kind: 'move', from: '__thv_auth_TOKEN', to: '__thv_workloads_TOKEN', scope: 'workloads' }],
    };
    await expect(steps(forged)).rejects.toThrow(/not a migration step event/);
    // As bare keys, the same names re-derive to nothing: a system key is never moved.
    const report = await steps({ step: 'migrate', batch: ['__thv_auth_TOKEN'] });
    expect(report).toMatchObject({ counts: { skipped: 1, migrated: 0 } });
    expect(await readValue(rig, '__thv_workloads_TOKEN')).toBeUndefined();
    expect(await readValue(rig, '__thv_auth_TOKEN')).toBe('auth-secret');
  });

  it('never adopts a pending legacy key: handed to the step, it is moved into its scope instead', async () => {
    rig = await migrationRig();
    await rig.seed('BEARER_TOKEN_pending', 'system-value');
    const steps = stepsOf(rig);
    await expect(
      steps({ step: 'migrate', batch: [{ kind: 'adopt', key: 'BEARER_TOKEN_pending' }] }),
    ).rejects.toThrow(/not a migration step event/);
    await steps({ step: 'migrate', batch: ['BEARER_TOKEN_pending'] });
    const after = await rig.snapshot();
    expect(after.has('BEARER_TOKEN_pending')).toBe(false);
    expect(after.get('__thv_workloads_BEARER_TOKEN_pending')?.tags).toEqual({ 'thv:scope': 'workloads' });
  });

  it('never promotes a bare key tagged thv:owner=user, even when a step is handed it', async () => {
    rig = await migrationRig();
    await rig.store.put('BEARER_TOKEN_mine', 'user-made');
    const report = await stepsOf(rig)({ step: 'migrate', batch: ['BEARER_TOKEN_mine'] });
    expect(report).toMatchObject({ counts: { skipped: 1, migrated: 0 } });
    expect(await readValue(rig, '__thv_workloads_BEARER_TOKEN_mine')).toBeUndefined();
    expect(await readValue(rig, 'BEARER_TOKEN_mine')).toBe('user-made');
  });

  it('re-reads tags before acting: a key tagged thv:owner=user after it was listed stays where it is', async () => {
    rig = await migrationRig();
    await rig.seed('BEARER_TOKEN_late', 'v');
    await rig.secretsManager.send(
      new TagResourceCommand({
        SecretId: `${ROOT}BEARER_TOKEN_late`,
        Tags: [{ Key: 'thv:owner', Value: 'user' }],
      }),
    );
    await stepsOf(rig)({ step: 'migrate', batch: ['BEARER_TOKEN_late'] });
    expect(await readValue(rig, 'BEARER_TOKEN_late')).toBe('v');
    expect(await readValue(rig, '__thv_workloads_BEARER_TOKEN_late')).toBeUndefined();
  });

  it('writes no flag from a hand-made finish while a legacy key is left', async () => {
    rig = await migrationRig();
    await rig.seed('BEARER_TOKEN_left', 'v');
    const carry = { origin: 'x', generation: 1, pass: 1, pages: 0, complete: true, totals: EMPTY_TOTALS };
    const result = await stepsOf(rig)({ step: 'finish', carry });
    expect(result).toMatchObject({ action: 'again' });
    expect(await rig.flag()).toBeUndefined();
  });
});

describe('crafted execution inputs', () => {
  it('refuses an input carrying a finished carry, setting no flag and moving nothing', async () => {
    rig = await migrationRig();
    await rig.seed('BEARER_TOKEN_gh', 'v');
    const carry = { origin: 'x', generation: 1, pages: 0, complete: true, totals: EMPTY_TOTALS };
    const runs = await rig.run({ input: { carry } });
    expect(runs.map((r) => r.status)).toEqual(['FAILED']);
    expect(runs[0]?.error?.name).toBe('InvalidStepEventError');
    expect(await rig.flag()).toBeUndefined();
    expect(await readValue(rig, 'BEARER_TOKEN_gh')).toBe('v');
  });

  it('sets the flag only after every key is moved, even when a continuation skips the first pages', async () => {
    rig = await migrationRig();
    for (let i = 0; i < 150; i++) await rig.seed(`BEARER_TOKEN_${String(i).padStart(3, '0')}`, `v${i}`);
    const page = await rig.secretsManager.send(new ListSecretsCommand({ MaxResults: 100 }));
    const continuation = { origin: 'x', generation: 2, pass: 1, next: page.NextToken, totals: EMPTY_TOTALS };
    const runs = await rig.run({ input: { continuation } });
    expect(runs.at(-1)?.status).toBe('SUCCEEDED');
    expect(await rig.flag()).toMatch(/^done /);
    const left = [...(await rig.snapshot()).keys()].filter((k) => k.startsWith('BEARER_TOKEN_'));
    expect(left).toEqual([]);
  });
});
