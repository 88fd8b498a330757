/**
 * The CDK app: `createApp` runs the cdk-nag checks at synth, and `app/main.ts` as the CLI runs it
 * (context in CDK_CONTEXT_JSON) stops the synth naming the key of a bad setting; a good one
 * synthesizes with no AWS credentials, and the template passes cfn-lint where it is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/app.js';
import { roleArn } from './support/arns.js';
import { scratchDir } from './support/synth.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Runs app/main.ts as `cdk synth` would, without credentials and without bundling. */
function runApp(context: Record<string, unknown>): { status: number | null; stderr: string; outdir: string } {
  const outdir = scratchDir('app-');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith('AWS_') && key !== 'AWS_EC2_METADATA_DISABLED') delete env[key];
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
    cwd: REPO,
    env: {
      ...env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
    },
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr, outdir };
}

/** The violations the synth's validation report lists (CDK writes it next to the templates). */
function reportedViolations(outdir: string): { ruleName: string; severity: string; paths: string[] }[] {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: {
      violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
    }[];
  };
  return report.pluginReports.flatMap((p) =>
    p.violations.map((v) => ({
      ruleName: v.ruleName,
      severity: v.severity,
      paths: v.violatingConstructs.map((c) => c.constructPath),
    })),
  );
}

describe('createApp', () => {
  it('fails the synth on a wildcard grant nobody acknowledged, reporting AwsSolutions-IAM5 as an error', () => {
    // Prepare
    const outdir = scratchDir('app-nag-');
    const { app, stack } = createApp({ context: { 'aws:cdk:bundling-stacks': [] }, outdir });
    new iam.Role(stack, 'Careless', { assumedBy: new iam.AccountRootPrincipal() }).addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
    );

    // Act
    const act = () => app.synth();

    // Assess: run in memory (not by the CDK CLI), the synth throws the report itself.
    expect(act).toThrow(/ERROR [\s\S]*Careless\/DefaultPolicy[\s\S]*AwsSolutions-IAM5\[Resource::\*\]/);
    expect(reportedViolations(outdir)).toContainEqual({
      ruleName: 'AwsSolutions-IAM5[Resource::*]',
      severity: 'error',
      paths: [`${stack.stackName}/Careless/DefaultPolicy/Resource`],
    });
  });

  it('synthesizes the stack with no unacknowledged cdk-nag finding', () => {
    // Prepare
    const outdir = scratchDir('app-clean-');
    const { app, stack } = createApp({
      context: {
        'aws:cdk:bundling-stacks': [],
        userRoleArns: roleArn('platform-dev'),
        scopeCallerRoleArns: `{"registry":["${roleArn('registry-svc')}"]}`,
        legacyFallback: 'until-migrated',
      },
      outdir,
    });

    // Act
    const assembly = app.synth();

    // Assess
    expect(reportedViolations(outdir)).toEqual([]);
    expect(assembly.getStackByName(stack.stackName).template).toHaveProperty('Resources');
  });

  it('names the context key of scope callers for a scope the broker does not have', () => {
    // Act
    const act = () =>
      createApp({
        context: { scopeCallerRoleArns: `{"nope":["${roleArn('x')}"]}` },
        outdir: scratchDir('app-'),
      });

    // Assess
    expect(act).toThrow(
      /^ThvSecretBroker: invalid SecretBrokerStack props:\n- scopeCallerRoleArns: scope "nope"/,
    );
  });
});

describe('app/main.ts', () => {
  it('stops the synth with a message naming the context key of a bad value', () => {
    // Act
    const { status, stderr } = runApp({ recoveryWindowDays: '3' });

    // Assess
    expect(status).toBe(1);
    expect(stderr).toMatch(/recoveryWindowDays: must be a whole number of days from 7 to 30, got 3/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('stops the synth naming the setting a key spelt in another case means', () => {
    // Act
    const { status, stderr } = runApp({ legacyfallback: 'until-migrated' });

    // Assess
    expect(status).toBe(1);
    expect(stderr).toMatch(/context key "legacyfallback": not a setting; did you mean "legacyFallback"\?/);
  });

  describe('with good settings', () => {
    let run: ReturnType<typeof runApp>;
    beforeAll(() => {
      run = runApp({ scopes: 'workloads,registry', stackName: 'BrokerAppTest' });
    });

    it('synthesizes the stack with the cdk-nag checks and no AWS credentials', () => {
      // Assess
      expect(run.stderr).not.toMatch(/AwsSolutions-/);
      expect(run.status).toBe(0);
      expect(existsSync(join(run.outdir, 'BrokerAppTest.template.json'))).toBe(true);
    });

    it('writes a template cfn-lint accepts', (ctx) => {
      // Prepare
      const lint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
      if (lint.error !== undefined) {
        console.log('skipping cfn-lint: cfn-lint is not on PATH (pip install cfn-lint to run it)');
        ctx.skip();
      }

      // Act
      // W3005 (DependsOn next to a GetAtt) is how CDK orders a function after its role's policy.
      const out = (() => {
        try {
          return execFileSync(
            'cfn-lint',
            ['--ignore-checks', 'W3005', '--', join(run.outdir, 'BrokerAppTest.template.json')],
            {
              encoding: 'utf8',
            },
          );
        } catch (error) {
          return String((error as { stdout?: string }).stdout ?? error);
        }
      })();

      // Assess
      expect(out.trim()).toBe('');
    });
  });
});
