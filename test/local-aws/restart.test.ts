import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEndpoint, startAwsEndpoint } from '../../local/aws/endpoint.js';
import { secretsManagerClient, ssmClient } from '../support/endpoints.js';

describe('local AWS endpoint restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-aws-restart-'));
  let restarted: AwsEndpoint;
  let arn: string;
  let stagesBefore: Record<string, string[]>;

  beforeAll(async () => {
    // Prepare: write through one endpoint instance, close it, open a new one on the same dir.
    const first = await startAwsEndpoint({ dataDir, iam: { env: {} } });
    const sm = secretsManagerClient(first.url);
    arn = (await sm.send(new CreateSecretCommand({ Name: 'restart/kept', SecretString: 'v1' }))).ARN ?? '';
    await sm.send(new PutSecretValueCommand({ SecretId: 'restart/kept', SecretString: 'v2' }));
    stagesBefore =
      (await sm.send(new DescribeSecretCommand({ SecretId: 'restart/kept' }))).VersionIdsToStages ?? {};
    await sm.send(new CreateSecretCommand({ Name: 'restart/doomed', SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'restart/doomed', RecoveryWindowInDays: 7 }));
    await ssmClient(first.url).send(
      new PutParameterCommand({ Name: '/restart/flag', Value: 'done', Type: 'String' }),
    );
    sm.destroy();
    await first.close();
    restarted = await startAwsEndpoint({ dataDir, iam: { env: {} } });
  });

  afterAll(async () => {
    await restarted?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the current value and the ARN', async () => {
    const out = await secretsManagerClient(restarted.url).send(
      new GetSecretValueCommand({ SecretId: 'restart/kept' }),
    );

    expect(out.SecretString).toBe('v2');
    expect(out.ARN).toBe(arn);
  });

  it('keeps the versions and their stages', async () => {
    const out = await secretsManagerClient(restarted.url).send(
      new DescribeSecretCommand({ SecretId: 'restart/kept' }),
    );

    expect(out.VersionIdsToStages).toEqual(stagesBefore);
  });

  it('keeps a scheduled deletion', async () => {
    const out = await secretsManagerClient(restarted.url).send(
      new DescribeSecretCommand({ SecretId: 'restart/doomed' }),
    );

    expect(out.DeletedDate).toBeInstanceOf(Date);
  });

  it('keeps SSM parameters', async () => {
    const out = await ssmClient(restarted.url).send(new GetParameterCommand({ Name: '/restart/flag' }));

    expect(out.Parameter?.Value).toBe('done');
  });
});
