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

// The embedded ListSecrets answers name, tag-key and tag-value filters from indexes, so a match among
// many other secrets is found in one call. The other filters (description, all) are checked row by
// row: like AWS, one call then looks at a bounded number of secrets (1,000 here) and a page may come
// back short, even empty, while a NextToken says more remain. Callers must follow the token.
describe('local AWS ListSecrets scan budget', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-aws-list-'));
  let endpoint: AwsEndpoint;
  let sm: SecretsManagerClient;

  beforeAll(async () => {
    // The stack's IAM enforced, as under npm start: these suites sign as admin (a key it does not know).
    endpoint = await startAwsEndpoint({ dataDir, iam: { env: {} } });
    sm = secretsManagerClient(endpoint.url);
    for (let i = 0; i < 1_050; i += 1) {
      await sm.send(
        new CreateSecretCommand({
          Name: `noise/${i}`,
          SecretString: 'n',
          Tags: [{ Key: 'thv:scope', Value: 'workloads' }],
        }),
      );
    }
    await sm.send(
      new CreateSecretCommand({
        Name: 'wanted/late',
        SecretString: 'w',
        Description: 'wanted one',
        Tags: [{ Key: 'thv:owner', Value: 'user' }],
      }),
    );
  });

  afterAll(async () => {
    sm?.destroy();
    await endpoint?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const byDescription = [{ Key: 'description' as const, Values: ['wanted'] }];

  it('returns an empty page with a NextToken when the budget runs out before a match', async () => {
    const out = await sm.send(new ListSecretsCommand({ Filters: byDescription }));

    expect(out.SecretList).toEqual([]);
    expect(out.NextToken).toBeDefined();
  });

  it('finds the match on a later page by following the NextToken', async () => {
    const first = await sm.send(new ListSecretsCommand({ Filters: byDescription }));

    const second = await sm.send(
      new ListSecretsCommand({ Filters: byDescription, NextToken: first.NextToken }),
    );

    expect(second.SecretList?.map((s) => s.Name)).toEqual(['wanted/late']);
    expect(second.NextToken).toBeUndefined();
  });

  it('finds a name-prefix match behind the budget in one call', async () => {
    const out = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['wanted/'] }] }));

    expect(out.SecretList?.map((s) => s.Name)).toEqual(['wanted/late']);
    expect(out.NextToken).toBeUndefined();
  });

  it('finds a tag match behind the budget in one call', async () => {
    const out = await sm.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'tag-key', Values: ['thv:owner'] },
          { Key: 'tag-value', Values: ['user'] },
        ],
      }),
    );

    expect(out.SecretList?.map((s) => s.Name)).toEqual(['wanted/late']);
    expect(out.NextToken).toBeUndefined();
  });

  it('finds a negated tag match behind the budget in one call', async () => {
    const out = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: 'tag-value', Values: ['!workloads'] }] }),
    );

    expect(out.SecretList?.map((s) => s.Name)).toEqual(['wanted/late']);
    expect(out.NextToken).toBeUndefined();
  });

  it('keeps a full page of index matches to MaxResults and follows with a token', async () => {
    const out = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['noise/'] }], MaxResults: 100 }),
    );

    expect(out.SecretList).toHaveLength(100);
    expect(out.NextToken).toBeDefined();
  });
});
