/** `npm start` gives system secrets the deny-all-but resource policy, as a deployed scope function does. */
import { DescribeSecretCommand, GetResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localScopeRoleArn } from '../../local/api-server.js';
import { secretsManagerClient } from '../support/endpoints.js';
import { startTestBroker, type TestBroker } from './broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.dispose();
});

describe('system secrets written through npm start', () => {
  it('carry a resource policy that lets only their own scope role in', async () => {
    // Prepare
    const client = secretsManagerClient(broker.awsUrl);
    // Act
    await broker.call('PUT', '/v1/scopes/registry/secrets/POLICY_CHECK', { json: { value: 'v' } });
    const out = await client.send(
      new GetResourcePolicyCommand({ SecretId: 'toolhive/__thv_registry_POLICY_CHECK' }),
    );
    // Assess
    const statement = JSON.parse(out.ResourcePolicy ?? '{}').Statement?.[0];
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [localScopeRoleArn('registry')] } },
    });
  });

  it('are tagged with their scope', async () => {
    // Prepare
    const client = secretsManagerClient(broker.awsUrl);
    // Act
    await broker.call('PUT', '/v1/scopes/llm/secrets/TAG_CHECK', { json: { value: 'v' } });
    const out = await client.send(new DescribeSecretCommand({ SecretId: 'toolhive/__thv_llm_TAG_CHECK' }));
    // Assess
    expect(out.Tags).toEqual([{ Key: 'thv:scope', Value: 'llm' }]);
  });

  it('leave user secrets without a resource policy, tagged as the user’s', async () => {
    // Prepare
    const client = secretsManagerClient(broker.awsUrl);
    // Act
    await broker.call('PUT', '/v1/secrets/USER_TAG_CHECK', { json: { value: 'v' } });
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
