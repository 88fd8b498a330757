/**
 * Props validation: bad construct props and bad context values fail at construction, naming the
 * construct's path, the prop and the fix.
 */
import { Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app/app.js';
import { stackFromContext } from '../../app/context.js';
import { resolveBrokerProps, type SecretBrokerProps } from '../../lib/props.js';
import { SecretBroker } from '../../lib/secret-broker.js';
import { roleArn } from './support/arns.js';
import { scratchDir, synthBroker, testApp } from './support/synth.js';

/** The message a `SecretBroker` at `Test/Broker` throws for `props`, or '' when it takes them. */
const problemsOf = (props: SecretBrokerProps): string => {
  try {
    new SecretBroker(new Stack(testApp(), 'Test'), 'Broker', props);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('SecretBroker props', () => {
  it('applies the design defaults', () => {
    // Act
    const resolved = resolveBrokerProps(new Construct(testApp(), 'Broker'), {});

    // Assess
    expect(resolved).toMatchObject({
      root: 'toolhive/',
      scopes: ['workloads', 'registry', 'auth', 'llm'],
      legacyFallback: 'never',
      recoveryWindowDays: 7,
      rateLimit: 50,
      burstLimit: 100,
      migration: { maxConcurrency: 10, batchSize: 10, startOnDeploy: true },
    });
  });

  it('rejects a root that does not end in "/"', () => {
    // Act
    const message = problemsOf({ root: 'toolhive' });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- root: root "toolhive" must .* end with "\/"/,
    );
  });

  it('rejects a scope name with an underscore', () => {
    // Act
    const message = problemsOf({ scopes: ['work_loads'] });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- scopes: scope "work_loads" must match/,
    );
  });

  it('rejects a scope listed twice', () => {
    // Act
    const message = problemsOf({ scopes: ['auth', 'auth'] });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- scopes: scopes are listed twice: auth/,
    );
  });

  it('rejects an empty scope list', () => {
    // Act
    const message = problemsOf({ scopes: [] });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- scopes: at least one scope is required/,
    );
  });

  it('rejects a recovery window outside 7–30 days', () => {
    // Act
    const message = problemsOf({ recoveryWindowDays: 3 });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- recoveryWindowDays: must be a whole number of days from 7 to 30, got 3/,
    );
  });

  it('rejects an unknown legacy fallback mode', () => {
    // Act
    const message = problemsOf({ legacyFallback: 'always' as never });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- legacyFallback: must be one of never, until-migrated/,
    );
  });

  it('rejects a legacy prefix that maps to a scope the broker does not have', () => {
    // Act
    const message = problemsOf({ scopes: ['registry'] });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- legacyPrefixes: legacy prefix "BEARER_TOKEN_" maps to scope "workloads"/,
    );
  });

  it('rejects a break-glass entry that is not a role ARN', () => {
    // Act
    const message = problemsOf({ breakGlassRoleArns: ['arn:aws:iam::111122223333:user/alice'] });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- breakGlassRoleArns: .* is not an IAM role ARN/,
    );
  });

  it('rejects a migration flag parameter name without a leading "/"', () => {
    // Act
    const message = problemsOf({ migrationFlagParameterName: 'flag' });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- migrationFlagParameterName: "flag" must start with "\/"/,
    );
  });

  it('rejects a throttling rate that is not positive', () => {
    // Act
    const message = problemsOf({ throttling: { rateLimit: 0 } });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- throttling.rateLimit: must be a positive number/,
    );
  });

  it('rejects a fractional burst limit', () => {
    // Act
    const message = problemsOf({ throttling: { burstLimit: 1.5 } });

    // Assess
    expect(message).toMatch(
      /^Test\/Broker: invalid SecretBroker props:\n- throttling.burstLimit: must be a positive whole number/,
    );
  });

  it('reports every problem in one error', () => {
    // Act
    const message = problemsOf({ root: 'x', recoveryWindowDays: 99, throttling: { rateLimit: -1 } });

    // Assess
    expect(message.split('\n- ')).toEqual([
      'Test/Broker: invalid SecretBroker props:',
      expect.stringMatching(/^root: /),
      expect.stringMatching(/^recoveryWindowDays: /),
      expect.stringMatching(/^throttling.rateLimit: /),
    ]);
  });

  it('builds one scope function per configured scope', () => {
    // Act
    const { template } = synthBroker({ scopes: ['workloads', 'registry', 'billing'], root: 'acme/' });

    // Assess: the user function, three scope functions, the migration's steps and the CDK's custom-resource provider.
    template.resourceCountIs('AWS::Lambda::Function', 6);
    const descriptions = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (r) => (r as { Properties: { Description?: string } }).Properties.Description ?? '',
    );
    expect(descriptions.filter((d) => d.includes('system secrets of scope')).length).toBe(3);
  });

  it('rejects a user role entry that is not a role ARN, naming the stack prop', () => {
    // Act
    const act = () => synthBroker({ userRoleArns: ['platform-dev'] });

    // Assess
    expect(act).toThrow(
      /^Broker: invalid SecretBrokerStack props:\n- userRoleArns: "platform-dev" is not an IAM role ARN/,
    );
  });

  it('rejects a migration operator entry that is not a role ARN, naming the stack prop', () => {
    // Act
    const act = () => synthBroker({ migrationOperatorRoleArns: ['ops'] });

    // Assess
    expect(act).toThrow(
      /^Broker: invalid SecretBrokerStack props:\n- migrationOperatorRoleArns: "ops" is not an IAM role ARN/,
    );
  });

  it('refuses a migration operator that also holds user or scope access: the access denies it the job', () => {
    // Act
    const asUser = () =>
      synthBroker({ userRoleArns: [roleArn('ops')], migrationOperatorRoleArns: [roleArn('ops')] });
    const asService = () =>
      synthBroker({
        scopeCallerRoleArns: { workloads: [roleArn('ops')] },
        migrationOperatorRoleArns: [roleArn('ops')],
      });

    // Assess
    expect(asUser).toThrow(
      /^Broker\/Broker: .*role\/ops cannot both hold user or scope access and operate the migration/,
    );
    expect(asService).toThrow(
      /^Broker\/Broker: .*role\/ops cannot both hold user or scope access and operate the migration/,
    );
  });

  it('rejects scope callers for a scope the broker does not have', () => {
    // Act
    const act = () => synthBroker({ scopeCallerRoleArns: { billing: [roleArn('svc')] } });

    // Assess
    expect(act).toThrow(
      /^Broker: invalid SecretBrokerStack props:\n- scopeCallerRoleArns: scope "billing" is not one of this broker's scopes/,
    );
  });
});

describe('context', () => {
  it('reads -c strings: a comma list, numbers and a JSON table', () => {
    // Act
    const { props } = stackFromContext({
      scopes: 'workloads, registry',
      recoveryWindowDays: '14',
      throttlingRateLimit: '5',
      legacyPrefixes: '[{"prefix":"REGISTRY_OAUTH_","scope":"registry"}]',
      scopeCallerRoleArns: '{"registry":["arn:aws:iam::111122223333:role/svc"]}',
      migrationOperatorRoleArns: 'arn:aws:iam::111122223333:role/ops',
    });

    // Assess
    expect(props).toEqual({
      migrationOperatorRoleArns: ['arn:aws:iam::111122223333:role/ops'],
      scopes: ['workloads', 'registry'],
      recoveryWindowDays: 14,
      throttling: { rateLimit: 5 },
      legacyPrefixes: [{ prefix: 'REGISTRY_OAUTH_', scope: 'registry' }],
      scopeCallerRoleArns: { registry: ['arn:aws:iam::111122223333:role/svc'] },
    });
  });

  it('reads cdk.json values given as JSON', () => {
    // Act
    const { stackName, props } = stackFromContext({
      stackName: 'Broker-Prod',
      scopes: ['auth'],
      recoveryWindowDays: 30,
    });

    // Assess
    expect({ stackName, props }).toEqual({
      stackName: 'Broker-Prod',
      props: { scopes: ['auth'], recoveryWindowDays: 30, legacyPrefixes: [] },
    });
  });

  it('keeps every default when no key is set', () => {
    // Act
    const result = stackFromContext({});

    // Assess
    expect(result).toEqual({ stackName: 'ThvSecretBroker', props: {} });
  });

  it('names the key of a value that is not a number', () => {
    // Act
    const act = () => stackFromContext({ recoveryWindowDays: 'two weeks' });

    // Assess
    expect(act).toThrow(/context key "recoveryWindowDays": expected a number/);
  });

  it('names the key of a legacy table that is not JSON', () => {
    // Act
    const act = () => stackFromContext({ legacyPrefixes: 'BEARER_TOKEN_=workloads' });

    // Assess
    expect(act).toThrow(
      /context key "legacyPrefixes": expected a JSON array of \{"prefix","scope"\} objects/,
    );
  });

  it('names the key of a log retention CloudWatch does not offer', () => {
    // Act
    const act = () => stackFromContext({ logRetentionDays: '8' });

    // Assess
    expect(act).toThrow(/context key "logRetentionDays": expected a CloudWatch Logs retention/);
  });

  it('names the key of an unknown legacy fallback mode', () => {
    // Act
    const act = () => stackFromContext({ legacyFallback: 'sometimes' });

    // Assess
    expect(act).toThrow(/context key "legacyFallback": expected "never" or "until-migrated"/);
  });
});

describe('context key spelling', () => {
  it('rejects a key spelt in another case, naming the setting it means', () => {
    // Act
    const act = () => stackFromContext({ legacyfallback: 'until-migrated' });

    // Assess
    expect(act).toThrow(/context key "legacyfallback": not a setting; did you mean "legacyFallback"\?/);
  });

  it('rejects a key spelt with a dash or underscore, naming the setting it means', () => {
    // Act
    const act = () => stackFromContext({ 'recovery-window-days': '14' });

    // Assess
    expect(act).toThrow(
      /context key "recovery-window-days": not a setting; did you mean "recoveryWindowDays"\?/,
    );
  });

  it("leaves the CDK's own context keys alone", () => {
    // Act
    const result = stackFromContext({
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:stackRelativeExports': true,
      'cli-telemetry': false,
    });

    // Assess
    expect(result).toEqual({ stackName: 'ThvSecretBroker', props: {} });
  });
});

/** `createApp` with `context`: the stack's one validator judges the props the context gives. */
const appWith = (context: Record<string, unknown>) => () =>
  createApp({ context: { 'aws:cdk:bundling-stacks': [], ...context }, outdir: scratchDir('app-') });

describe('context values the stack validates', () => {
  it('names the setting of scope callers for a scope the default broker does not have', () => {
    // Act
    const act = appWith({ scopeCallerRoleArns: `{"nope":["${roleArn('x')}"]}` });

    // Assess
    expect(act).toThrow(
      /^ThvSecretBroker: invalid SecretBrokerStack props:\n- scopeCallerRoleArns: scope "nope" is not one of this broker's scopes \(workloads, registry, auth, llm\)/,
    );
  });

  it('names the setting of scope callers for a scope left out of the scopes setting', () => {
    // Act
    const act = appWith({ scopes: 'registry', scopeCallerRoleArns: { workloads: [roleArn('svc')] } });

    // Assess
    expect(act).toThrow(
      /^ThvSecretBroker: invalid SecretBrokerStack props:\n- scopeCallerRoleArns: scope "workloads" is not one of this broker's scopes \(registry\)/,
    );
  });

  it('names the setting of a key ARN that is not one', () => {
    // Act
    const act = appWith({ encryptionKeyArn: 'arn:aws:kms:eu-west-1:111122223333:alias/broker' });

    // Assess
    expect(act).toThrow(
      /^ThvSecretBroker: invalid SecretBrokerStack props:\n- encryptionKeyArn: "arn:aws:kms:eu-west-1:111122223333:alias\/broker" is not a KMS key ARN/,
    );
  });
});
