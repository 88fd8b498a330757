/**
 * The migration never loses or strands a value. Binary, conflicting, unmovable, skipped
 * and late keys through the synthesized state machine over the embedded endpoint (real SDK clients).
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { readMigrationFlag } from '../../lambda/aws/migration-flag.js';
import { migrationStepsFor } from '../../lambda/migration/wiring.js';
import { runLocalMigration } from '../../local/migration/runner.js';
import {
  clientConfig,
  FLAG,
  type MigrationRig,
  migrationRig,
  PRINCIPALS,
  ROOT,
  readString,
  synthesizedDefinition,
} from './support.js';

let rig: MigrationRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const readValue = readString;
const summaryOf = async (r: MigrationRig) => JSON.parse((await r.flag())?.slice('done '.length) ?? '{}');

/** A client whose `command` answers AccessDeniedException for names `refused` picks, as IAM or KMS would. */
function refusingClient(url: string, command: string, refused: (name: string) => boolean, times = Infinity) {
  const client = new SecretsManagerClient(clientConfig(url));
  let left = times;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { SecretId?: string; Name?: string };
      const name = (input.SecretId ?? input.Name ?? '').slice(ROOT.length);
      if (context.commandName === command && refused(name) && left-- > 0) {
        const error = new Error('Access to KMS is not allowed');
        error.name = 'AccessDeniedException';
        throw error;
      }
      return next(args);
    },
    { step: 'initialize', name: 'refusal' },
  );
  return client;
}

describe('binary legacy secrets', () => {
  it('moves SecretBinary byte for byte, bytes that are not UTF-8 included', async () => {
    rig = await migrationRig();
    const bytes = Uint8Array.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x0a, 0x41]);
    await rig.secretsManager.send(
      new CreateSecretCommand({ Name: `${ROOT}BUILD_AUTH_FILE_bin`, SecretBinary: bytes }),
    );
    const [run] = await rig.run();
    expect(run?.status).toBe('SUCCEEDED');
    const out = await rig.secretsManager.send(
      new GetSecretValueCommand({ SecretId: `${ROOT}__thv_workloads_BUILD_AUTH_FILE_bin` }),
    );
    expect(out.SecretString).toBeUndefined();
    expect(Buffer.from(out.SecretBinary ?? new Uint8Array()).equals(Buffer.from(bytes))).toBe(true);
    expect((await rig.snapshot()).has('BUILD_AUTH_FILE_bin')).toBe(false);
  });
});

describe('a bare value that differs from its scoped twin', () => {
  it('is named "differs" by the plan and the report, and stays restorable after the run', async () => {
    rig = await migrationRig();
    await rig.seed('REGISTRY_OAUTH_ab12', 'old-bare');
    await rig.store.put('__thv_registry_REGISTRY_OAUTH_ab12', 'newer-scoped', { scope: 'registry' });
    const steps = migrationStepsFor(rig.config, {
      secretsManager: rig.secretsManager,
      ssm: rig.ssm,
      principalsByScope: PRINCIPALS,
    });
    const { plan } = (await steps({ step: 'plan' })) as {
      plan: { conflicts: { from: string; differs?: boolean }[] };
    };
    expect(plan.conflicts).toEqual([expect.objectContaining({ from: 'REGISTRY_OAUTH_ab12', differs: true })]);
    const [run] = await rig.run();
    expect(run?.status).toBe('SUCCEEDED');
    expect(await summaryOf(rig)).toMatchObject({ differs: 1 });
    expect(await readValue(rig, '__thv_registry_REGISTRY_OAUTH_ab12')).toBe('newer-scoped');
    // Deleted with its recovery window, not forced: an operator can still bring it back.
    await rig.secretsManager.send(new RestoreSecretCommand({ SecretId: `${ROOT}REGISTRY_OAUTH_ab12` }));
    expect(await readValue(rig, 'REGISTRY_OAUTH_ab12')).toBe('old-bare');
  });
});

describe('keys that cannot move', () => {
  it('leaves a key whose scoped name is pending deletion as it was, moves the rest, and names it in the flag', async () => {
    rig = await migrationRig();
    await rig.seed('BEARER_TOKEN_held', 'legacy');
    await rig.seed('BEARER_TOKEN_free', 'free');
    await rig.store.put('__thv_workloads_BEARER_TOKEN_held', 'old-scoped', { scope: 'workloads' });
    await rig.secretsManager.send(
      new DeleteSecretCommand({
        SecretId: `${ROOT}__thv_workloads_BEARER_TOKEN_held`,
        RecoveryWindowInDays: 7,
      }),
    );
    const [run] = await rig.run();
    expect(run?.status).toBe('SUCCEEDED');
    expect(await readValue(rig, 'BEARER_TOKEN_held')).toBe('legacy');
    expect(await readValue(rig, '__thv_workloads_BEARER_TOKEN_free')).toBe('free');
    expect(await summaryOf(rig)).toMatchObject({
      stuck: 1,
      stuckKeys: [{ key: 'BEARER_TOKEN_held', reason: 'target-pending-deletion' }],
    });
    // The tags are untouched too: still an untagged bare key, out of every user role's reach.
    expect((await rig.snapshot()).get('BEARER_TOKEN_held')?.tags).toEqual({});
  });

  it('leaves a key the job may not read or decrypt as it was, and moves the rest', async () => {
    rig = await migrationRig();
    await rig.seed('BEARER_TOKEN_kms', 'other-key');
    await rig.seed('BEARER_TOKEN_ok', 'ok');
    const client = refusingClient(rig.url, 'GetSecretValueCommand', (n) => n === 'BEARER_TOKEN_kms');
    const [run] = await rig.run({ secretsManager: client });
    expect(run?.status).toBe('SUCCEEDED');
    expect(await readValue(rig, 'BEARER_TOKEN_kms')).toBe('other-key');
    expect(await readValue(rig, '__thv_workloads_BEARER_TOKEN_kms')).toBeUndefined();
    expect(await readValue(rig, '__thv_workloads_BEARER_TOKEN_ok')).toBe('ok');
    expect(await summaryOf(rig)).toMatchObject({
      stuckKeys: [{ key: 'BEARER_TOKEN_kms', reason: 'unreadable' }],
    });
    // Once the job may read it (the operator fixed the key policy), a re-run moves it.
    const [again] = await rig.run({ executionName: 'after-fix' });
    expect(again?.status).toBe('SUCCEEDED');
    expect(await readValue(rig, '__thv_workloads_BEARER_TOKEN_kms')).toBe('other-key');
    expect(await summaryOf(rig)).toMatchObject({ stuck: 0, stuckKeys: [] });
  });
});

describe('paging while deleting, and late keys', () => {
  it('sets no flag on a pass whose listing skipped keys: a fresh final pass finds and moves them first', async () => {
    rig = await migrationRig();
    for (let i = 0; i < 30; i++) await rig.seed(`BEARER_TOKEN_${String(i).padStart(2, '0')}`, `v${i}`);
    // The pass's own listing misses the keys ending in 7 (paging while deleting, or lag); the
    // final pass's fresh listing shows them.
    const client = new SecretsManagerClient(clientConfig(rig.url));
    let listings = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'ListSecretsCommand' && ++listings <= 1) {
          const out = result.output as { SecretList?: { Name?: string }[] };
          out.SecretList = (out.SecretList ?? []).filter((s) => !s.Name?.endsWith('7'));
        }
        return result;
      },
      { step: 'initialize', name: 'lag' },
    );
    const flagWrites: string[] = [];
    const ssm = new SSMClient(clientConfig(rig.url));
    const steps = migrationStepsFor(rig.config, {
      secretsManager: client,
      ssm,
      principalsByScope: PRINCIPALS,
    });
    const [run] = await runLocalMigration({
      definition: synthesizedDefinition(),
      steps: async (event) => {
        const result = await steps(event);
        if ((event as { step: string }).step === 'finish') {
          const left = await rig?.secretsManager.send(new ListSecretsCommand({ MaxResults: 100 }));
          const bare = (left?.SecretList ?? []).filter((s) => s.Name?.startsWith(`${ROOT}BEARER_TOKEN_`));
          flagWrites.push(`${(await readMigrationFlag(ssm, FLAG)) ?? 'unset'} with ${bare.length} left`);
        }
        return result;
      },
      executionName: 'lagging',
      retryIntervalMs: 0,
      waitMs: 0,
    });
    ssm.destroy();
    expect(run?.error).toBeUndefined();
    expect(run?.status).toBe('SUCCEEDED');
    // The first Finish found keys left and wrote nothing; the flag came only with none left.
    expect(flagWrites[0]).toBe('unset with 3 left');
    expect(flagWrites.at(-1)).toMatch(/^done .* with 0 left$/);
    expect([...(await rig.snapshot()).keys()].filter((k) => k.startsWith('BEARER'))).toEqual([]);
  });

  it('moves keys written after the flag on a re-run, with plan and start agreeing and the flag never unset', async () => {
    rig = await migrationRig();
    await rig.seed('BEARER_TOKEN_early', 'e');
    await rig.run();
    const first = await rig.flag();
    expect(first).toMatch(/^done /);
    await rig.seed('OAUTH_CLIENT_SECRET_late', 'late');
    const steps = migrationStepsFor(rig.config, {
      secretsManager: rig.secretsManager,
      ssm: rig.ssm,
      principalsByScope: PRINCIPALS,
    });
    const planned = (await steps({ step: 'plan' })) as { plan: { moves: { from: string }[] }; done: boolean };
    expect(planned.done).toBe(true);
    expect(planned.plan.moves.map((m) => m.from)).toEqual(['OAUTH_CLIENT_SECRET_late']);
    const [run] = await rig.run({ executionName: 'late' });
    expect(run?.status).toBe('SUCCEEDED');
    expect(await readValue(rig, '__thv_workloads_OAUTH_CLIENT_SECRET_late')).toBe('late');
    expect(await rig.flag()).toMatch(/^done /);
    // The flag was only ever rewritten (PutParameter), never deleted.
    expect(rig.served.some((s) => s.op === 'DeleteParameter')).toBe(false);
  });
});

describe('the first run on deploy', () => {
  it('retries a refused role (IAM still applying) and then runs through', async () => {
    rig = await migrationRig();
    await rig.seed('BEARER_TOKEN_gh', 'v');
    const client = refusingClient(rig.url, 'DescribeSecretCommand', () => true, 3);
    const [run] = await rig.run({ secretsManager: client });
    expect(run?.status).toBe('SUCCEEDED');
    expect(run?.events.some((e) => e.type === 'StateRetried')).toBe(true);
    expect(await readValue(rig, '__thv_workloads_BEARER_TOKEN_gh')).toBe('v');
  });

  it('fails with a clear message naming the fix when the role stays refused', async () => {
    rig = await migrationRig();
    const client = refusingClient(rig.url, 'ListSecretsCommand', () => true);
    const [run] = await rig.run({ secretsManager: client });
    expect(run?.status).toBe('FAILED');
    expect(run?.error?.name).toBe('MigrationAccessDeniedError');
    expect(run?.error?.cause).toContain('re-run `thv-broker migrate start`');
    expect(await rig.flag()).toBeUndefined();
  });
});
