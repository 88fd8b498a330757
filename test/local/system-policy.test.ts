/** `npm start` gives system secrets the deny-all-but resource policy, as a deployed scope function does. */
import { DescribeSecretCommand, GetResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../local/aws/store.js';
import { localScopeRoleArn } from '../../local/gateway/api-server.js';
import { put } from '../support/api.js';
import { secretsManagerClient } from '../support/endpoints.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.close();
});

describe('system secrets written through npm start', () => {
  it('carry a resource policy that lets only their own scope’s role and the migration’s in', async () => {
    // Prepare: under IAM nobody the stack makes may read the policy back (no role has
    // GetResourcePolicy on system secrets), so it is read from the store itself.
    const role = (name: string) => broker.principals?.find((p) => p.name === name);
    // Act
    await put(broker.url, '/v1/scopes/registry/secrets/POLICY_CHECK', 'v');
    const store = SqliteStore.open(broker.dataDir);
    const policy = store.secrets.byName('toolhive/__thv_registry_POLICY_CHECK')?.policy;
    store.close();
    const out = { ResourcePolicy: policy ?? undefined };
    // Assess: the synthesized stack's role ARNs, as the deployed function writes them.
    const statement = JSON.parse(out.ResourcePolicy ?? '{}').Statement?.[0];
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Condition: {
        ArnNotEquals: {
          'aws:PrincipalArn': [role('scope-function:registry')?.roleArn, role('migration')?.roleArn],
        },
      },
    });
  });

  it('name the local stand-in role when IAM is off (BROKER_IAM=off)', async () => {
    // Prepare
    const off = await startTestBroker({ iam: false });
    const client = secretsManagerClient(off.awsUrl);
    // Act
    await put(off.url, '/v1/scopes/registry/secrets/POLICY_CHECK', 'v');
    const out = await client.send(
      new GetResourcePolicyCommand({ SecretId: 'toolhive/__thv_registry_POLICY_CHECK' }),
    );
    client.destroy();
    await off.close();
    // Assess
    const statement = JSON.parse(out.ResourcePolicy ?? '{}').Statement?.[0];
    expect(statement).toMatchObject({
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [localScopeRoleArn('registry')] } },
    });
  });

  it('are tagged with their scope', async () => {
    // Prepare: the scope's own role may describe it (admin is excluded by its resource policy).
    const client = broker.clientAs('scope-function:llm');
    // Act
    await put(broker.url, '/v1/scopes/llm/secrets/TAG_CHECK', 'v');
    const out = await client.send(new DescribeSecretCommand({ SecretId: 'toolhive/__thv_llm_TAG_CHECK' }));
    // Assess
    expect(out.Tags).toEqual([{ Key: 'thv:scope', Value: 'llm' }]);
  });

  it('leave user secrets without a resource policy, tagged as the user’s', async () => {
    // Prepare
    const client = secretsManagerClient(broker.awsUrl);
    // Act
    await put(broker.url, '/v1/secrets/USER_TAG_CHECK', 'v');
    const [policy, described] = await Promise.all([
      client.send(new GetResourcePolicyCommand({ SecretId: 'toolhive/USER_TAG_CHECK' })),
      client.send(new DescribeSecretCommand({ SecretId: 'toolhive/USER_TAG_CHECK' })),
    ]);
    // Assess
    expect([policy.ResourcePolicy, described.Tags]).toEqual([
      undefined,
      [{ Key: 'thv:owner', Value: 'user' }],
    ]);
  });
});
