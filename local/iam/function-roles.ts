/**
 * Each local function runs as its own role (docs/design.md §6): the principal whose key signs its calls,
 * and the variables the stack sets for it that decide how it is authorized (the stack's key for its
 * secrets, the role ARNs its system secrets' resource policies name).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ENV } from '../../core/config.js';
import type { Principal } from './principals.js';
import type { IamModel } from './stack-model.js';

/** The principal of the migration's steps. */
export const MIGRATION_PRINCIPAL = 'migration';

/** The principal the function serving `target` (`user` or a scope) runs as. */
export const functionPrincipal = (target: string): string =>
  target === 'user' ? 'user-function' : `scope-function:${target}`;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The stack's variables for the function of `target` (`user`, a scope, or `migration`) that a local
 * run needs to be authorized as deployed; a key the environment names itself is kept.
 */
export function stackFunctionEnv(model: IamModel, target: string, given: Env): Record<string, string> {
  const all =
    target === 'user'
      ? model.functionEnv.user
      : target === MIGRATION_PRINCIPAL
        ? model.functionEnv.migration
        : (model.functionEnv.scopes[target] ?? {});
  const keys = [
    ENV.systemPolicyPrincipals,
    ENV.scopePolicyPrincipals,
    ...(given[ENV.kmsKeyId] ? [] : [ENV.kmsKeyId]),
  ];
  return Object.fromEntries(keys.flatMap((k) => (all[k] === undefined ? [] : [[k, all[k] as string]])));
}

/** The named principal; throws naming the known ones when there is none. */
export function principalNamed(principals: readonly Principal[], name: string): Principal {
  const found = principals.find((p) => p.name === name);
  if (found === undefined)
    throw new Error(
      `no local principal ${JSON.stringify(name)}; known: ${principals.map((p) => p.name).join(', ')}`,
    );
  return found;
}

/** Secrets Manager and SSM clients of `endpoint` that sign with `principal`'s key. */
export function clientsAs(
  principal: Pick<Principal, 'accessKeyId' | 'secretAccessKey'>,
  endpoint: { readonly url: string; readonly region: string },
  extra: Record<string, unknown> = {},
): { secretsManager: SecretsManagerClient; ssm: SSMClient } {
  const config = {
    endpoint: endpoint.url,
    region: endpoint.region,
    credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
    ...extra,
  };
  return { secretsManager: new SecretsManagerClient(config), ssm: new SSMClient(config) };
}
