/**
 * `thv-broker migrate plan|start|status --local` as an operator runs it: the real executable against
 * a real local broker (its AWS endpoint), the synthesized state machine run by the CLI process.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { secretsManagerClient } from '../support/endpoints.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

const BIN = fileURLToPath(new URL('../../bin/thv-broker.js', import.meta.url));
const WRITES =
  /\.(CreateSecret|PutSecretValue|UpdateSecret|DeleteSecret|TagResource|UntagResource|PutResourcePolicy|PutParameter|DeleteParameter|RestoreSecret) 200 /;

interface Rig {
  readonly broker: TestBroker;
  /** Signed with a key the endpoint does not know: admin, the pre-broker writer of legacy keys. */
  readonly sm: SecretsManagerClient;
  /** Signed as the migration role: it may read both a legacy key and its scoped twin. */
  readonly reader: SecretsManagerClient;
}
let rig: Rig | undefined;
afterEach(async () => {
  if (!rig) return;
  rig.sm.destroy();
  await rig.broker.close();
  rig = undefined;
});

async function start(latencyMs = 0): Promise<Rig> {
  const broker = await startTestBroker({ faults: { latencyMs } });
  return { broker, sm: secretsManagerClient(broker.awsUrl), reader: broker.clientAs('migration') };
}

const seedLegacy = (r: Rig, key: string, value: string) =>
  r.sm.send(new CreateSecretCommand({ Name: `toolhive/${key}`, SecretString: value }));
const read = async (r: Rig, key: string) => {
  try {
    return (await r.reader.send(new GetSecretValueCommand({ SecretId: `toolhive/${key}` }))).SecretString;
  } catch {
    return undefined;
  }
};
const migrate = (r: Rig, ...args: string[]) =>
  runCli(['--endpoint', r.broker.url, 'migrate', ...args, '--local', '--aws-endpoint', r.broker.awsUrl]);

describe('thv-broker migrate --local', () => {
  it('plans without writing anything', async () => {
    rig = await start();
    await seedLegacy(rig, 'BEARER_TOKEN_gh', 'legacy-token');
    await seedLegacy(rig, 'old-user-key', 'mine');
    const before = rig.broker.awsLines.filter((l) => WRITES.test(l)).length;
    const run = await migrate(rig, 'plan');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('BEARER_TOKEN_gh → __thv_workloads_BEARER_TOKEN_gh');
    expect(run.stdout).toMatch(/ADOPT[\s\S]*old-user-key/);
    expect(rig.broker.awsLines.filter((l) => WRITES.test(l)).length - before).toBe(0);
    expect(run.stdout + run.stderr).not.toContain('legacy-token');
  });

  it('holds a legacy name from users until the run, then moves it and frees the name', async () => {
    rig = await start();
    await seedLegacy(rig, 'BEARER_TOKEN_gh', 'legacy-token');
    const held = await runCli(['--endpoint', rig.broker.url, 'secret', 'get', 'BEARER_TOKEN_gh']);
    expect(held.code).toBe(3);
    expect(held.stderr).toContain('until the legacy-key migration finishes');
    const run = await migrate(rig, 'start');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('migrated 1');
    expect(run.stdout + run.stderr).not.toContain('legacy-token');
    const scoped = await runCli([
      '--endpoint',
      rig.broker.url,
      'scope',
      'workloads',
      'get',
      'BEARER_TOKEN_gh',
    ]);
    expect(scoped.stdout).toBe('legacy-token');
    const freed = await runCli(['--endpoint', rig.broker.url, 'secret', 'get', 'BEARER_TOKEN_gh']);
    expect(freed.code).toBe(2);
    const status = await migrate(rig, 'status');
    expect(status.stdout).toMatch(/^flag: done /);
    expect(status.stdout).toContain('SUCCEEDED');
  });

  it('leaves a key that cannot move exactly as it was, sets the flag naming it, and moves the rest', async () => {
    rig = await start();
    const long = `BEARER_TOKEN_${'x'.repeat(180)}`;
    await seedLegacy(rig, long, 'v');
    await seedLegacy(rig, 'BEARER_TOKEN_ok', 'v2');
    const run = await runCli([
      '--json',
      '--endpoint',
      rig.broker.url,
      'migrate',
      'start',
      '--local',
      '--aws-endpoint',
      rig.broker.awsUrl,
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.totals).toMatchObject({ migrated: 1, stuck: 1, failed: 0 });
    expect(report.totals.stuckKeys).toEqual([{ key: long, reason: 'name-too-long' }]);
    expect(await read(rig, long)).toBe('v');
    const status = await migrate(rig, 'status');
    expect(status.stdout).toMatch(/^flag: done /);
    expect(status.stdout).toContain(`{"key":"${long}","reason":"name-too-long"}`);
  });

  it('finishes on a re-run after the migrating process is killed with SIGKILL', async () => {
    rig = await start(5);
    const keys = Array.from({ length: 120 }, (_, i) => `OAUTH_REFRESH_TOKEN_${String(i).padStart(3, '0')}`);
    for (const key of keys) await seedLegacy(rig, key, `legacy-${key}`);
    const child = spawn(
      process.execPath,
      [BIN, 'migrate', 'start', '--local', '--aws-endpoint', rig.broker.awsUrl],
      { stdio: 'pipe', env: process.env },
    );
    // Killed once it has written its first scoped keys, in the middle of the job.
    const r = rig;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (r.broker.awsLines.filter((l) => /\.CreateSecret 200 /.test(l)).length >= 10) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    const midway = await Promise.all(keys.map((k) => read(r, `__thv_workloads_${k}`)));
    expect(midway.filter((v) => v !== undefined).length).toBeLessThan(keys.length);
    // Every value is readable under one of its names at the cut.
    for (const key of keys)
      expect((await read(r, key)) ?? (await read(r, `__thv_workloads_${key}`))).toBe(`legacy-${key}`);
    const rerun = await migrate(r, 'start');
    expect(rerun.code).toBe(0);
    for (const key of keys) {
      expect(await read(r, `__thv_workloads_${key}`)).toBe(`legacy-${key}`);
      expect(await read(r, key)).toBeUndefined();
    }
  }, 120_000);
});
