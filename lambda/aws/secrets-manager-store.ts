/**
 * The Secrets Manager adapter: implements the core's {@link SecretStore} port. Secret name =
 * root + key; the key was validated by a provider, and is validated again here so that no caller
 * string (an ARN, a partial ARN, a path) can ever reach Secrets Manager as a `SecretId`.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchGetSecretValueCommand,
  type BatchGetSecretValueCommandOutput,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
  type Tag,
  TagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { DEFAULT_RECOVERY_WINDOW_DAYS } from '../../core/config.js';
import {
  AccessDeniedError,
  assertValidKey,
  assertValueSize,
  type BatchGetResult,
  type BulkDeleteResult,
  ConflictError,
  DEFAULT_ROOT,
  type DeleteOptions,
  deleteEach,
  InvalidBodyError,
  type KeyState,
  type ListOptions,
  type ListPage,
  MAX_PAGE_SIZE,
  type MigrationStore,
  NotDeletedError,
  OWNER_TAG,
  type PutOptions,
  type PutResult,
  type RestoreOptions,
  rootProblems,
  SCOPE_TAG,
  type SecretInfo,
  SecretNotFoundError,
  type SecretStore,
  type SecretSummary,
  type SecretTags,
  type SecretVersionRef,
  type StoredSecret,
  type StoredValue,
  systemSecretResourcePolicy,
  USER_OWNER,
  VersionNotFoundError,
} from '../../core/index.js';
import { awsErrorName, isScheduledForDeletion, mappingErrors, mapSecretsManagerError } from './errors.js';

/** Most ids one BatchGetSecretValue takes (Secrets Manager API reference). */
export const BATCH_GET_IDS_PER_CALL = 20;

/** Secrets Manager's stage of the value the last write replaced. */
const PREVIOUS_STAGE = 'AWSPREVIOUS';

const DAY_MS = 86_400_000;

// CreateSecret attempts while a deleted secret's name is still taken, and their backoff: at most
// about 3.5 s in all, far inside a function's timeout, far beyond AWS's usual deletion lag.
const RECREATE_ATTEMPTS = 8;
const RECREATE_BASE_DELAY_MS = 50;
const RECREATE_MAX_DELAY_MS = 1_000;

/** Options of {@link SecretsManagerStore}. */
export interface SecretsManagerStoreOptions {
  /** The SDK client (built once per process by the caller). */
  readonly client: SecretsManagerClient;
  /**
   * Name root, ending in `/`.
   * @default 'toolhive/'
   */
  readonly root?: string;
  /**
   * KMS key for new secrets.
   * @default Secrets Manager's AWS managed key
   */
  readonly kmsKeyId?: string;
  /**
   * Recovery window of deletes, in days (7–30).
   * @default 7
   */
  readonly recoveryWindowDays?: number;
  /**
   * Role ARNs the resource policy of a system secret allows; empty attaches no policy.
   * @default []
   */
  readonly systemPolicyPrincipals?: readonly string[];
}

/** A {@link SecretStore} over AWS Secrets Manager. */
export class SecretsManagerStore implements SecretStore, MigrationStore {
  private readonly client: SecretsManagerClient;
  private readonly root: string;
  private readonly kmsKeyId: string | undefined;
  private readonly recoveryWindowDays: number;
  private readonly policy: string | undefined;

  constructor(options: SecretsManagerStoreOptions) {
    this.client = options.client;
    this.root = options.root ?? DEFAULT_ROOT;
    const problems = rootProblems(this.root);
    if (problems.length > 0) throw new Error(problems.join('; '));
    this.kmsKeyId = options.kmsKeyId;
    this.recoveryWindowDays = options.recoveryWindowDays ?? DEFAULT_RECOVERY_WINDOW_DAYS;
    const principals = options.systemPolicyPrincipals ?? [];
    this.policy = principals.length > 0 ? JSON.stringify(systemSecretResourcePolicy(principals)) : undefined;
  }

  /** The Secrets Manager name of a broker key. */
  nameOf(key: string): string {
    assertValidKey(key);
    return `${this.root}${key}`;
  }

  async get(key: string): Promise<StoredSecret> {
    const name = this.nameOf(key);
    return mappingErrors(key, async () => {
      return storedSecret(key, await this.client.send(new GetSecretValueCommand({ SecretId: name })));
    });
  }

  /**
   * BatchGetSecretValue by SecretIdList, {@link BATCH_GET_IDS_PER_CALL} names per call (the calls
   * run together), each call paged through NextToken. A per-secret error in `Errors` is judged
   * like the same error of GetSecretValue: not found or scheduled for deletion → `missing`;
   * AccessDeniedException → `AccessDeniedError` (403) for the whole batch; anything else throws.
   */
  async getMany(keys: readonly string[]): Promise<BatchGetResult> {
    const unique = [...new Set(keys)];
    const byName = new Map(unique.map((key) => [this.nameOf(key), key]));
    const names = [...byName.keys()];
    const chunks: string[][] = [];
    for (let i = 0; i < names.length; i += BATCH_GET_IDS_PER_CALL)
      chunks.push(names.slice(i, i + BATCH_GET_IDS_PER_CALL));
    const found = new Map<string, StoredSecret>();
    const failed = new Map<string, unknown>();
    await Promise.all(chunks.map((chunk) => this.batchGet(chunk, byName, found, failed)));
    const missing: string[] = [];
    let refusal: unknown;
    for (const key of unique) {
      const error = failed.get(key);
      if (found.has(key) && error === undefined) continue;
      const mapped = error === undefined ? new SecretNotFoundError(key) : batchError(error, key);
      if (mapped instanceof SecretNotFoundError) missing.push(key);
      // Any other failure fails the batch: the first in request order is the one reported.
      else refusal ??= mapped;
    }
    if (refusal !== undefined) throw refusal;
    return {
      found: unique.flatMap((key) => {
        const secret = found.get(key);
        return secret === undefined || missing.includes(key) ? [] : [secret];
      }),
      missing,
    };
  }

  /** One chunk of {@link getMany}: every page of one BatchGetSecretValue by id list. */
  private async batchGet(
    names: readonly string[],
    byName: ReadonlyMap<string, string>,
    found: Map<string, StoredSecret>,
    failed: Map<string, unknown>,
  ): Promise<void> {
    let next: string | undefined;
    do {
      let out: BatchGetSecretValueCommandOutput;
      try {
        out = await this.client.send(
          new BatchGetSecretValueCommand({
            SecretIdList: [...names],
            ...(next === undefined ? {} : { NextToken: next }),
          }),
        );
      } catch (error) {
        throw mapSecretsManagerError(error, byName.get(names[0] ?? '') ?? '');
      }
      for (const value of out.SecretValues ?? []) {
        const key = value.Name === undefined ? undefined : byName.get(value.Name);
        // Only what was asked for: an answer naming anything else is ignored, never returned.
        if (key !== undefined) found.set(key, storedSecret(key, value));
      }
      for (const entry of out.Errors ?? []) {
        const key = entry.SecretId === undefined ? undefined : byName.get(entry.SecretId);
        if (key !== undefined) failed.set(key, { name: entry.ErrorCode, message: entry.Message ?? '' });
      }
      next = out.NextToken === undefined || out.NextToken === '' ? undefined : out.NextToken;
    } while (next !== undefined);
  }

  async getVersion(key: string, version: SecretVersionRef): Promise<StoredSecret> {
    const name = this.nameOf(key);
    try {
      const out = await this.client.send(
        new GetSecretValueCommand(
          version === 'previous'
            ? { SecretId: name, VersionStage: PREVIOUS_STAGE }
            : { SecretId: name, VersionId: version.id },
        ),
      );
      return storedSecret(key, out);
    } catch (error) {
      const mapped = mapSecretsManagerError(error, key);
      // No such version and no such secret are one error in Secrets Manager; deleted is absent too.
      if (mapped instanceof SecretNotFoundError)
        throw new VersionNotFoundError(key, version, { cause: error });
      throw mapped;
    }
  }

  /**
   * DescribeSecret first: RestoreSecret succeeds on a live secret too, so only the description tells
   * "not deleted" (409) from "restored", and it shows the tags `options.tag` asks for.
   */
  async restore(key: string, options: RestoreOptions = {}): Promise<void> {
    const name = this.nameOf(key);
    return mappingErrors(key, async () => {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: name }));
      const tag = options.tag;
      if (tag !== undefined && tagMap(out.Tags)[tag.key] !== tag.value) throw new SecretNotFoundError(key);
      if (out.DeletedDate === undefined) throw new NotDeletedError(key);
      await this.client.send(new RestoreSecretCommand({ SecretId: name }));
    });
  }

  async put(key: string, value: string, options: PutOptions = {}): Promise<PutResult> {
    const name = this.nameOf(key);
    assertValueSize(value);
    const token = options.requestToken ?? randomUUID();
    if (options.createOnly) return this.createNew(key, name, value, token, options);
    return mappingErrors(key, async () => {
      let result: PutResult;
      try {
        result = await this.update(name, value, token, options.description);
      } catch (error) {
        const refusal = awsErrorName(error);
        if (refusal === 'ResourceNotFoundException') {
          result = await this.create(name, value, token, options);
        } else if (refusal === 'AccessDeniedException') {
          // Under a tag-conditioned role (the user function's) AWS refuses an update of a name that
          // does not exist, since it authorizes before the lookup and a missing secret has no tags
          // (docs/design.md §3). The create is authorized by its own request tags; if the secret does
          // exist, the refusal stands: it is not this role's to write.
          result = await this.create(name, value, token, options, false, error);
        } else if (isScheduledForDeletion(error)) {
          result = await this.recreate(name, value, token, options);
        } else {
          throw error;
        }
      }
      // The policy goes on when the secret is born (created, or recreated over a deleted one) and
      // on a write that carries a request token, not on every write: a plain update costs one
      // call, as a direct PutSecretValue does. A crash between the create and the policy
      // is healed by the retry of that write with its Idempotency-Key (the retry is an update, so
      // the token is what marks it); until then, or when the retry comes without its key, the
      // system secret is still guarded by its scope tag and the roles' explicit denies, and the
      // migration's step 1 repairs the policy (docs/design.md §5).
      if (options.scope !== undefined && (result.created || options.requestToken !== undefined))
        await this.protect(key);
      return result;
    });
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    const name = this.nameOf(key);
    return mappingErrors(key, async () => {
      await this.client.send(
        new DeleteSecretCommand(
          options.force
            ? { SecretId: name, ForceDeleteWithoutRecovery: true }
            : { SecretId: name, RecoveryWindowInDays: this.recoveryWindowDays },
        ),
      );
    });
  }

  async deleteMany(keys: readonly string[], options: DeleteOptions = {}): Promise<BulkDeleteResult> {
    // Secrets Manager has no batch delete.
    return deleteEach(keys, (key) => this.delete(key, options));
  }

  async listPage(options: ListOptions): Promise<ListPage> {
    const limit = Math.min(Math.max(Math.trunc(options.limit), 1), MAX_PAGE_SIZE);
    try {
      const out = await this.client.send(
        new ListSecretsCommand({
          // Filtered by Secrets Manager itself, so system secrets cost a user listing no pages.
          Filters: [
            { Key: 'name', Values: [`${this.root}${options.prefix ?? ''}`] },
            ...(options.tag === undefined
              ? []
              : [
                  { Key: 'tag-key' as const, Values: [options.tag.key] },
                  { Key: 'tag-value' as const, Values: [options.tag.value] },
                ]),
          ],
          // Secrets Manager has no "deleted only" filter: it lists both, and the rows are split below.
          ...(options.deleted ? { IncludePlannedDeletion: true } : {}),
          MaxResults: limit,
          ...(options.next === undefined ? {} : { NextToken: options.next }),
        }),
      );
      const items: SecretSummary[] = [];
      for (const entry of out.SecretList ?? []) {
        // The name filter is already an exact-case prefix match; re-checking keeps a lax emulator honest.
        if (entry.Name === undefined || !entry.Name.startsWith(this.root)) continue;
        const deleted = entry.DeletedDate;
        if ((deleted !== undefined) !== (options.deleted === true)) continue;
        const updated = entry.LastChangedDate ?? entry.CreatedDate ?? new Date(0);
        items.push({
          key: entry.Name.slice(this.root.length),
          ...(entry.Description ? { description: entry.Description } : {}),
          updatedAt: updated.toISOString(),
          tags: tagMap(entry.Tags),
          ...(deleted === undefined ? {} : this.deletionDates(deleted)),
        });
      }
      return out.NextToken ? { items, next: out.NextToken } : { items };
    } catch (error) {
      // A caller's token that is not even well formed (e.g. empty) is refused by the SDK's or the
      // service's validation, not as InvalidNextTokenException: still the caller's "next" at fault.
      if (options.next !== undefined && awsErrorName(error) === 'ValidationException')
        throw new InvalidBodyError('the "next" token is invalid or expired', { cause: error });
      throw mapSecretsManagerError(error, options.prefix ?? '');
    }
  }

  /**
   * When a deleted secret was deleted (ListSecrets' DeletedDate, "the date and time the deletion
   * occurred") and when it will be purged: that plus the recovery window this broker deletes with.
   * A secret deleted with another window (outside the broker) shows this broker's window.
   */
  private deletionDates(deletedDate: Date): { deletedAt: string; purgeAt: string } {
    return {
      deletedAt: deletedDate.toISOString(),
      purgeAt: new Date(deletedDate.getTime() + this.recoveryWindowDays * DAY_MS).toISOString(),
    };
  }

  /** The CreateSecret of a broker write: its tags, the broker's KMS key, the description. */
  private createCommand(
    name: string,
    value: string,
    token: string,
    options: PutOptions,
  ): CreateSecretCommand {
    return new CreateSecretCommand({
      Name: name,
      SecretString: value,
      ClientRequestToken: token,
      Tags: tagsFor(options.scope),
      ...(this.kmsKeyId === undefined ? {} : { KmsKeyId: this.kmsKeyId }),
      ...(options.description === undefined ? {} : { Description: options.description }),
    });
  }

  /** The migration's write: CreateSecret only (an existing secret is a conflict), then the policy. */
  private async createNew(
    key: string,
    name: string,
    value: string,
    token: string,
    options: PutOptions,
  ): Promise<PutResult> {
    try {
      const out = await this.client.send(this.createCommand(name, value, token, options));
      if (options.scope !== undefined) await this.protect(key);
      return { version: out.VersionId ?? token, created: true };
    } catch (error) {
      throw mapCreateOnlyError(error, key);
    }
  }

  async describe(key: string): Promise<SecretInfo> {
    const name = this.nameOf(key);
    return mappingErrors(key, async () => {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: name }));
      // DescribeSecret still answers for a secret scheduled for deletion; the port calls that absent.
      if (out.DeletedDate !== undefined) throw new SecretNotFoundError(key);
      return { key, tags: tagMap(out.Tags) };
    });
  }

  async tag(key: string, tags: SecretTags): Promise<void> {
    const name = this.nameOf(key);
    return mappingErrors(key, async () => {
      await this.client.send(
        new TagResourceCommand({
          SecretId: name,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    });
  }

  async protect(key: string): Promise<void> {
    const name = this.nameOf(key);
    if (this.policy === undefined) return;
    return mappingErrors(key, async () => {
      await this.client.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: this.policy }));
    });
  }

  private async update(name: string, value: string, token: string, description?: string): Promise<PutResult> {
    const out =
      description === undefined
        ? await this.client.send(
            new PutSecretValueCommand({ SecretId: name, SecretString: value, ClientRequestToken: token }),
          )
        : await this.client.send(
            new UpdateSecretCommand({
              SecretId: name,
              SecretString: value,
              Description: description,
              ClientRequestToken: token,
            }),
          );
    return { version: out.VersionId ?? token, created: false };
  }

  /**
   * CreateSecret with the tags, KMS key and description of a broker write. A name that is still
   * held by a deleted secret (scheduled for deletion, or force-deleted a moment ago) goes through
   * {@link recreate}, which gives the deleted secret up for good first. `refusedUpdate` is the
   * AccessDeniedException of the update that led here, rethrown when the secret turns out to exist.
   */
  private async create(
    name: string,
    value: string,
    token: string,
    options: PutOptions,
    deleted = false,
    refusedUpdate?: unknown,
  ): Promise<PutResult> {
    try {
      const out = await this.client.send(this.createCommand(name, value, token, options));
      return { version: out.VersionId ?? token, created: true };
    } catch (error) {
      if (awsErrorName(error) === 'ResourceExistsException') {
        // Another writer created it between our update and create: write over theirs. After a
        // refused update this is also the test of whose it is: if it is refused again, the secret
        // is an untagged or foreign one, not a user secret born a moment ago, and the first
        // refusal stands.
        try {
          return await this.update(name, value, token, options.description);
        } catch (retry) {
          if (refusedUpdate !== undefined && awsErrorName(retry) === 'AccessDeniedException')
            throw refusedUpdate;
          throw retry;
        }
      }
      if (isScheduledForDeletion(error) && !deleted) return this.recreate(name, value, token, options);
      throw error;
    }
  }

  /**
   * A write over a key that is deleted but still restorable (docs/design.md §2). The order of
   * calls is what makes it crash-consistent:
   *
   * 1. DeleteSecret with ForceDeleteWithoutRecovery: the deleted value is given up for good.
   * 2. CreateSecret, same ClientRequestToken, tags, KMS key and description as a first write.
   *    Secrets Manager deletes asynchronously, so the name can stay taken for a moment: the create
   *    is retried with bounded, jittered exponential backoff while it answers "scheduled for
   *    deletion" (AWS's DeleteSecret reference asks for exactly that).
   * 3. The resource policy of a system secret, in `put`, as on every create.
   *
   * Each call leaves the key in one of two states: still deleted (before 2 succeeds) or holding
   * the new value (after). A crash anywhere therefore never shows the deleted value again, which
   * RestoreSecret-then-PutSecretValue did between its two calls. A retry of the same write finds
   * the key missing (or the version its token names) and finishes it. Bringing a deleted value
   * back is only ever an explicit restore, never a side effect of a set.
   *
   * What it costs: the old secret's versions, ARN, extra tags and description are gone with it
   * (the new secret is a first write: a set never carries deleted metadata over). And if another
   * writer recreated the key between this writer's failed PutSecretValue and its DeleteSecret,
   * that write is replaced by this one; should this writer then die before its CreateSecret, the
   * key ends deleted: Secrets Manager has no conditional delete to close that narrow window.
   */
  private async recreate(
    name: string,
    value: string,
    token: string,
    options: PutOptions,
  ): Promise<PutResult> {
    await this.client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.create(name, value, token, options, true);
      } catch (error) {
        if (!isScheduledForDeletion(error)) throw error;
        if (attempt >= RECREATE_ATTEMPTS) {
          throw new ConflictError(
            'the key is still being deleted by Secrets Manager; retry the write in a moment',
            { cause: error },
          );
        }
        const cap = Math.min(RECREATE_MAX_DELAY_MS, RECREATE_BASE_DELAY_MS * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, cap / 2 + Math.random() * (cap / 2)));
      }
    }
  }

  // The migration's own calls (core/migration-port.ts): values as stored, text or bytes.

  /** DescribeSecret: tags, and whether the secret is scheduled for deletion (the migration's view). */
  async inspect(key: string): Promise<KeyState> {
    const name = this.nameOf(key);
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: name }));
      return { tags: tagMap(out.Tags), deleted: out.DeletedDate !== undefined };
    } catch (error) {
      throw mapMigrationReadError(error, key);
    }
  }

  /** GetSecretValue as stored: SecretString as text, SecretBinary as the same bytes, never decoded. */
  async readValue(key: string): Promise<StoredValue> {
    const name = this.nameOf(key);
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
      if (out.SecretString !== undefined) return { text: out.SecretString };
      if (out.SecretBinary !== undefined) return { bytes: Uint8Array.from(out.SecretBinary) };
      throw new SecretNotFoundError(key);
    } catch (error) {
      throw mapMigrationReadError(error, key);
    }
  }

  /** CreateSecret only (the migration's write), value as stored, scope tag, then the scope's policy. */
  async createValue(key: string, value: StoredValue, scope: string): Promise<void> {
    const name = this.nameOf(key);
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: name,
          ...('text' in value ? { SecretString: value.text } : { SecretBinary: value.bytes }),
          ClientRequestToken: randomUUID(),
          Tags: tagsFor(scope),
          ...(this.kmsKeyId === undefined ? {} : { KmsKeyId: this.kmsKeyId }),
        }),
      );
    } catch (error) {
      throw mapCreateOnlyError(error, key);
    }
    await this.protect(key);
  }
}

/** A create-only write's error: scheduled for deletion holds the name as well, so both are "exists". */
function mapCreateOnlyError(error: unknown, key: string): unknown {
  if (awsErrorName(error) === 'ResourceExistsException' || isScheduledForDeletion(error))
    return new ConflictError(`secret ${JSON.stringify(key)} already exists`, { cause: error });
  return mapSecretsManagerError(error, key);
}

/** KMS refusals of a read: the job may not decrypt this secret, which the migration treats as refused. */
const KMS_REFUSALS = new Set([
  'DecryptionFailure',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
]);

/** {@link mapSecretsManagerError}, with a KMS refusal of a read mapped to `AccessDeniedError`. */
function mapMigrationReadError(error: unknown, key: string): unknown {
  if (KMS_REFUSALS.has(awsErrorName(error) ?? '')) return new AccessDeniedError(key, { cause: error });
  return mapSecretsManagerError(error, key);
}

/** A per-secret error of BatchGetSecretValue (`{name: ErrorCode, message}`) as a core error where one fits. */
function batchError(error: unknown, key: string): unknown {
  const mapped = mapSecretsManagerError(error, key);
  if (mapped !== error) return mapped;
  // Not a thrown SDK error: make one the HTTP layer logs as an internal error, never a value.
  const { name, message } = error as { name?: string; message?: string };
  return new Error(`BatchGetSecretValue reported ${name ?? 'an error'} for one secret: ${message ?? ''}`);
}

/** A GetSecretValue answer as the port's secret. */
function storedSecret(
  key: string,
  out: {
    SecretString?: string | undefined;
    SecretBinary?: Uint8Array | undefined;
    VersionId?: string | undefined;
    CreatedDate?: Date | undefined;
  },
): StoredSecret {
  const value = out.SecretString ?? Buffer.from(out.SecretBinary ?? new Uint8Array()).toString('utf8');
  return {
    key,
    value,
    version: out.VersionId ?? '',
    updatedAt: (out.CreatedDate ?? new Date(0)).toISOString(),
  };
}

/** Secrets Manager's tag list as a map. */
function tagMap(tags: readonly Tag[] | undefined): SecretTags {
  const map: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) map[t.Key] = t.Value ?? '';
  return map;
}

/** The tags a broker write carries: `thv:scope=<scope>` on system secrets, `thv:owner=user` on user secrets. */
function tagsFor(scope: string | undefined): Tag[] {
  return scope === undefined ? [{ Key: OWNER_TAG, Value: USER_OWNER }] : [{ Key: SCOPE_TAG, Value: scope }];
}
