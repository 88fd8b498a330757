/** The resource policy operations: PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy. */
import { AwsError } from '../errors.js';
import { readBoolean, readString } from '../input.js';
import { nowSeconds, requireLive, requireSecret, type SecretsOperation } from './service.js';

/** True when `text` is a JSON object, the least a policy document must be. */
function isJsonObject(text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
}

/** PutResourcePolicy: stores the policy document as given. */
export const putResourcePolicy: SecretsOperation = (service, body) => {
  const secret = requireLive(service, body);
  const policy = readString(body, 'ResourcePolicy', { required: true, min: 1, max: 20_480 });
  readBoolean(body, 'BlockPublicPolicy');
  if (!isJsonObject(policy)) {
    throw new AwsError('MalformedPolicyDocumentException', 'This resource policy contains a syntax error.');
  }
  service.store.secrets.update(secret.id, { policy, lastChangedDate: nowSeconds() });
  return { ARN: secret.arn, Name: secret.name };
};

/** GetResourcePolicy: the policy document, when the secret has one. */
export const getResourcePolicy: SecretsOperation = (service, body) => {
  const secret = requireSecret(service, body);
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.policy !== null && { ResourcePolicy: secret.policy }),
  };
};

/** DeleteResourcePolicy: removes the policy document. */
export const deleteResourcePolicy: SecretsOperation = (service, body) => {
  const secret = requireLive(service, body);
  service.store.secrets.update(secret.id, { policy: null, lastChangedDate: nowSeconds() });
  return { ARN: secret.arn, Name: secret.name };
};
