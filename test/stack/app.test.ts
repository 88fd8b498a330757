/**
 * The CDK app as the CLI runs it (`bin/app.ts` with context in CDK_CONTEXT_JSON): a bad setting
 * stops the synth naming the key; a good one synthesizes with cdk-nag and no AWS credentials, and
 * the template passes cfn-lint where it is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from './support/synth.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Runs bin/app.ts as `cdk synth` would, without credentials and without bundling. */
function runApp(context: Record<string, unknown>): { status: number | null; stderr: string; outdir: string } {
  const outdir = scratchDir('app-');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith('AWS_') && key !== 'AWS_EC2_METADATA_DISABLED') delete env[key];
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
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

describe('bin/app.ts', () => {
  it('stops the synth with a message naming the context key of a bad value', () => {
    // Act
    const { status, stderr } = runApp({ recoveryWindowDays: '3' });

    // Assess
    expect(status).toBe(1);
    expect(stderr).toMatch(/recoveryWindowDays: must be a whole number of days from 7 to 30, got 3/);
    expect(stderr).not.toMatch(/\n\s+at /);
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
