/**
 * Context keys as an operator types them: an unknown key spelt like a setting stops the synth
 * naming the nearest setting; the CDK's own keys pass; `migrationStartOnDeploy` is the plan-first
 * switch. The last tests run the real `cdk synth` CLI, which adds context keys of its own.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, stackFromContext } from '../../app/context.js';
import { unknownContextKeyProblems } from '../../app/context-keys.js';
import { scratchDir, synthBroker } from './support/synth.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('unknown context keys', () => {
  it('refuses a misspelt setting, naming the nearest one', () => {
    expect(() => stackFromContext({ recoveryWindowDay: '14' })).toThrow(
      /context key "recoveryWindowDay": not a setting; did you mean "recoveryWindowDays"\?/,
    );
  });

  it('names the nearest setting for a word that is only close', () => {
    expect(
      unknownContextKeyProblems(['scope', 'userRoles', 'stackname'], ['stackName', 'scopes', 'userRoleArns']),
    ).toEqual([
      'context key "scope": not a setting; did you mean "scopes"?',
      'context key "userRoles": not a setting; did you mean "userRoleArns"?',
      'context key "stackname": not a setting; did you mean "stackName"?',
    ]);
  });

  it("leaves the CDK's own keys alone: those with ':', '/', '@', '.' or '-' in their name", () => {
    // Act
    const result = stackFromContext({
      'aws:cdk:bundling-stacks': [],
      'aws:cdk:enable-path-metadata': true,
      '@aws-cdk/core:stackRelativeExports': true,
      'cli-telemetry': false,
      'acknowledged-issue-numbers': [12345],
      'availability-zones:account=111122223333:region=eu-west-1': ['eu-west-1a'],
    });
    // Assess
    expect(result.stackName).toBe('ThvSecretBroker');
  });
});

describe('docs/deploy.md', () => {
  it('lists every setting in its table of -c keys', () => {
    const docs = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    expect(
      CONTEXT_KEYS.filter(
        (key) => !new RegExp(`^\\| \`${key}\``, 'm').test(docs) && !docs.includes(`/ \`${key}\` |`),
      ),
    ).toEqual([]);
  });
});

describe('migrationStartOnDeploy', () => {
  it('turns the first-deploy start off with -c migrationStartOnDeploy=false', () => {
    // Act
    const { props } = stackFromContext({ migrationStartOnDeploy: 'false' });
    const { template } = synthBroker(props);
    // Assess
    expect(props.migration).toEqual({ startOnDeploy: false });
    template.resourceCountIs('Custom::AWS', 0);
  });

  it('keeps the start with true, and refuses anything but true or false', () => {
    expect(stackFromContext({ migrationStartOnDeploy: true }).props.migration).toEqual({
      startOnDeploy: true,
    });
    expect(() => stackFromContext({ migrationStartOnDeploy: 'no' })).toThrow(
      /context key "migrationStartOnDeploy": expected true or false/,
    );
  });
});

/** `npx cdk synth` in the repository with the given `-c` arguments, without AWS credentials. */
function cdkSynth(args: string[]): { status: number | null; stderr: string; outdir: string } {
  const outdir = scratchDir('cdk-cli-');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith('AWS_') && key !== 'AWS_EC2_METADATA_DISABLED') delete env[key];
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '-o', outdir, ...args], {
    cwd: REPO,
    env,
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr, outdir };
}

describe('the real cdk CLI', () => {
  it('stops `cdk synth -c recoveryWindowDay=14`, naming the key and the setting', () => {
    // Act
    const { status, stderr } = cdkSynth(['-c', 'recoveryWindowDay=14']);
    // Assess
    expect(status).not.toBe(0);
    expect(stderr).toMatch(
      /context key "recoveryWindowDay": not a setting; did you mean "recoveryWindowDays"\?/,
    );
  }, 120_000);

  it('synthesizes `-c migrationStartOnDeploy=false` with every key the CLI adds itself', () => {
    // Act
    const { status, stderr, outdir } = cdkSynth(['-c', 'migrationStartOnDeploy=false']);
    // Assess
    expect(stderr).not.toMatch(/not a setting/);
    expect(status).toBe(0);
    const template = readFileSync(join(outdir, 'ThvSecretBroker.template.json'), 'utf8');
    expect(template).not.toContain('Custom::AWS');
  }, 120_000);
});
