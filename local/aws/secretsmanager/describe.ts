/** DescribeSecret, and the secret summary it shares with ListSecrets. */
import type { SecretRow } from '../store.js';
import { requireSecret, type SecretsOperation } from './service.js';
import { versionsToStages } from './versions.js';

/** A secret's metadata as DescribeSecret and ListSecrets answer it (absent fields left out). */
export const summary = (secret: SecretRow): Record<string, unknown> => ({
  ARN: secret.arn,
  Name: secret.name,
  ...(secret.description !== null && { Description: secret.description }),
  ...(secret.kmsKeyId !== null && { KmsKeyId: secret.kmsKeyId }),
  LastChangedDate: secret.lastChangedDate,
  ...(secret.deletedDate !== null && { DeletedDate: secret.deletedDate }),
  ...(secret.tags.length > 0 && { Tags: secret.tags }),
  CreatedDate: secret.createdDate,
});

/** DescribeSecret: a secret's metadata and the stages of its versions, even while scheduled for deletion. */
export const describeSecret: SecretsOperation = (service, body) => {
  const secret = requireSecret(service, body);
  return { ...summary(secret), VersionIdsToStages: versionsToStages(service.store, secret) };
};
