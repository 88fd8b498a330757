/**
 * A platform engineer's view: `thv-broker local credentials <principal>` in a shell, then the AWS
 * CLI against the enforcing endpoint gets exactly the decisions the synthesized IAM gives.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateSecretCommand, PutResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemSecretResourcePolicy } from '../../core/index.js';
import { runCli } from '../support/cli.js';
import { type IamRig, STACK_KEY, scopeTags, startIamRig, USER_TAGS } from './support.js';

const exec = promisify(execFile);
const hasAwsCli = await exec('aws', ['--version']).then(
  () => true,
  () => false,
);
if (!hasAwsCli) console.log('aws-cli.test.ts: the AWS CLI (aws) is not installed; its cells are skipped');

let rig: IamRig;
const port = (): string => new URL(rig.endpoint.url).port;

beforeAll(async () => {
  rig = await startIamRig();
  const admin = rig.sm('admin');
  await admin.send(
    new CreateSecretCommand({
      Name: 'toolhive/__thv_workloads_CLI',
      SecretString: 'v',
      Tags: scopeTags('workloads'),
      KmsKeyId: STACK_KEY,
    }),
  );
  const principals = [rig.principal('scope-function:workloads').roleArn, rig.principal('migration').roleArn];
  await admin.send(
    new PutResourcePolicyCommand({
      SecretId: 'toolhive/__thv_workloads_CLI',
      ResourcePolicy: JSON.stringify(systemSecretResourcePolicy(principals)),
    }),
  );
  await admin.send(
    new CreateSecretCommand({
      Name: 'toolhive/CLI_USER',
      SecretString: 'u',
      Tags: USER_TAGS,
      KmsKeyId: STACK_KEY,
    }),
  );
});
afterAll(async () => {
  await rig.close();
});

/** The environment `eval "$(thv-broker local credentials <principal>)"` leaves. */
async function shellEnvOf(principal: string): Promise<Record<string, string>> {
  const run = await runCli(['local', 'credentials', principal], { env: { BROKER_AWS_PORT: port() } });
  expect(run.code).toBe(0);
  const { stdout } = await exec('bash', ['-c', `${run.stdout}\nenv -0`], {
    env: { PATH: process.env.PATH ?? '' },
  });
  return Object.fromEntries(
    stdout
      .split('\0')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** `aws secretsmanager get-secret-value` as `principal`: its exit code and stderr. */
async function awsGet(principal: string, secretId: string): Promise<{ ok: boolean; text: string }> {
  const env = await shellEnvOf(principal);
  try {
    const { stdout } = await exec(
      'aws',
      ['secretsmanager', 'get-secret-value', '--secret-id', secretId, '--endpoint-url', rig.endpoint.url],
      { env: { ...env, HOME: process.env.HOME ?? '/tmp' } },
    );
    return { ok: true, text: stdout };
  } catch (error) {
    return { ok: false, text: String((error as { stderr?: string }).stderr) };
  }
}

describe.skipIf(!hasAwsCli)('the AWS CLI with thv-broker local credentials', () => {
  it('admin reading a system secret whose resource policy excludes it: AccessDeniedException', async () => {
    const out = await awsGet('admin', 'toolhive/__thv_workloads_CLI');
    expect(out.ok).toBe(false);
    expect(out.text).toContain('AccessDeniedException');
    expect(out.text).toContain('with an explicit deny in a resource-based policy');
  });

  it('the user function reading a system secret: AccessDeniedException; its own user secret: the value', async () => {
    const [system, own] = await Promise.all([
      awsGet('user-function', 'toolhive/__thv_workloads_CLI'),
      awsGet('user-function', 'toolhive/CLI_USER'),
    ]);
    expect([system.ok, system.text.includes('AccessDeniedException')]).toEqual([false, true]);
    expect(JSON.parse(own.text).SecretString).toBe('u');
  });

  it('the scope’s own role reads it', async () => {
    const out = await awsGet('scope-function:workloads', 'toolhive/__thv_workloads_CLI');
    expect(JSON.parse(out.text).SecretString).toBe('v');
  });
});

describe('thv-broker local credentials', () => {
  it('--list names every principal', async () => {
    const run = await runCli(['local', 'credentials', '--list']);
    const names = run.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t')[0]);
    expect(names).toEqual([
      'user-function',
      'scope-function:workloads',
      'scope-function:registry',
      'scope-function:auth',
      'scope-function:llm',
      'migration',
      'developer',
      'service:workloads',
      'service:registry',
      'service:auth',
      'service:llm',
      'admin',
    ]);
  });

  it('--json gives the pair the endpoint knows for that principal, the same on every run', async () => {
    const run = await runCli(['--json', 'local', 'credentials', 'developer']);
    const out = JSON.parse(run.stdout) as Record<string, string>;
    expect(out).toMatchObject({
      principal: 'developer',
      accessKeyId: rig.principal('developer').accessKeyId,
      secretAccessKey: rig.principal('developer').secretAccessKey,
      region: 'us-east-1',
    });
  });

  it('refuses an unknown principal with a usage error naming the known ones', async () => {
    const run = await runCli(['local', 'credentials', 'nobody']);
    expect([run.code, run.stderr.includes('one of user-function')]).toEqual([1, true]);
  });
});
