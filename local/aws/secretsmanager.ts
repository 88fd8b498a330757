import { randomUUID } from 'node:crypto';
import { newSecretArn, parseSecretId, validateSecretName } from './arn.js';
import type { HeldNames } from './deletion-lag.js';
import {
  AwsError,
  invalidParameter,
  invalidRequest,
  resourceExists,
  resourceNotFound,
  serializationError,
  validationError,
} from './errors.js';
import {
  type Body,
  type Operation,
  readBoolean,
  readInteger,
  readObjectList,
  readString,
  readStringList,
} from './input.js';
import { listSecretsPage } from './listing.js';
import type { SecretRow, SqliteStore, Tag, VersionRow } from './store.js';

/** Secrets Manager's size limit for a secret value, in bytes. */
export const MAX_SECRET_BYTES = 65_536;

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
// AWS keeps about this many versions; older ones without a stage are deprecated and dropped.
const MAX_VERSIONS = 100;
const DAY_SECONDS = 86_400;

const MARKED_FOR_DELETION =
  "You can't perform this operation on the secret because it was marked for deletion.";

const SCHEDULED_NAME =
  "You can't create this secret because a secret with this name is already scheduled for deletion.";

/** The AWS error code of an error an operation reports inside its answer (a batch read's Errors). */
const errorCode = (error: Error): string => (error instanceof AwsError ? error.type : 'InternalServiceError');

const nowSeconds = (): number => Date.now() / 1000;

interface SecretValueInput {
  readonly secretString: string | null;
  readonly secretBinary: string | null;
}

function readSecretValue(body: Body): SecretValueInput | undefined {
  const secretString = readString(body, 'SecretString');
  const secretBinary = readString(body, 'SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) {
    throw invalidParameter(
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (secretString !== undefined) {
    if (Buffer.byteLength(secretString, 'utf8') > MAX_SECRET_BYTES) {
      throw validationError(
        `Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SECRET_BYTES}`,
      );
    }
    return { secretString, secretBinary: null };
  }
  if (secretBinary !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(secretBinary) || secretBinary.length % 4 !== 0) {
      throw serializationError("'SecretBinary' must be base64");
    }
    if (Buffer.from(secretBinary, 'base64').length > MAX_SECRET_BYTES) {
      throw validationError(
        `Value at 'secretBinary' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SECRET_BYTES}`,
      );
    }
    return { secretString: null, secretBinary };
  }
  return undefined;
}

const readToken = (body: Body): string | undefined =>
  readString(body, 'ClientRequestToken', { min: 32, max: 64 });

function readTags(body: Body, field: string): Tag[] | undefined {
  const list = readObjectList(body, field, { max: 50 });
  return list?.map((t) => ({
    Key: readString(t, 'Key', { required: true, min: 1, max: 128 }),
    Value: readString(t, 'Value', { max: 256 }) ?? '',
  }));
}

/** The secret a SecretId names (name, full ARN or partial ARN), if it exists. */
export function resolveSecret(store: SqliteStore, region: string, secretId: string): SecretRow | undefined {
  const ref = parseSecretId(secretId, region);
  if (ref.kind === 'name') return store.secrets.byName(ref.name);
  // A full ARN names one secret exactly; a partial ARN (no random suffix) names it by its name.
  return store.secrets.byArn(ref.arn) ?? (ref.tail ? store.secrets.byName(ref.tail) : undefined);
}

/** The Secrets Manager operations over a store, keyed by operation name (`CreateSecret`, ...). */
export function secretsManagerOperations(
  store: SqliteStore,
  region: string,
  held?: HeldNames,
): Record<string, Operation> {
  const resolve = (secretId: string): SecretRow | undefined => resolveSecret(store, region, secretId);

  const requireSecret = (body: Body): SecretRow => {
    const secret = resolve(readString(body, 'SecretId', { required: true, min: 1, max: 2048 }));
    if (!secret) throw resourceNotFound();
    return secret;
  };

  const requireLive = (body: Body): SecretRow => {
    const secret = requireSecret(body);
    if (secret.deletedDate !== null) throw invalidRequest(MARKED_FOR_DELETION);
    return secret;
  };

  const stagesOf = (secret: SecretRow, versionId: string): string[] =>
    store.versions.stagesByVersion(secret.id).get(versionId) ?? [];

  /**
   * Stores a value as a version. A ClientRequestToken that already names a version is a retry:
   * same value → that version, unchanged; different value → ResourceExistsException.
   */
  const writeVersion = (
    secret: SecretRow,
    value: SecretValueInput,
    token: string | undefined,
    requestedStages: readonly string[],
    now: number,
  ): { versionId: string; stages: string[] } => {
    const versionId = token ?? randomUUID();
    const existing = store.versions.get(secret.id, versionId);
    if (existing) {
      if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary) {
        return { versionId, stages: stagesOf(secret, versionId) };
      }
      throw resourceExists(
        `You can't use ClientRequestToken ${versionId} because that value is already in use for a version of secret ${secret.arn}.`,
      );
    }
    let current = store.versions.idForStage(secret.id, CURRENT);
    // The first version of a secret is current whatever stages were asked for.
    const stages =
      current === undefined && !requestedStages.includes(CURRENT)
        ? [...requestedStages, CURRENT]
        : requestedStages;
    store.versions.insert({ secretId: secret.id, versionId, ...value, now });
    for (const stage of stages) {
      if (stage === CURRENT) {
        if (current !== undefined && current !== versionId)
          store.versions.setStage(secret.id, PREVIOUS, current);
        current = versionId;
      }
      store.versions.setStage(secret.id, stage, versionId);
    }
    store.versions.prune(secret.id, MAX_VERSIONS);
    store.secrets.update(secret.id, { lastChangedDate: now });
    return { versionId, stages: [...stages].sort() };
  };

  const versionsToStages = (secret: SecretRow): Record<string, string[]> =>
    Object.fromEntries(store.versions.stagesByVersion(secret.id));

  const summary = (secret: SecretRow): Record<string, unknown> => ({
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== null && { Description: secret.description }),
    ...(secret.kmsKeyId !== null && { KmsKeyId: secret.kmsKeyId }),
    LastChangedDate: secret.lastChangedDate,
    ...(secret.deletedDate !== null && { DeletedDate: secret.deletedDate }),
    ...(secret.tags.length > 0 && { Tags: secret.tags }),
    CreatedDate: secret.createdDate,
  });

  const secretValue = (
    secret: SecretRow,
    versionId?: string,
    versionStage?: string,
  ): Record<string, unknown> => {
    if (secret.deletedDate !== null) throw invalidRequest(MARKED_FOR_DELETION);
    let version: VersionRow | undefined;
    if (versionId !== undefined) {
      version = store.versions.get(secret.id, versionId);
      if (!version) {
        throw resourceNotFound(
          `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
        );
      }
      if (versionStage !== undefined && store.versions.idForStage(secret.id, versionStage) !== versionId) {
        throw invalidRequest('You provided a VersionStage that is not associated to the provided VersionId.');
      }
    } else {
      const stage = versionStage ?? CURRENT;
      const id = store.versions.idForStage(secret.id, stage);
      if (id === undefined) {
        throw resourceNotFound(
          `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
        );
      }
      // A stage always names a stored version (foreign key), so this read finds it.
      version = store.versions.get(secret.id, id);
      if (!version) throw new Error('staged version missing');
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...(version.secretString !== null && { SecretString: version.secretString }),
      ...(version.secretBinary !== null && { SecretBinary: version.secretBinary }),
      VersionStages: stagesOf(secret, version.versionId),
      CreatedDate: version.createdDate,
    };
  };

  return {
    CreateSecret(body) {
      const name = readString(body, 'Name', { required: true });
      validateSecretName(name);
      const token = readToken(body);
      const description = readString(body, 'Description', { max: 2048 });
      const kmsKeyId = readString(body, 'KmsKeyId', { max: 2048 });
      const tags = readTags(body, 'Tags') ?? [];
      const value = readSecretValue(body);
      const now = nowSeconds();
      const existing = store.secrets.byName(name);
      // A name force-deleted a moment ago is still taken while AWS's background deletion runs.
      if ((existing && existing.deletedDate !== null) || (!existing && held?.refuseCreate(name))) {
        throw invalidRequest(SCHEDULED_NAME);
      }
      if (existing) {
        const retried =
          token !== undefined && value !== undefined ? store.versions.get(existing.id, token) : undefined;
        if (retried && value) {
          // Same token again: a retry of the create that succeeded, unless the value differs.
          const { versionId } = writeVersion(existing, value, token, [CURRENT], now);
          return { ARN: existing.arn, Name: existing.name, VersionId: versionId };
        }
        throw resourceExists(`The operation failed because the secret ${name} already exists.`);
      }
      const secret = store.secrets.insert({
        name,
        arn: newSecretArn(region, name),
        description: description ?? null,
        kmsKeyId: kmsKeyId ?? null,
        tags,
        now,
      });
      if (!value) return { ARN: secret.arn, Name: secret.name };
      const { versionId } = writeVersion(secret, value, token, [CURRENT], now);
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
    },

    GetSecretValue(body) {
      const secret = requireSecret(body);
      return secretValue(
        secret,
        readString(body, 'VersionId', { min: 32, max: 64 }),
        readString(body, 'VersionStage', { min: 1, max: 256 }),
      );
    },

    PutSecretValue(body) {
      const secret = requireLive(body);
      const token = readToken(body);
      const value = readSecretValue(body);
      if (!value) throw invalidParameter('You must provide either SecretString or SecretBinary.');
      const stages = readStringList(body, 'VersionStages', { min: 1, max: 20 }) ?? [CURRENT];
      const written = writeVersion(secret, value, token, stages, nowSeconds());
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: written.versionId,
        VersionStages: written.stages,
      };
    },

    UpdateSecret(body) {
      const secret = requireLive(body);
      const token = readToken(body);
      const description = readString(body, 'Description', { max: 2048 });
      const kmsKeyId = readString(body, 'KmsKeyId', { max: 2048 });
      const value = readSecretValue(body);
      const now = nowSeconds();
      store.secrets.update(secret.id, {
        ...(description !== undefined && { description }),
        ...(kmsKeyId !== undefined && { kmsKeyId }),
        lastChangedDate: now,
      });
      if (!value) return { ARN: secret.arn, Name: secret.name };
      const { versionId } = writeVersion(secret, value, token, [CURRENT], now);
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
    },

    DescribeSecret(body) {
      const secret = requireSecret(body);
      return { ...summary(secret), VersionIdsToStages: versionsToStages(secret) };
    },

    DeleteSecret(body) {
      const secretId = readString(body, 'SecretId', { required: true, min: 1, max: 2048 });
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
      const now = nowSeconds();
      const secret = resolve(secretId);
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
        throw invalidRequest(
          "You tried to perform the operation on a secret that's currently marked deleted.",
        );
      }
      // DeletedDate is when the deletion happened ("the date and time the deletion of the secret
      // occurred", ListSecrets' SecretListEntry); the end of the recovery window is DeletionDate.
      const deletionDate = now + (window ?? 30) * DAY_SECONDS;
      store.secrets.update(secret.id, { deletedDate: now, purgeDate: deletionDate });
      return { ARN: secret.arn, Name: secret.name, DeletionDate: deletionDate };
    },

    RestoreSecret(body) {
      const secret = requireSecret(body);
      store.secrets.update(secret.id, { deletedDate: null, purgeDate: null, lastChangedDate: nowSeconds() });
      return { ARN: secret.arn, Name: secret.name };
    },

    ListSecrets(body) {
      const maxResults = readInteger(body, 'MaxResults', { min: 1, max: 100 });
      const includeDeleted = readBoolean(body, 'IncludePlannedDeletion') ?? false;
      const { page, nextToken } = listSecretsPage(store, body, maxResults ?? 100, includeDeleted);
      return {
        SecretList: page.map((s) => ({ ...summary(s), SecretVersionsToStages: versionsToStages(s) })),
        ...(nextToken !== undefined && { NextToken: nextToken }),
      };
    },

    BatchGetSecretValue(body, context = {}) {
      const ids = readStringList(body, 'SecretIdList', { min: 1, max: 20 });
      const hasFilters = body.Filters !== undefined && body.Filters !== null;
      const maxResults = readInteger(body, 'MaxResults', { min: 1, max: 20 });
      if ((ids === undefined) === !hasFilters) {
        throw invalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.");
      }
      if (ids !== undefined) {
        if (maxResults !== undefined) {
          throw invalidParameter(
            "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
          );
        }
        const values: Record<string, unknown>[] = [];
        const errors: Record<string, unknown>[] = [];
        for (const id of ids) {
          try {
            // Authorized before existence: a refused id is reported as refused, found or not.
            const refused = context.refused?.(id);
            if (refused) throw refused;
            const secret = resolve(id);
            if (!secret) throw resourceNotFound();
            values.push(secretValue(secret));
          } catch (error) {
            if (!(error instanceof AwsError)) throw error;
            errors.push({ SecretId: id, ErrorCode: errorCode(error), Message: error.message });
          }
        }
        return { SecretValues: values, Errors: errors };
      }
      const { page, nextToken } = listSecretsPage(store, body, maxResults ?? 20, false);
      const readable = page.filter((s) => store.versions.idForStage(s.id, CURRENT) !== undefined);
      const refusals = readable.flatMap((s) => {
        const refused = context.refused?.(s.arn);
        return refused ? [{ SecretId: s.arn, ErrorCode: errorCode(refused), Message: refused.message }] : [];
      });
      const values = readable
        .filter((s) => context.refused?.(s.arn) === undefined)
        .map((s) => secretValue(s));
      return {
        SecretValues: values,
        Errors: refusals,
        ...(nextToken !== undefined && { NextToken: nextToken }),
      };
    },

    TagResource(body) {
      const secret = requireLive(body);
      const tags = readTags(body, 'Tags');
      if (!tags)
        throw validationError("Value null at 'tags' failed to satisfy constraint: Member must not be null");
      const merged = new Map(secret.tags.map((t) => [t.Key, t]));
      for (const t of tags) merged.set(t.Key, t);
      store.secrets.update(secret.id, { tags: [...merged.values()], lastChangedDate: nowSeconds() });
      return {};
    },

    UntagResource(body) {
      const secret = requireLive(body);
      const keys = new Set(readStringList(body, 'TagKeys', { required: true }));
      store.secrets.update(secret.id, {
        tags: secret.tags.filter((t) => !keys.has(t.Key)),
        lastChangedDate: nowSeconds(),
      });
      return {};
    },

    PutResourcePolicy(body) {
      const secret = requireLive(body);
      const policy = readString(body, 'ResourcePolicy', { required: true, min: 1, max: 20_480 });
      readBoolean(body, 'BlockPublicPolicy');
      let parsed: unknown;
      try {
        parsed = JSON.parse(policy);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new AwsError(
          'MalformedPolicyDocumentException',
          'This resource policy contains a syntax error.',
        );
      }
      store.secrets.update(secret.id, { policy, lastChangedDate: nowSeconds() });
      return { ARN: secret.arn, Name: secret.name };
    },

    GetResourcePolicy(body) {
      const secret = requireSecret(body);
      return {
        ARN: secret.arn,
        Name: secret.name,
        ...(secret.policy !== null && { ResourcePolicy: secret.policy }),
      };
    },

    DeleteResourcePolicy(body) {
      const secret = requireLive(body);
      store.secrets.update(secret.id, { policy: null, lastChangedDate: nowSeconds() });
      return { ARN: secret.arn, Name: secret.name };
    },
  };
}
