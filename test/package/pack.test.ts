/**
 * The package as a platform team installs it: `npm pack` (which runs the build), the tarball
 * installed with aws-cdk-lib and constructs into a fresh CDK app in a temporary folder, the
 * construct snippet of docs/deploy.md as that app's code, synthesized with plain `node`. Long-running (a
 * pack, an install from the npm cache, a synth): its own generous timeouts.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  name: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** What only local mode, the tests and the build need: none of it may reach a consumer. */
const BUILD_AND_LOCAL_TOOLS = [
  'esbuild',
  'tsx',
  'typescript',
  'better-sqlite3',
  'aws-local-stepfunctions',
  'vitest',
  'aws-cdk',
  'cdk-nag',
  '@cloud-copilot/iam-simulate',
];

/** The block marked `<!-- snippet:construct-app -->` in docs/deploy.md: the app the docs tell users to write. */
function documentedConstructApp(docs: string): string {
  const match = /<!-- snippet:construct-app -->\n```js\n([\s\S]*?)```/.exec(docs);
  if (match?.[1] === undefined)
    throw new Error('docs/deploy.md has no <!-- snippet:construct-app --> js block');
  return match[1];
}

/** Runs a command to its end; throws with its output when it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const out = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (out.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${out.status}):\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

/** Every file below `dir`, relative to it. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
}

let work: string;
let appDir: string;
let installed: string;
let packedFiles: string[];
let template: Template;
let cdkOut: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'thv-pack-'));
  // Prepare: the tarball, as `npm pack` makes it (its `prepare` runs the build).
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], REPO)) as {
    filename: string;
    files: { path: string }[];
  }[];
  const tarball = join(work, packed[0]?.filename as string);
  packedFiles = (packed[0]?.files ?? []).map((f) => f.path).sort();

  // A fresh CDK app of its own, installing from the npm cache where it can.
  appDir = join(work, 'app');
  mkdirSync(appDir);
  writeFileSync(
    join(appDir, 'package.json'),
    JSON.stringify({ name: 'platform-app', version: '1.0.0', private: true, type: 'module' }),
  );
  run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      tarball,
      `aws-cdk-lib@${manifest.devDependencies['aws-cdk-lib']}`,
      `constructs@${manifest.devDependencies.constructs}`,
    ],
    appDir,
  );
  installed = join(appDir, 'node_modules', manifest.name);

  // Act: the documented snippet is the app; plain node runs it, the App writes to CDK_OUTDIR.
  writeFileSync(
    join(appDir, 'app.js'),
    documentedConstructApp(readFileSync(join(REPO, 'docs', 'deploy.md'), 'utf8')),
  );
  cdkOut = join(appDir, 'cdk.out');
  run('node', ['app.js'], appDir, { ...process.env, CDK_OUTDIR: cdkOut });
  template = JSON.parse(readFileSync(join(cdkOut, 'Platform.template.json'), 'utf8')) as Template;
}, 600_000);

afterAll(() => {
  if (work !== undefined && !process.env.KEEP_TEST_OUT) rmSync(work, { recursive: true, force: true });
});

/** Resources of one type. */
const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** The logical id of the role the app created under `id`. */
const roleId = (id: string): string => {
  const found = ofType('AWS::IAM::Role').find(([logicalId]) => logicalId.startsWith(id));
  if (found === undefined) throw new Error(`no role ${id}`);
  return found[0];
};

/** The managed policies attached to role `logicalId`, by logical id, in template order, with their statements. */
function managedPolicies(logicalId: string): [string, Record<string, unknown>[]][] {
  return ofType('AWS::IAM::ManagedPolicy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(`"${logicalId}"`))
    .map(([id, p]) => [
      id,
      (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    ]);
}

/** Policy statements of the inline policies attached to role `logicalId`. */
function inlineStatements(logicalId: string): Record<string, unknown>[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${logicalId}"`))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
}

describe('the packed package in a fresh CDK app', () => {
  it('exports the construct from compiled JavaScript with declarations', () => {
    expect(packedFiles).toContain('dist/lib/index.js');
    expect(packedFiles).toContain('dist/lib/index.d.ts');
    expect(readFileSync(join(installed, 'dist/lib/index.d.ts'), 'utf8')).toMatch(/SecretBroker\b/);
    expect(packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('ships one prebuilt bundle per handler and nothing of local mode', () => {
    for (const handler of ['user', 'scope', 'migration'])
      expect(packedFiles).toContain(`dist/lambda-bundles/${handler}/index.mjs`);
    expect(packedFiles.filter((f) => f.startsWith('dist/local/') || f.startsWith('test/'))).toEqual([]);
  });

  // The build emits what ships and nothing else: the compiled core and construct, the bundles.
  it('ships from dist/ only the core, the construct, the Lambda bundles and the CLI bundle', () => {
    const shipped = /^dist\/(core\/|lib\/|lambda-bundles\/|thv-broker\.mjs$)/;
    expect(packedFiles.filter((f) => f.startsWith('dist/') && !shipped.test(f))).toEqual([]);
    expect(packedFiles.some((f) => f.startsWith('dist/core/'))).toBe(true);
  });

  it('compiles nothing and runs no install script at install: the files are the tarball', () => {
    const installedManifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    for (const hook of ['preinstall', 'install', 'postinstall'])
      expect(installedManifest.scripts?.[hook]).toBeUndefined();
    // `prepare` (the build) is in the manifest for clones, but npm does not run it for a tarball:
    // had it run, the installed files would differ from the packed ones (or the install failed).
    expect(filesBelow(installed).filter((f) => !f.startsWith('node_modules/'))).toEqual(packedFiles);
  });

  it('brings no build tool, nor what only local mode and the tests use', () => {
    const modules = join(appDir, 'node_modules');
    const present = BUILD_AND_LOCAL_TOOLS.filter(
      (name) => existsSync(join(modules, name)) || existsSync(join(installed, 'node_modules', name)),
    );
    expect(present).toEqual([]);
    expect(Object.keys(manifest.dependencies).filter((d) => BUILD_AND_LOCAL_TOOLS.includes(d))).toEqual([]);
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
  });

  it("deploys the package's own prebuilt bundles as the functions' code", () => {
    const bundle = (handler: string) =>
      readFileSync(join(installed, 'dist/lambda-bundles', handler, 'index.mjs'), 'utf8');
    const byHandler = new Map(['user', 'scope', 'migration'].map((h) => [bundle(h), h]));
    const assets = JSON.parse(readFileSync(join(cdkOut, 'Platform.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string } }>;
    };
    const deployed = ofType('AWS::Lambda::Function').flatMap(([, fn]) => {
      const hash = (fn.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
      const staged = join(cdkOut, assets.files[hash]?.source.path as string, 'index.mjs');
      const handler = existsSync(staged) ? byHandler.get(readFileSync(staged, 'utf8')) : undefined;
      return handler === undefined ? [] : [{ handler, entry: fn.Properties.Handler }];
    });
    // One user function, one function per scope (workloads, registry), the migration job's.
    expect(deployed.map((d) => d.handler).sort()).toEqual(['migration', 'scope', 'scope', 'user']);
    expect(new Set(deployed.map((d) => d.entry))).toEqual(new Set(['index.handler']));
  });

  it('gives the user role the user access policy (user routes, both guards) and the perimeter, nothing inline', () => {
    const id = roleId('Developers');
    expect(inlineStatements(id)).toEqual([]);
    const attached = managedPolicies(id);
    expect(attached.map(([logicalId]) => logicalId.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'BrokerPerimeterPolicy',
      'BrokerUserAccessPolicy',
    ]);
    const invoke = attached.flatMap(([, statements]) =>
      statements.filter((s) => s.Action === 'execute-api:Invoke'),
    );
    expect(invoke).toHaveLength(1);
    expect(JSON.stringify(invoke[0]?.Resource)).toContain('/v1/secrets');
    expect(JSON.stringify(invoke[0]?.Resource)).not.toContain('/v1/scopes/');
  });

  it("gives the service role that scope's access policy (its routes, the guard) and the perimeter, nothing inline", () => {
    const id = roleId('Runner');
    expect(inlineStatements(id)).toEqual([]);
    const attached = managedPolicies(id);
    expect(attached.map(([logicalId]) => logicalId.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'BrokerPerimeterPolicy',
      'BrokerScopeAccessPolicyworkloads',
    ]);
    const invoke = attached.flatMap(([, statements]) =>
      statements.filter((s) => s.Action === 'execute-api:Invoke'),
    );
    expect(invoke).toHaveLength(1);
    const resources = JSON.stringify(invoke[0]?.Resource);
    expect(resources).toContain('/v1/scopes/workloads/secrets');
    expect(resources).not.toContain('/v1/scopes/registry/');
    expect(resources).not.toContain('/v1/secrets');
  });

  it('installs only what the construct needs: the CLI carries its SDK clients and commander', () => {
    const nodeModules = join(appDir, 'node_modules');
    const cliOnly = [
      'commander',
      '@aws-sdk/client-sfn',
      '@aws-sdk/client-lambda',
      '@aws-sdk/credential-providers',
    ];
    expect(cliOnly.filter((name) => existsSync(join(nodeModules, name)))).toEqual([]);
    expect(Object.keys(manifest.dependencies)).toEqual(['zod']);
  });

  it('yields the outputs every later step needs, under the names the CLI and the docs use', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'ApiId',
        'UserAccessPolicyArn',
        'ScopeAccessPolicyArnWorkloads',
        'ScopeAccessPolicyArnRegistry',
        'KeyArn',
        'MigrationStateMachineArn',
        'MigrationFunctionName',
        'MigrationFunctionArn',
        'MigrationFlagParameter',
      ]),
    );
  });

  it('runs the CLI from compiled JavaScript, and says plainly that local mode needs a clone', () => {
    const bin = join(appDir, 'node_modules', '.bin', 'thv-broker');
    expect(spawnSync(bin, ['--help'], { encoding: 'utf8' }).status).toBe(0);

    const local = spawnSync(bin, ['migrate', 'plan', '--local'], { encoding: 'utf8' });
    expect(local.status).toBe(1);
    expect(local.stderr).toMatch(/only a clone of thv-secret-broker has/);
    expect(local.stderr).not.toMatch(/\n\s+at /);
  });
});
