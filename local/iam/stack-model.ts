/**
 * The IAM of the stack `npm start` stands for (docs/design.md §6): the same `SecretBroker` stack, built
 * from the same `BROKER_*` settings the local handlers run with (read through core/config.ts),
 * synthesized in process with bundling off, and boiled down to plain JSON: each role's identity
 * policies, the access policies the stack hands platform teams, the key and its policy, and the
 * environment each function gets. Plain JSON so it can be cached (model-cache.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import type { BrokerConfig } from '../../core/config.js';
import { SecretBrokerStack } from '../../lib/secret-broker-stack.js';
import {
  identityPolicies,
  type NamedPolicy,
  type Place,
  type PolicyDocument,
  resolve,
  resolvedPolicy,
  type TemplateJson,
} from './template-policies.js';

/** Name of the local stack (its roles and parameters are named after it). */
const LOCAL_STACK_NAME = 'ThvSecretBroker';

/** One role of the synthesized stack. */
export interface StackRole {
  /** The principal's name (`user-function`, `scope-function:<scope>`, `migration`). */
  readonly principal: string;
  /** The role's ARN in the local account. */
  readonly roleArn: string;
  /** Its identity policies, inline and managed, resolved. */
  readonly policies: readonly NamedPolicy[];
}

/** The stack's IAM, resolved in the local account and region. */
export interface IamModel {
  readonly account: string;
  readonly region: string;
  /** Every function role of the stack. */
  readonly roles: readonly StackRole[];
  /** The stack's `UserAccessPolicy`. */
  readonly userAccessPolicy: NamedPolicy;
  /** The stack's `ScopeAccessPolicy-<scope>`, by scope. */
  readonly scopeAccessPolicies: Readonly<Record<string, NamedPolicy>>;
  /** The stack's `PerimeterPolicy`, attached beside either access policy (docs/design.md §3). */
  readonly perimeterPolicy: NamedPolicy;
  /** ARN of the stack's KMS key. */
  readonly keyArn: string;
  /** Its key policy. */
  readonly keyPolicy: PolicyDocument;
  /** Environment of the user function, each scope's function (by scope) and the migration's. */
  readonly functionEnv: {
    readonly user: Readonly<Record<string, string>>;
    readonly scopes: Readonly<Record<string, Readonly<Record<string, string>>>>;
    readonly migration: Readonly<Record<string, string>>;
  };
}

/** The settings the stack is built from: the local handlers' configuration, and where. */
export interface StackSettings {
  readonly config: Pick<
    BrokerConfig,
    'root' | 'scopes' | 'legacyFallback' | 'legacyPrefixes' | 'recoveryWindowDays'
  >;
  readonly place: Place;
  /** The migration flag parameter the local handlers use. */
  readonly flagParameter: string;
}

/** Synthesizes the broker stack for `settings` and reads its IAM (about a second, most of it loading CDK). */
export function synthesizeIamModel(settings: StackSettings): IamModel {
  const { config, place } = settings;
  const outdir = mkdtempSync(join(tmpdir(), 'thv-broker-iam-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new SecretBrokerStack(app, LOCAL_STACK_NAME, {
      env: { account: place.account, region: place.region },
      root: config.root,
      scopes: config.scopes,
      legacyFallback: config.legacyFallback,
      legacyPrefixes: config.legacyPrefixes,
      recoveryWindowDays: config.recoveryWindowDays,
      migrationFlagParameterName: settings.flagParameter,
    });
    const template = app.synth().getStackArtifact(stack.artifactId).template as TemplateJson;
    const broker = stack.broker;
    const named = new Map<string, string>([
      [logicalId(broker.userRole), 'user-function'],
      ...[...broker.scopeRoles].map(([s, role]) => [logicalId(role), `scope-function:${s}`] as const),
      [logicalId(broker.migrationRole), 'migration'],
    ]);
    // The functions' roles: the other roles of the stack (API Gateway's logging role, custom
    // resources') are AWS services' own and never call Secrets Manager or SSM.
    const roles = [...named].map(([id, principal]) => ({
      principal,
      roleArn: `arn:aws:iam::${place.account}:role/${id}`,
      policies: identityPolicies(template, { logicalId: id }, place),
    }));
    const policyOf = (construct: IConstruct): NamedPolicy => {
      const id = logicalId(construct);
      return resolvedPolicy(template, id, template.Resources[id]?.Properties?.PolicyDocument, place);
    };
    const keyId = logicalId(broker.key);
    const envOf = (fn: IConstruct): Record<string, string> => {
      const props = template.Resources[logicalId(fn)]?.Properties as
        | { Environment?: { Variables?: Record<string, unknown> } }
        | undefined;
      return resolve(template, props?.Environment?.Variables ?? {}, place) as Record<string, string>;
    };
    return {
      account: place.account,
      region: place.region,
      roles,
      userAccessPolicy: policyOf(broker.userAccessPolicy),
      perimeterPolicy: policyOf(broker.perimeterPolicy),
      scopeAccessPolicies: Object.fromEntries(
        [...broker.scopeAccessPolicies].map(([s, p]) => [s, policyOf(p)]),
      ),
      keyArn: `arn:aws:kms:${place.region}:${place.account}:key/${keyId}`,
      keyPolicy: resolve(template, template.Resources[keyId]?.Properties?.KeyPolicy, place) as PolicyDocument,
      functionEnv: {
        user: envOf(broker.userFunction),
        scopes: Object.fromEntries([...broker.scopeFunctions].map(([s, fn]) => [s, envOf(fn)])),
        migration: envOf(broker.migrationFunction),
      },
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(Stack.of(construct).getLogicalId(element)) as string;
}
