/** DeleteSecret and RestoreSecret: scheduling a secret's deletion, forcing it, and undoing it. */
import { invalidParameter, invalidRequest, resourceNotFound } from '../errors.js';
import { type Body, readBoolean, readInteger } from '../input.js';
import { nowSeconds, readSecretId, requireSecret, resolveSecret, type SecretsOperation } from './service.js';

const DAY_SECONDS = 86_400;

/** What a DeleteSecret request asks for. */
interface DeleteInput {
  readonly secretId: string;
  readonly force: boolean;
  /** RecoveryWindowInDays, between 7 and 30 when given. */
  readonly window: number | undefined;
}

function readDeleteInput(body: Body): DeleteInput {
  const secretId = readSecretId(body);
  const force = readBoolean(body, 'ForceDeleteWithoutRecovery') ?? false;
  const window = readInteger(body, 'RecoveryWindowInDays');
  if (force && window !== undefined) {
    throw invalidParameter(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  if (window !== undefined && (window < 7 || window > 30)) {
    throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
  }
  return { secretId, force, window };
}

/** DeleteSecret: removes the secret at once when forced, else schedules it after its recovery window. */
export const deleteSecret: SecretsOperation = ({ store, region, held }, body) => {
  const { secretId, force, window } = readDeleteInput(body);
  const now = nowSeconds();
  const secret = resolveSecret(store, region, secretId);
  if (!secret) {
    // AWS: forcibly deleting a missing secret is not an error (deletes are retried blindly).
    if (force) return { Name: secretId, DeletionDate: now };
    throw resourceNotFound();
  }
  if (force) {
    store.secrets.delete(secret.id);
    held?.hold(secret.name);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: now };
  }
  if (secret.deletedDate !== null) {
    throw invalidRequest("You tried to perform the operation on a secret that's currently marked deleted.");
  }
  // DeletedDate is when the deletion happened ("the date and time the deletion of the secret
  // occurred", ListSecrets' SecretListEntry); the end of the recovery window is DeletionDate.
  const deletionDate = now + (window ?? 30) * DAY_SECONDS;
  store.secrets.update(secret.id, { deletedDate: now, purgeDate: deletionDate });
  return { ARN: secret.arn, Name: secret.name, DeletionDate: deletionDate };
};

/** RestoreSecret: cancels a scheduled deletion. */
export const restoreSecret: SecretsOperation = (service, body) => {
  const secret = requireSecret(service, body);
  service.store.secrets.update(secret.id, {
    deletedDate: null,
    purgeDate: null,
    lastChangedDate: nowSeconds(),
  });
  return { ARN: secret.arn, Name: secret.name };
};
