/**
 * Replacing the stack keeps access to what it leaves behind: the principals named by system
 * secrets' resource policies (the scope functions' and the migration's principal lists) and by the
 * key policy are the same ARNs in a second deployment of a stack with the same name. Each template
 * is "deployed" by resolving its roles' ARNs as CloudFormation would: from the role's RoleName, or
 * for an unnamed role from a generated name with a random suffix that differs per deployment.
 */
import { App } from 'aws-cdk-lib/core';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../core/config.js';
import { MAX_ROLE_NAME_LENGTH } from '../../lib/stable-names.js';
import { ACCOUNT, REGION, scratchDir, synthBroker } from './support/synth.js';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type TemplateJson = { Resources: Record<string, Resource> };

/** Resolves a template value as one deployment `deployment` of stack `stackName` would. */
function deployed(template: TemplateJson, stackName: string, deployment: string) {
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const o = value as Record<string, unknown>;
    if ('Ref' in o) {
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws',
        'AWS::Region': REGION,
        'AWS::AccountId': ACCOUNT,
        'AWS::URLSuffix': 'amazonaws.com',
      };
      return pseudo[String(o.Ref)] ?? `${o.Ref}-${deployment}`;
    }
    if ('Fn::GetAtt' in o) {
      const [id, attr] = o['Fn::GetAtt'] as [string, string];
      const resource = template.Resources[id];
      if (resource?.Type === 'AWS::IAM::Role' && attr === 'Arn') {
        const name =
          resource.Properties?.RoleName === undefined
            ? `${stackName}-${id.slice(0, 30)}-${deployment}` // CloudFormation's generated name
            : String(resolve(resource.Properties.RoleName));
        return `arn:aws:iam::${ACCOUNT}:role/${name}`;
      }
      return `${id}.${attr}-${deployment}`;
    }
    if ('Fn::Join' in o) {
      const [delimiter, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(resolve(p))).join(delimiter);
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v)]));
  };
  return resolve;
}

const ofType = (template: TemplateJson, type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** Every principal ARN the retained secrets and key name, as one deployment resolves them. */
function retainedPrincipals(template: TemplateJson, stackName: string, deployment: string) {
  const resolve = deployed(template, stackName, deployment);
  const variables = ofType(template, 'AWS::Lambda::Function').map(
    ([, f]) =>
      (f.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
  );
  const scopeFunctions = variables
    .filter((v) => v[ENV.systemPolicyPrincipals] !== undefined)
    .map((v) => String(resolve(v[ENV.systemPolicyPrincipals])).split(','));
  const migration = variables
    .filter((v) => v[ENV.scopePolicyPrincipals] !== undefined)
    .map((v) => JSON.parse(String(resolve(v[ENV.scopePolicyPrincipals]))) as Record<string, string[]>);
  const [, key] = ofType(template, 'AWS::KMS::Key')[0] as [string, Resource];
  type KeyPolicy = { Statement: { Condition?: Record<string, Record<string, unknown>> }[] };
  const keyPolicy = ((key.Properties?.KeyPolicy as KeyPolicy | undefined)?.Statement ?? [])
    .flatMap((s) => s.Condition?.ArnNotEquals?.['aws:PrincipalArn'] ?? [])
    .map(resolve);
  return { scopeFunctions, migration, keyPolicy };
}

/** A fresh app (a new synthesis, as a replacement deployment would run) with the broker stack. */
const synth = (stackName: string, region = REGION) =>
  synthBroker(
    { stackName, env: { account: ACCOUNT, region } },
    new App({ outdir: scratchDir('replace-'), context: { 'aws:cdk:bundling-stacks': [] } }),
  );

describe('replacing the stack', () => {
  it('grants the same principals in a second deployment under the same name', () => {
    // Act
    const first = retainedPrincipals(
      synth('ThvSecretBroker').template.toJSON() as TemplateJson,
      'ThvSecretBroker',
      'deploy1',
    );
    const second = retainedPrincipals(
      synth('ThvSecretBroker').template.toJSON() as TemplateJson,
      'ThvSecretBroker',
      'deploy2',
    );
    // Assess
    expect(first.scopeFunctions.length).toBe(4);
    expect(first.keyPolicy.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  it('names in those lists exactly the roles the stack creates, by name', () => {
    // Prepare
    const template = synth('ThvSecretBroker').template.toJSON() as TemplateJson;
    const roleNames = ofType(template, 'AWS::IAM::Role').map(([, r]) => r.Properties?.RoleName);
    // Act
    const { scopeFunctions } = retainedPrincipals(template, 'ThvSecretBroker', 'deploy1');
    // Assess: the scope's own role, then the migration role, both literal names of this stack's roles.
    for (const principals of scopeFunctions)
      for (const arn of principals)
        expect(roleNames).toContain(arn.slice(arn.indexOf(':role/') + ':role/'.length));
  });

  it('keeps role names within 64 characters and unique per stack name, construct and region', () => {
    // Prepare
    // The longest the migration's state machine name (`<stack>-legacy-migration`, ≤ 80) allows.
    const long = `A${'b'.repeat(62)}`;
    const names = [
      synth('ThvSecretBroker'),
      synth('ThvSecretBroker2'),
      synth('ThvSecretBroker', 'us-east-1'),
      synth(long),
      synth(`${long.slice(0, 62)}c`),
    ].flatMap(({ template }) =>
      ofType(template.toJSON() as TemplateJson, 'AWS::IAM::Role')
        .map(([, r]) => r.Properties?.RoleName)
        .filter((n): n is string => typeof n === 'string'),
    );
    // Assess
    expect(names.length).toBe(5 * 6); // user, migration and four scope functions in each
    expect(names.filter((n) => n.length > MAX_ROLE_NAME_LENGTH)).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(
      names.find((n) => /^ThvSecretBroker-Broker-Scope-workloads-[0-9a-f]{8}-eu-west-1$/.test(n)),
    );
  });
});
