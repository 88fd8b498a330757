/**
 * The Secrets Manager adapter: implements the core's {@link SecretStore} port. Secret name =
 * root + key; the key was validated by a provider, and is validated again here so that no caller
 * string (an ARN, a partial ARN, a path) can ever reach Secrets Manager as a `SecretId`.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
  type Tag,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { DEFAULT_RECOVERY_WINDOW_DAYS } from '../config.js';
import {
  assertValidKey,
  assertValueSize,
  type BulkDeleteResult,
  DEFAULT_ROOT,
  type DeleteOptions,
  deleteEach,
  type ListOptions,
  type ListPage,
  MAX_PAGE_SIZE,
  type PutOptions,
  type PutResult,
  rootProblems,
  type SecretStore,
  type SecretSummary,
  type StoredSecret,
  systemSecretResourcePolicy,
} from '../core/index.js';
import { awsErrorName, isScheduledForDeletion, mapSecretsManagerError } from './errors.js';

/** Tag key marking a system secret's scope. */
export const SCOPE_TAG = 'thv:scope';
/** Tag key marking a user secret. */
export const OWNER_TAG = 'thv:owner';

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
export class SecretsManagerStore implements SecretStore {
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
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
      const value = out.SecretString ?? Buffer.from(out.SecretBinary ?? new Uint8Array()).toString('utf8');
      return {
        key,
        value,
        version: out.VersionId ?? '',
        updatedAt: (out.CreatedDate ?? new Date(0)).toISOString(),
      };
    } catch (error) {
      throw mapSecretsManagerError(error, key);
    }
  }

  async put(key: string, value: string, options: PutOptions = {}): Promise<PutResult> {
    const name = this.nameOf(key);
    assertValueSize(value);
    const token = options.requestToken ?? randomUUID();
    try {
      let result: PutResult;
      try {
        result = await this.update(name, value, token, options.description);
      } catch (error) {
        if (awsErrorName(error) === 'ResourceNotFoundException') {
          result = await this.create(name, value, token, options);
        } else if (isScheduledForDeletion(error)) {
          // A set on a secret scheduled for deletion restores it rather than failing (DESIGN §2).
          await this.client.send(new RestoreSecretCommand({ SecretId: name }));
          result = { ...(await this.update(name, value, token, options.description)), created: true };
        } else {
          throw error;
        }
      }
      if (options.scope !== undefined && this.policy !== undefined) {
        // Re-applied on every system write so a crash between create and policy heals itself.
        await this.client.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: this.policy }));
      }
      return result;
    } catch (error) {
      throw mapSecretsManagerError(error, key);
    }
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    const name = this.nameOf(key);
    try {
      await this.client.send(
        new DeleteSecretCommand(
          options.force
            ? { SecretId: name, ForceDeleteWithoutRecovery: true }
            : { SecretId: name, RecoveryWindowInDays: this.recoveryWindowDays },
        ),
      );
    } catch (error) {
      throw mapSecretsManagerError(error, key);
    }
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
          Filters: [{ Key: 'name', Values: [`${this.root}${options.prefix ?? ''}`] }],
          MaxResults: limit,
          ...(options.next === undefined ? {} : { NextToken: options.next }),
        }),
      );
      const items: SecretSummary[] = [];
      for (const entry of out.SecretList ?? []) {
        // The name filter is already an exact-case prefix match; re-checking keeps a lax emulator honest.
        if (entry.Name === undefined || !entry.Name.startsWith(this.root) || entry.DeletedDate !== undefined)
          continue;
        const updated = entry.LastChangedDate ?? entry.CreatedDate ?? new Date(0);
        items.push({
          key: entry.Name.slice(this.root.length),
          ...(entry.Description ? { description: entry.Description } : {}),
          updatedAt: updated.toISOString(),
        });
      }
      return out.NextToken ? { items, next: out.NextToken } : { items };
    } catch (error) {
      throw mapSecretsManagerError(error, options.prefix ?? '');
    }
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

  private async create(name: string, value: string, token: string, options: PutOptions): Promise<PutResult> {
    const tags: Tag[] =
      options.scope === undefined
        ? [{ Key: OWNER_TAG, Value: 'user' }]
        : [{ Key: SCOPE_TAG, Value: options.scope }];
    try {
      const out = await this.client.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: value,
          ClientRequestToken: token,
          Tags: tags,
          ...(this.kmsKeyId === undefined ? {} : { KmsKeyId: this.kmsKeyId }),
          ...(options.description === undefined ? {} : { Description: options.description }),
        }),
      );
      return { version: out.VersionId ?? token, created: true };
    } catch (error) {
      // Another writer created it between our update and create: write over theirs.
      if (awsErrorName(error) === 'ResourceExistsException')
        return this.update(name, value, token, options.description);
      throw error;
    }
  }
}
