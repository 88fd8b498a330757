/** The operations that read secret values: GetSecretValue and BatchGetSecretValue. */
import { AwsError, invalidParameter, resourceNotFound } from '../errors.js';
import { type Body, type OperationContext, readInteger, readString, readStringList } from '../input.js';
import { listSecretsPage } from '../listing.js';
import { requireSecret, resolveSecret, type SecretsOperation, type SecretsService } from './service.js';
import { CURRENT, secretValue } from './versions.js';

/** The AWS error code of an error an operation reports inside its answer (a batch read's Errors). */
const errorCode = (error: Error): string => (error instanceof AwsError ? error.type : 'InternalServiceError');

/** GetSecretValue: one version of a secret's value. */
export const getSecretValue: SecretsOperation = (service, body) => {
  const secret = requireSecret(service, body);
  return secretValue(
    service.store,
    secret,
    readString(body, 'VersionId', { min: 32, max: 64 }),
    readString(body, 'VersionStage', { min: 1, max: 256 }),
  );
};

/** The current value of one secret of a batch read by id. */
function readOne(service: SecretsService, id: string, context: OperationContext): Record<string, unknown> {
  // Authorized before existence: a refused id is reported as refused, found or not.
  const refused = context.refused?.(id);
  if (refused) throw refused;
  const secret = resolveSecret(service.store, service.region, id);
  if (!secret) throw resourceNotFound();
  return secretValue(service.store, secret);
}

/** A batch read of the secrets a SecretIdList names: each one a value or an entry of Errors. */
function batchById(
  service: SecretsService,
  ids: readonly string[],
  context: OperationContext,
): Record<string, unknown> {
  const values: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  for (const id of ids) {
    try {
      values.push(readOne(service, id, context));
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      errors.push({ SecretId: id, ErrorCode: errorCode(error), Message: error.message });
    }
  }
  return { SecretValues: values, Errors: errors };
}

/** A batch read of one page of the secrets that pass Filters and have a current version. */
function batchByFilters(
  service: SecretsService,
  body: Body,
  maxResults: number | undefined,
  context: OperationContext,
): Record<string, unknown> {
  const { store } = service;
  const { page, nextToken } = listSecretsPage(store, body, maxResults ?? 20, false);
  const readable = page.filter((s) => store.versions.idForStage(s.id, CURRENT) !== undefined);
  const refusals = readable.flatMap((s) => {
    const refused = context.refused?.(s.arn);
    return refused ? [{ SecretId: s.arn, ErrorCode: errorCode(refused), Message: refused.message }] : [];
  });
  const values = readable
    .filter((s) => context.refused?.(s.arn) === undefined)
    .map((s) => secretValue(store, s));
  return {
    SecretValues: values,
    Errors: refusals,
    ...(nextToken !== undefined && { NextToken: nextToken }),
  };
}

/** BatchGetSecretValue: the current values of the secrets a SecretIdList or Filters name. */
export const batchGetSecretValue: SecretsOperation = (service, body, context) => {
  const ids = readStringList(body, 'SecretIdList', { min: 1, max: 20 });
  const hasFilters = body.Filters !== undefined && body.Filters !== null;
  const maxResults = readInteger(body, 'MaxResults', { min: 1, max: 20 });
  if ((ids === undefined) === !hasFilters) {
    throw invalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.");
  }
  if (ids === undefined) return batchByFilters(service, body, maxResults, context);
  if (maxResults !== undefined) {
    throw invalidParameter(
      "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
    );
  }
  return batchById(service, ids, context);
};
