/** What the endpoint asks IAM for each call (local/iam/requests.ts), as the API reference requires. */
import { describe, expect, it } from 'vitest';
import type { SecretRow } from '../../local/aws/store.js';
import { type Lookup, secretsManagerChecks } from '../../local/iam/requests.js';

const KEY = 'arn:aws:kms:us-east-1:000000000000:key/K';
const secret: SecretRow = {
  id: 1,
  name: 'toolhive/A',
  arn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:toolhive/A-abcdef',
  description: null,
  kmsKeyId: KEY,
  tags: [{ Key: 'thv:owner', Value: 'user' }],
  policy: null,
  createdDate: 1,
  lastChangedDate: 1,
  deletedDate: null,
  purgeDate: null,
};
const lookup: Lookup = {
  region: 'us-east-1',
  keyArn: KEY,
  keyPolicy: { Version: '2012-10-17', Statement: [] },
  secret: (id) => (id === secret.name ? secret : undefined),
  versionFor: () => 'v1',
};

describe('the checks of a call', () => {
  it('CreateSecret with tags is also judged as TagResource, with the tags as request and resource tags', () => {
    // CreateSecret reference, Required permissions: tags on create also need secretsmanager:TagResource.
    const checks = secretsManagerChecks(lookup, 'CreateSecret', {
      Name: 'toolhive/B',
      Tags: [{ Key: 'thv:owner', Value: 'user' }],
    });
    expect(checks.map((c) => [c.action, c.context])).toEqual(
      ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'].map((action) => [
        action,
        {
          'aws:ResourceTag/thv:owner': 'user',
          'aws:RequestTag/thv:owner': 'user',
          'aws:TagKeys': ['thv:owner'],
          'secretsmanager:Name': 'toolhive/B',
        },
      ]),
    );
  });

  it('a value written to a secret on the stack key asks KMS for a data key, with its SecretARN', () => {
    const checks = secretsManagerChecks(lookup, 'PutSecretValue', {
      SecretId: 'toolhive/A',
      SecretString: 'x',
    });
    expect(checks[1]).toMatchObject({
      action: 'kms:GenerateDataKey',
      resource: KEY,
      context: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' },
      encryptionContext: { 'kms:EncryptionContext:SecretARN': secret.arn },
    });
  });

  it('a read decrypts the version it returns (SecretVersionId)', () => {
    const checks = secretsManagerChecks(lookup, 'GetSecretValue', { SecretId: 'toolhive/A' });
    expect(checks[1]?.encryptionContext).toEqual({
      'kms:EncryptionContext:SecretARN': secret.arn,
      'kms:EncryptionContext:SecretVersionId': 'v1',
    });
  });

  it('BatchGetSecretValue with Filters also needs ListSecrets', () => {
    // BatchGetSecretValue reference: "If you use filters, you must also have secretsmanager:ListSecrets."
    const checks = secretsManagerChecks(lookup, 'BatchGetSecretValue', { Filters: [] });
    expect(checks.map((c) => [c.action, c.resource])).toEqual([
      ['secretsmanager:BatchGetSecretValue', '*'],
      ['secretsmanager:ListSecrets', '*'],
    ]);
  });
});
