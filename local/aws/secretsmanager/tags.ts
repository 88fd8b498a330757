/** TagResource and UntagResource. */
import { validationError } from '../errors.js';
import { readStringList } from '../input.js';
import { readTags } from './fields.js';
import { nowSeconds, requireLive, type SecretsOperation } from './service.js';

/** TagResource: adds tags, replacing the value of a key the secret already has. */
export const tagResource: SecretsOperation = (service, body) => {
  const secret = requireLive(service, body);
  const tags = readTags(body, 'Tags');
  if (!tags)
    throw validationError("Value null at 'tags' failed to satisfy constraint: Member must not be null");
  const merged = new Map(secret.tags.map((t) => [t.Key, t]));
  for (const t of tags) merged.set(t.Key, t);
  service.store.secrets.update(secret.id, { tags: [...merged.values()], lastChangedDate: nowSeconds() });
  return {};
};

/** UntagResource: removes the tags with the given keys. */
export const untagResource: SecretsOperation = (service, body) => {
  const secret = requireLive(service, body);
  const keys = new Set(readStringList(body, 'TagKeys', { required: true }));
  service.store.secrets.update(secret.id, {
    tags: secret.tags.filter((t) => !keys.has(t.Key)),
    lastChangedDate: nowSeconds(),
  });
  return {};
};
