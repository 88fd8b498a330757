/**
 * The embedded endpoint authorizes every call as AWS does, with the synthesized stack's own IAM
 * (docs/design.md §6): real SDK clients over HTTP, each signing as one principal of the local account.
 * Each test quotes the AWS document it follows.
 */
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemSecretResourcePolicy } from '../../core/index.js';
import { LOCAL_MIGRATION_FLAG_PARAMETER } from '../../local/env.js';
import { outcome } from '../support/outcome.js';
import { type IamRig, STACK_KEY, scopeTags, startIamRig, USER_TAGS } from './support.js';

let rig: IamRig;
const ROLE = (name: string) => rig.principal(name).callerArn;
/** ARN of each secret the suite created: AWS names an existing secret by it in a refusal. */
const arns = new Map<string, string>();
const arnOf = (name: string): string => arns.get(name) ?? name;

beforeAll(async () => {
  rig = await startIamRig();
  const admin = rig.sm('admin');
  const create = async (Name: string, Tags: { Key: string; Value: string }[], KmsKeyId?: string) => {
    const out = await admin.send(
      new CreateSecretCommand({
        Name,
        SecretString: `value of ${Name}`,
        Tags,
        ...(KmsKeyId ? { KmsKeyId } : {}),
      }),
    );
    arns.set(Name, out.ARN ?? Name);
  };
  await create('toolhive/U1', USER_TAGS, STACK_KEY);
  await create('toolhive/U2', USER_TAGS, STACK_KEY);
  for (const scope of ['workloads', 'registry']) {
    const name = `toolhive/__thv_${scope}_S1`;
    await create(name, scopeTags(scope), STACK_KEY);
    const principals = [rig.principal(`scope-function:${scope}`).roleArn, rig.principal('migration').roleArn];
    await admin.send(
      new PutResourcePolicyCommand({
        SecretId: name,
        ResourcePolicy: JSON.stringify(systemSecretResourcePolicy(principals)),
      }),
    );
  }
  // Planted under a scope's prefix with no tag and no resource policy: only the key policy stands.
  await create('toolhive/__thv_workloads_PLANTED', [], STACK_KEY);
  await create('toolhive/__thv_workloads_PLANTED_DEFAULT_KEY', []);
});
afterAll(async () => {
  await rig.close();
});

const get = (who: string, SecretId: string) => rig.sm(who).send(new GetSecretValueCommand({ SecretId }));

/** The refusal AWS answers to `who` reading `secretId` (status 400, AccessDeniedException), ending in `reason`. */
const readDenied = (who: string, secretId: string, reason: string) => ({
  name: 'AccessDeniedException',
  status: 400,
  message: `User: ${ROLE(who)} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${arnOf(secretId)} ${reason}`,
});

describe('who the caller is', () => {
  it('acts as the principal whose key signed the request', async () => {
    // Prepare / Act
    const got = await get('user-function', 'toolhive/U1');
    // Assess
    expect(got.SecretString).toBe('value of toolhive/U1');
  });

  it('refuses a known key with a bad signature with InvalidSignatureException, status 400', async () => {
    // AWS (Common Errors): InvalidSignatureException, "The request signature we calculated does not
    // match the signature you provided. Check your AWS Secret Access Key and signing method." (400)
    const forged = rig.withKeys(rig.principal('admin').accessKeyId, 'not-the-secret');
    // Act
    const refused = await outcome(forged.send(new GetSecretValueCommand({ SecretId: 'toolhive/U1' })));
    // Assess
    expect(refused).toMatchObject({ name: 'InvalidSignatureException', status: 400 });
    expect(refused.message).toMatch(
      /^The request signature we calculated does not match the signature you provided/,
    );
  });

  it('treats a key it does not know as admin (documented), so seeding scripts keep working', async () => {
    // Act
    const got = await rig
      .withKeys('AKIAANYTHING', 'anything')
      .send(new GetSecretValueCommand({ SecretId: 'toolhive/U1' }));
    // Assess
    expect(got.SecretString).toBe('value of toolhive/U1');
  });
});

describe('identity policies', () => {
  it('user function reading a system secret: AccessDeniedException, explicit deny in an identity-based policy', async () => {
    // IAM user guide, policy evaluation logic: "An explicit deny in any of the policies overrides the allow."
    const refused = await outcome(get('user-function', 'toolhive/__thv_workloads_S1'));
    expect(refused).toEqual(
      readDenied(
        'user-function',
        'toolhive/__thv_workloads_S1',
        'with an explicit deny in an identity-based policy',
      ),
    );
  });

  it('a call no identity policy allows: "because no identity-based policy allows"', async () => {
    // IAM user guide: "An implicit denial occurs when there is no applicable Deny statement but also
    // no applicable Allow statement."
    const refused = await outcome(get('scope-function:workloads', 'toolhive/U1'));
    expect(refused).toEqual(
      readDenied(
        'scope-function:workloads',
        'toolhive/U1',
        'because no identity-based policy allows the secretsmanager:GetSecretValue action',
      ),
    );
  });
});

describe('resource policies', () => {
  it('a scope role reading another scope’s secret: AccessDeniedException, never a value', async () => {
    const refused = await outcome(get('scope-function:registry', 'toolhive/__thv_workloads_S1'));
    expect(refused.name).toBe('AccessDeniedException');
    expect(refused.message).not.toContain('value of');
  });

  it('admin reading a system secret whose resource policy excludes it: explicit deny in a resource-based policy', async () => {
    // IAM user guide: "An explicit deny in any of the policies overrides the allow." (admin allows *)
    const refused = await outcome(get('admin', 'toolhive/__thv_workloads_S1'));
    expect(refused).toEqual(
      readDenied('admin', 'toolhive/__thv_workloads_S1', 'with an explicit deny in a resource-based policy'),
    );
  });

  it('lets the scope’s own role read it', async () => {
    expect((await get('scope-function:workloads', 'toolhive/__thv_workloads_S1')).SecretString).toBe(
      'value of toolhive/__thv_workloads_S1',
    );
  });
});

describe('the KMS key policy, for calls that decrypt', () => {
  // BatchGetSecretValue reference: "If the secrets are encrypted using customer-managed keys instead of
  // the Amazon Web Services managed key aws/secretsmanager, then you also need kms:Decrypt permissions
  // for the keys." Secrets Manager decrypts with encryption context SecretARN (user guide, "Secret
  // encryption and decryption", Secrets Manager encryption context).
  it('denies decrypting a secret under a scope’s prefix on the stack key to anyone but that scope’s roles', async () => {
    // admin may do anything by its identity policy, and this secret has no resource policy: only the
    // key policy stands between it and the value.
    const refused = await outcome(get('admin', 'toolhive/__thv_workloads_PLANTED'));
    expect(refused.message).toBe(
      `Access to KMS is not allowed. User: ${ROLE('admin')} is not authorized to perform: kms:Decrypt on resource: ${STACK_KEY} with an explicit deny in a resource-based policy`,
    );
  });

  it('checks no key policy for a secret on the default key aws/secretsmanager', async () => {
    const got = await get('admin', 'toolhive/__thv_workloads_PLANTED_DEFAULT_KEY');
    expect(got.SecretString).toBe('value of toolhive/__thv_workloads_PLANTED_DEFAULT_KEY');
  });
});

describe('validation before authorization', () => {
  it('answers a request without its SecretId with the operation’s ValidationException, even to a restricted role', async () => {
    // The API reference lists ValidationException for a missing required member; a request that
    // names no resource is never judged by IAM.
    const refused = await outcome(rig.sm('user-function').send(new GetSecretValueCommand({} as never)));
    expect(refused.name).toBe('ValidationException');
  });
});

describe('authorization before existence', () => {
  // IAM user guide, aws:ResourceTag: available "when the requested resource already has attached tags
  // or in requests that create a resource with an attached tag": a missing secret has none.
  it('judges a missing secret with no tags: the tag-conditioned user role gets AccessDeniedException, not ResourceNotFoundException', async () => {
    const [read, write] = await Promise.all([
      outcome(get('user-function', 'toolhive/MISSING')),
      outcome(
        rig
          .sm('user-function')
          .send(new PutSecretValueCommand({ SecretId: 'toolhive/MISSING', SecretString: 'x' })),
      ),
    ]);
    expect([read.name, write.name]).toEqual(['AccessDeniedException', 'AccessDeniedException']);
  });

  it('still answers ResourceNotFoundException to a caller allowed on the name', async () => {
    expect((await outcome(get('admin', 'toolhive/MISSING'))).name).toBe('ResourceNotFoundException');
  });
});

describe('CreateSecret', () => {
  const create = (who: string, Name: string, Tags?: { Key: string; Value: string }[]) =>
    rig
      .sm(who)
      .send(
        new CreateSecretCommand({ Name, SecretString: 'v', KmsKeyId: STACK_KEY, ...(Tags ? { Tags } : {}) }),
      );

  it('is judged with its tags as aws:RequestTag and aws:TagKeys: the user role creates only with thv:owner=user', async () => {
    // IAM user guide, aws:RequestTag / aws:TagKeys: the tags "passed in the request".
    const [untagged, tagged] = await Promise.all([
      outcome(create('user-function', 'toolhive/NEW_UNTAGGED')),
      create('user-function', 'toolhive/NEW_TAGGED', USER_TAGS),
    ]);
    expect([untagged.name, tagged.Name]).toEqual(['AccessDeniedException', 'toolhive/NEW_TAGGED']);
  });

  it('is judged with secretsmanager:Name: a look-alike reserved name is an explicit deny', async () => {
    const refused = await outcome(create('user-function', 'toolhive/__THV_workloads_X', USER_TAGS));
    expect(refused.message).toContain(
      'secretsmanager:CreateSecret on resource: toolhive/__THV_workloads_X with an explicit deny in an identity-based policy',
    );
  });

  it('with a scope tag is refused to the user role (explicit deny on aws:TagKeys)', async () => {
    const refused = await outcome(
      create('user-function', 'toolhive/NEW_SCOPE_TAGGED', scopeTags('workloads')),
    );
    expect(refused.name).toBe('AccessDeniedException');
  });
});

describe('batch reads and listing', () => {
  it('BatchGetSecretValue authorizes each secret as the caller’s GetSecretValue and reports refusals in Errors, never a value', async () => {
    // BatchGetSecretValue reference, Required permissions: "secretsmanager:BatchGetSecretValue, and you
    // must have secretsmanager:GetSecretValue for each secret."
    const out = await rig.sm('user-function').send(
      new BatchGetSecretValueCommand({
        SecretIdList: ['toolhive/U1', 'toolhive/__thv_workloads_S1', 'toolhive/MISSING'],
      }),
    );
    expect(out.SecretValues?.map((v) => v.Name)).toEqual(['toolhive/U1']);
    expect(out.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([
      ['toolhive/__thv_workloads_S1', 'AccessDeniedException'],
      ['toolhive/MISSING', 'AccessDeniedException'],
    ]);
    expect(JSON.stringify(out.Errors)).not.toContain('value of');
  });

  it('BatchGetSecretValue and ListSecrets need the action on Resource "*": the developer’s guard denies both', async () => {
    const developer = rig.sm('developer');
    const [batch, list] = await Promise.all([
      outcome(developer.send(new BatchGetSecretValueCommand({ SecretIdList: ['toolhive/U1'] }))),
      outcome(developer.send(new ListSecretsCommand({}))),
    ]);
    expect([batch.message, list.message]).toEqual([
      `User: ${ROLE('developer')} is not authorized to perform: secretsmanager:BatchGetSecretValue on resource: * with an explicit deny in an identity-based policy`,
      `User: ${ROLE('developer')} is not authorized to perform: secretsmanager:ListSecrets on resource: * with an explicit deny in an identity-based policy`,
    ]);
  });
});

describe('tagging', () => {
  it('refuses an UntagResource that would remove the caller’s own permission on the secret', async () => {
    // UntagResource reference: "If successfully completing this operation would result in you losing
    // your permissions for this secret, then the operation is blocked and returns an Access Denied error."
    const refused = await outcome(
      rig.sm('developer').send(new UntagResourceCommand({ SecretId: 'toolhive/U2', TagKeys: ['thv:owner'] })),
    );
    expect(refused.name).toBe('AccessDeniedException');
  });

  it('allows a TagResource that leaves the permission in place', async () => {
    await rig
      .sm('developer')
      .send(new TagResourceCommand({ SecretId: 'toolhive/U1', Tags: [{ Key: 'team', Value: 'a' }] }));
    expect((await get('developer', 'toolhive/U1')).SecretString).toBe('value of toolhive/U1');
  });
});

describe('SSM, the migration flag', () => {
  const flag = LOCAL_MIGRATION_FLAG_PARAMETER;
  it('lets the migration role write the flag and the user role only read it', async () => {
    // IAM: ssm:PutParameter / ssm:GetParameter on the parameter's ARN.
    await rig
      .ssm('migration')
      .send(new PutParameterCommand({ Name: flag, Value: 'done', Type: 'String', Overwrite: true }));
    const read = await rig.ssm('user-function').send(new GetParameterCommand({ Name: flag }));
    const write = await outcome(
      rig
        .ssm('user-function')
        .send(new PutParameterCommand({ Name: flag, Value: 'x', Type: 'String', Overwrite: true })),
    );
    expect([read.Parameter?.Value, write.name]).toEqual(['done', 'AccessDeniedException']);
  });
});
