/** The operations that write a secret's value: CreateSecret, PutSecretValue, UpdateSecret. */
import { newSecretArn, validateSecretName } from '../arn.js';
import { invalidParameter, invalidRequest, resourceExists } from '../errors.js';
import { type Body, readString, readStringList } from '../input.js';
import type { SecretRow, SqliteStore, Tag } from '../store.js';
import { readSecretValue, readTags, readToken, type SecretValueInput } from './fields.js';
import { nowSeconds, requireLive, type SecretsOperation } from './service.js';
import { CURRENT, writeVersion } from './versions.js';

const SCHEDULED_NAME =
  "You can't create this secret because a secret with this name is already scheduled for deletion.";

/** What a CreateSecret request asks for. */
interface CreateInput {
  readonly name: string;
  readonly token: string | undefined;
  readonly description: string | undefined;
  readonly kmsKeyId: string | undefined;
  readonly tags: Tag[];
  readonly value: SecretValueInput | undefined;
}

function readCreateInput(body: Body): CreateInput {
  const name = readString(body, 'Name', { required: true });
  validateSecretName(name);
  return {
    name,
    token: readToken(body),
    description: readString(body, 'Description', { max: 2048 }),
    kmsKeyId: readString(body, 'KmsKeyId', { max: 2048 }),
    tags: readTags(body, 'Tags') ?? [],
    value: readSecretValue(body),
  };
}

/** The answer of a write that may carry a value: that value stored as the current version, if any. */
function storeCurrentValue(
  store: SqliteStore,
  secret: SecretRow,
  value: SecretValueInput | undefined,
  token: string | undefined,
  now: number,
): Record<string, unknown> {
  if (!value) return { ARN: secret.arn, Name: secret.name };
  const { versionId } = writeVersion(store, secret, value, token, [CURRENT], now);
  return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
}

/** CreateSecret of a name that is taken: only a retry of the create that made it succeeds. */
function createOverExisting(
  store: SqliteStore,
  existing: SecretRow,
  input: CreateInput,
  now: number,
): Record<string, unknown> {
  if (existing.deletedDate !== null) throw invalidRequest(SCHEDULED_NAME);
  const { token, value } = input;
  // Same token again: a retry of the create that succeeded, unless the value differs.
  if (token !== undefined && value !== undefined && store.versions.get(existing.id, token)) {
    return storeCurrentValue(store, existing, value, token, now);
  }
  throw resourceExists(`The operation failed because the secret ${input.name} already exists.`);
}

/** CreateSecret: a new secret, with its first version when the request carries a value. */
export const createSecret: SecretsOperation = ({ store, region, held }, body) => {
  const input = readCreateInput(body);
  const now = nowSeconds();
  const existing = store.secrets.byName(input.name);
  if (existing) return createOverExisting(store, existing, input, now);
  // A name force-deleted a moment ago is still taken while AWS's background deletion runs.
  if (held?.refuseCreate(input.name)) throw invalidRequest(SCHEDULED_NAME);
  const secret = store.secrets.insert({
    name: input.name,
    arn: newSecretArn(region, input.name),
    description: input.description ?? null,
    kmsKeyId: input.kmsKeyId ?? null,
    tags: input.tags,
    now,
  });
  return storeCurrentValue(store, secret, input.value, input.token, now);
};

/** PutSecretValue: a new version with the stages asked for (AWSCURRENT by default). */
export const putSecretValue: SecretsOperation = (service, body) => {
  const secret = requireLive(service, body);
  const token = readToken(body);
  const value = readSecretValue(body);
  if (!value) throw invalidParameter('You must provide either SecretString or SecretBinary.');
  const stages = readStringList(body, 'VersionStages', { min: 1, max: 20 }) ?? [CURRENT];
  const written = writeVersion(service.store, secret, value, token, stages, nowSeconds());
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: written.versionId,
    VersionStages: written.stages,
  };
};

/** UpdateSecret: new metadata, and a new current version when the request carries a value. */
export const updateSecret: SecretsOperation = (service, body) => {
  const secret = requireLive(service, body);
  const token = readToken(body);
  const description = readString(body, 'Description', { max: 2048 });
  const kmsKeyId = readString(body, 'KmsKeyId', { max: 2048 });
  const value = readSecretValue(body);
  const now = nowSeconds();
  service.store.secrets.update(secret.id, {
    ...(description !== undefined && { description }),
    ...(kmsKeyId !== undefined && { kmsKeyId }),
    lastChangedDate: now,
  });
  return storeCurrentValue(service.store, secret, value, token, now);
};
