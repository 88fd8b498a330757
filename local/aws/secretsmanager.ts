/**
 * The Secrets Manager operations the embedded endpoint serves, by operation name. Each one lives in
 * secretsmanager/ with the operations it shares its rules with; this file only binds them to a store.
 */
import type { HeldNames } from './deletion-lag.js';
import type { Operation } from './input.js';
import { deleteSecret, restoreSecret } from './secretsmanager/delete.js';
import { describeSecret } from './secretsmanager/describe.js';
import { listSecrets } from './secretsmanager/list.js';
import { deleteResourcePolicy, getResourcePolicy, putResourcePolicy } from './secretsmanager/policy.js';
import { batchGetSecretValue, getSecretValue } from './secretsmanager/read.js';
import type { SecretsOperation, SecretsService } from './secretsmanager/service.js';
import { tagResource, untagResource } from './secretsmanager/tags.js';
import { createSecret, putSecretValue, updateSecret } from './secretsmanager/write.js';
import type { SqliteStore } from './store.js';

const OPERATIONS: Readonly<Record<string, SecretsOperation>> = {
  CreateSecret: createSecret,
  GetSecretValue: getSecretValue,
  PutSecretValue: putSecretValue,
  UpdateSecret: updateSecret,
  DescribeSecret: describeSecret,
  DeleteSecret: deleteSecret,
  RestoreSecret: restoreSecret,
  ListSecrets: listSecrets,
  BatchGetSecretValue: batchGetSecretValue,
  TagResource: tagResource,
  UntagResource: untagResource,
  PutResourcePolicy: putResourcePolicy,
  GetResourcePolicy: getResourcePolicy,
  DeleteResourcePolicy: deleteResourcePolicy,
};

/** The Secrets Manager operations over a store, keyed by operation name (`CreateSecret`, ...). */
export function secretsManagerOperations(
  store: SqliteStore,
  region: string,
  held?: HeldNames,
): Record<string, Operation> {
  const service: SecretsService = { store, region, held };
  return Object.fromEntries(
    Object.entries(OPERATIONS).map(([name, operation]): [string, Operation] => [
      name,
      (body, context = {}) => operation(service, body, context),
    ]),
  );
}
