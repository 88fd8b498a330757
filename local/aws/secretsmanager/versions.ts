import { randomUUID } from 'node:crypto';
import { invalidRequest, resourceExists, resourceNotFound } from '../errors.js';
import type { SecretRow, SqliteStore, VersionRow } from '../store.js';
import type { SecretValueInput } from './fields.js';
import { MARKED_FOR_DELETION } from './service.js';

/** The stage of the version a read without VersionId or VersionStage returns. */
export const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
// AWS keeps about this many versions; older ones without a stage are deprecated and dropped.
const MAX_VERSIONS = 100;

/** The stages one version of a secret carries. */
const stagesOf = (store: SqliteStore, secret: SecretRow, versionId: string): string[] =>
  store.versions.stagesByVersion(secret.id).get(versionId) ?? [];

/** Every version of a secret that carries a stage, with its stages (VersionIdsToStages). */
export const versionsToStages = (store: SqliteStore, secret: SecretRow): Record<string, string[]> =>
  Object.fromEntries(store.versions.stagesByVersion(secret.id));

/** A version written: its id and the stages it carries, sorted. */
export interface WrittenVersion {
  readonly versionId: string;
  readonly stages: string[];
}

/**
 * A write whose ClientRequestToken already names a version is a retry: same value → that version,
 * unchanged; different value → ResourceExistsException.
 */
function retriedWrite(
  store: SqliteStore,
  secret: SecretRow,
  existing: VersionRow,
  value: SecretValueInput,
): WrittenVersion {
  const { versionId } = existing;
  if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary) {
    return { versionId, stages: stagesOf(store, secret, versionId) };
  }
  throw resourceExists(
    `You can't use ClientRequestToken ${versionId} because that value is already in use for a version of secret ${secret.arn}.`,
  );
}

/**
 * Puts `stages` on a new version, in the order asked. Taking AWSCURRENT moves AWSPREVIOUS to the
 * version that had it, at that point in the order (a later AWSPREVIOUS in the list overrides it).
 */
function attachStages(
  store: SqliteStore,
  secretId: number,
  versionId: string,
  stages: readonly string[],
  current: string | undefined,
): void {
  let holder = current;
  for (const stage of stages) {
    if (stage === CURRENT) {
      if (holder !== undefined && holder !== versionId) store.versions.setStage(secretId, PREVIOUS, holder);
      holder = versionId;
    }
    store.versions.setStage(secretId, stage, versionId);
  }
}

/** Stores a value as a new version of a secret with the stages asked for (a retry: see retriedWrite). */
export function writeVersion(
  store: SqliteStore,
  secret: SecretRow,
  value: SecretValueInput,
  token: string | undefined,
  requestedStages: readonly string[],
  now: number,
): WrittenVersion {
  const versionId = token ?? randomUUID();
  const existing = store.versions.get(secret.id, versionId);
  if (existing) return retriedWrite(store, secret, existing, value);
  const current = store.versions.idForStage(secret.id, CURRENT);
  // The first version of a secret is current whatever stages were asked for.
  const stages =
    current === undefined && !requestedStages.includes(CURRENT)
      ? [...requestedStages, CURRENT]
      : requestedStages;
  store.versions.insert({ secretId: secret.id, versionId, ...value, now });
  attachStages(store, secret.id, versionId, stages, current);
  store.versions.prune(secret.id, MAX_VERSIONS);
  store.secrets.update(secret.id, { lastChangedDate: now });
  return { versionId, stages: [...stages].sort() };
}

/** The version a VersionId names, which must carry `versionStage` when one is given too. */
function versionById(
  store: SqliteStore,
  secret: SecretRow,
  versionId: string,
  versionStage: string | undefined,
): VersionRow {
  const version = store.versions.get(secret.id, versionId);
  if (!version) {
    throw resourceNotFound(
      `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
    );
  }
  if (versionStage !== undefined && store.versions.idForStage(secret.id, versionStage) !== versionId) {
    throw invalidRequest('You provided a VersionStage that is not associated to the provided VersionId.');
  }
  return version;
}

/** The version that carries a stage. */
function versionByStage(store: SqliteStore, secret: SecretRow, stage: string): VersionRow {
  const id = store.versions.idForStage(secret.id, stage);
  if (id === undefined) {
    throw resourceNotFound(
      `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
    );
  }
  // A stage always names a stored version (foreign key), so this read finds it.
  const version = store.versions.get(secret.id, id);
  if (!version) throw new Error('staged version missing');
  return version;
}

/**
 * A secret's value as GetSecretValue answers it: the version named by id, else by stage, else the
 * current one. A secret scheduled for deletion has no readable value.
 */
export function secretValue(
  store: SqliteStore,
  secret: SecretRow,
  versionId?: string,
  versionStage?: string,
): Record<string, unknown> {
  if (secret.deletedDate !== null) throw invalidRequest(MARKED_FOR_DELETION);
  const version =
    versionId !== undefined
      ? versionById(store, secret, versionId, versionStage)
      : versionByStage(store, secret, versionStage ?? CURRENT);
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    ...(version.secretString !== null && { SecretString: version.secretString }),
    ...(version.secretBinary !== null && { SecretBinary: version.secretBinary }),
    VersionStages: stagesOf(store, secret, version.versionId),
    CreatedDate: version.createdDate,
  };
}
