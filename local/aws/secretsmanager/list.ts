import { readBoolean, readInteger } from '../input.js';
import { listSecretsPage } from '../listing.js';
import { summary } from './describe.js';
import type { SecretsOperation } from './service.js';
import { versionsToStages } from './versions.js';

/** ListSecrets: one page of the secrets that pass Filters, each with the stages of its versions. */
export const listSecrets: SecretsOperation = ({ store }, body) => {
  const maxResults = readInteger(body, 'MaxResults', { min: 1, max: 100 });
  const includeDeleted = readBoolean(body, 'IncludePlannedDeletion') ?? false;
  const { page, nextToken } = listSecretsPage(store, body, maxResults ?? 100, includeDeleted);
  return {
    SecretList: page.map((s) => ({ ...summary(s), SecretVersionsToStages: versionsToStages(store, s) })),
    ...(nextToken !== undefined && { NextToken: nextToken }),
  };
};
