import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  ListSecretsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEndpoint, startAwsEndpoint } from '../../local/aws/endpoint.js';
import { secretsManagerClient } from '../support/endpoints.js';

// Like AWS, one ListSecrets call looks at a bounded number of secrets (1,000 here): a page may come
// back short, even empty, while a NextToken says more remain. Callers must follow the token.
describe('local AWS ListSecrets scan budget', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-aws-list-'));
  let endpoint: AwsEndpoint;
  let sm: SecretsManagerClient;

  beforeAll(async () => {
    endpoint = await startAwsEndpoint({ dataDir });
    sm = secretsManagerClient(endpoint.url);
    for (let i = 0; i < 1_050; i += 1) {
      await sm.send(new CreateSecretCommand({ Name: `noise/${i}`, SecretString: 'n' }));
    }
    await sm.send(new CreateSecretCommand({ Name: 'wanted/late', SecretString: 'w' }));
  });

  afterAll(async () => {
    sm?.destroy();
    await endpoint?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('returns an empty page with a NextToken when the budget runs out before a match', async () => {
    const out = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['wanted/'] }] }));

    expect(out.SecretList).toEqual([]);
    expect(out.NextToken).toBeDefined();
  });

  it('finds the match on a later page by following the NextToken', async () => {
    const first = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['wanted/'] }] }));

    const second = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['wanted/'] }], NextToken: first.NextToken }),
    );

    expect(second.SecretList?.map((s) => s.Name)).toEqual(['wanted/late']);
    expect(second.NextToken).toBeUndefined();
  });
});
