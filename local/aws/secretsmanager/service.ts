import { parseSecretId } from '../arn.js';
import type { HeldNames } from '../deletion-lag.js';
import { invalidRequest, resourceNotFound } from '../errors.js';
import { type Body, type OperationContext, readString } from '../input.js';
import type { SecretRow, SqliteStore } from '../store.js';

/** What every Secrets Manager operation works on. */
export interface SecretsService {
  /** The durable store; each operation already runs inside one of its transactions. */
  readonly store: SqliteStore;
  /** The region in the ARNs it makes and reads. */
  readonly region: string;
  /** The names a force delete still holds, when the endpoint simulates AWS's deletion lag. */
  readonly held: HeldNames | undefined;
}

/** One Secrets Manager operation over the service: request body in, response body out. */
export type SecretsOperation = (
  service: SecretsService,
  body: Body,
  context: OperationContext,
) => Record<string, unknown>;

/** AWS's answer to a change of a secret that DeleteSecret has scheduled for deletion. */
export const MARKED_FOR_DELETION =
  "You can't perform this operation on the secret because it was marked for deletion.";

/** The current time as the protocol carries dates: epoch seconds, with a fraction. */
export const nowSeconds = (): number => Date.now() / 1000;

/** The secret a SecretId names (name, full ARN or partial ARN), if it exists. */
export function resolveSecret(store: SqliteStore, region: string, secretId: string): SecretRow | undefined {
  const ref = parseSecretId(secretId, region);
  if (ref.kind === 'name') return store.secrets.byName(ref.name);
  // A full ARN names one secret exactly; a partial ARN (no random suffix) names it by its name.
  return store.secrets.byArn(ref.arn) ?? (ref.tail ? store.secrets.byName(ref.tail) : undefined);
}

/** Reads the request's SecretId. */
export const readSecretId = (body: Body): string =>
  readString(body, 'SecretId', { required: true, min: 1, max: 2048 });

/** The secret the request's SecretId names, scheduled for deletion or not; ResourceNotFound if none. */
export function requireSecret(service: SecretsService, body: Body): SecretRow {
  const secret = resolveSecret(service.store, service.region, readSecretId(body));
  if (!secret) throw resourceNotFound();
  return secret;
}

/** The secret the request's SecretId names, which must not be scheduled for deletion. */
export function requireLive(service: SecretsService, body: Body): SecretRow {
  const secret = requireSecret(service, body);
  if (secret.deletedDate !== null) throw invalidRequest(MARKED_FOR_DELETION);
  return secret;
}
