/** `thv-broker migrate plan|start|status`: the one-shot legacy-key migration (docs/design.md §5). */
import { Command, Option } from '@commander-js/extra-typings';
import type { MigrationPlan, MigrationTotals } from '../../core/index.js';
import type {
  BackendOptions,
  LocalBackendFactory,
  MigrationBackend,
  StatusReport,
} from '../../core/migration-operator.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { awsMigrationBackend } from '../migration-aws.js';
import { Output } from '../output.js';
import { progressReporter } from '../progress.js';

/** Exit code when some key failed (the flag stays unset; run `migrate start` again). */
const EXIT_INCOMPLETE = 1;

/** What the migrate commands are built from. */
export interface MigrateDeps {
  readonly io: CliIo;
  /** `--json` of the program. */
  readonly json: () => boolean;
  /** `--region` of the program (the one region option of the CLI). */
  readonly region: () => string | undefined;
  /** The local backend, supplied by the entry point. */
  readonly local?: LocalBackendFactory;
  /** Sets the process's exit code. */
  readonly exit: (code: number) => void;
}

interface MigrateOptions {
  local?: true;
  awsEndpoint?: string;
  stateMachineArn?: string;
  function?: string;
  flagParameter?: string;
  awsRegion?: string;
}

/** Builds the backend the options ask for. */
async function backendOf(options: MigrateOptions, deps: MigrateDeps): Promise<MigrationBackend> {
  const settings: BackendOptions = {
    env: deps.io.env,
    ...(options.awsEndpoint ? { awsEndpoint: options.awsEndpoint } : {}),
    ...(options.stateMachineArn ? { stateMachineArn: options.stateMachineArn } : {}),
    ...(options.function ? { functionName: options.function } : {}),
    ...(options.flagParameter ? { flagParameter: options.flagParameter } : {}),
    ...regionOf(options, deps),
  };
  if (options.local) {
    // The installed package ships no local mode (lib/ and local/ run only from a clone).
    if (deps.local === undefined)
      throw new UsageError(
        '--local runs the migration against the local broker (npm start), which only a clone of thv-secret-broker has: run it from a clone (npm ci, then npm start), or drop --local to use a deployed stack',
      );
    return deps.local(settings);
  }
  return awsMigrationBackend(settings);
}

/**
 * The stack's region: the global `--region`. `--aws-region`, the option `migrate` had before there
 * was one region option, still works for scripts that pass it, with a note on stderr; both at once
 * must agree.
 */
function regionOf(options: MigrateOptions, deps: MigrateDeps): { region?: string } {
  const region = deps.region();
  const old = options.awsRegion;
  if (old === undefined) return region ? { region } : {};
  if (region !== undefined && region !== old)
    throw new UsageError(`--aws-region ${old} and --region ${region} disagree: pass --region only`);
  deps.io.stderr.write('thv-broker: --aws-region is deprecated: pass --region instead\n');
  return { region: old };
}

const withBackendOptions = <T extends Command<[], Record<string, unknown>>>(command: T) =>
  command
    .option('--local', 'run against `npm start` on this machine (its AWS endpoint, BROKER_AWS_PORT)')
    .option(
      '--aws-endpoint <url>',
      'local: the AWS endpoint of npm start (default http://127.0.0.1:$BROKER_AWS_PORT or 4566)',
    )
    .option('--state-machine-arn <arn>', 'deployed: the job (stack output MigrationStateMachineArn)')
    .option(
      '--function <name>',
      'deployed: the job’s function, for plan (stack output MigrationFunctionName)',
    )
    .option('--flag-parameter <name>', 'deployed: the flag parameter (stack output MigrationFlagParameter)')
    // Hidden: --region (global) is the one region option; this name is kept for existing scripts.
    .addOption(new Option('--aws-region <region>').hideHelp());

function planLines(plan: MigrationPlan, done: boolean): string[] {
  const work = plan.counts.moves + plan.counts.conflicts + plan.counts.adopt;
  const lines = [
    !done
      ? 'The migration is pending (flag unset).'
      : work === 0
        ? 'The migration is done (flag set); a run would change nothing.'
        : 'The migration is done (flag set), but keys were written since: `thv-broker migrate start` moves them (the flag stays set).',
    `listed ${plan.listed} keys: ${plan.counts.moves} to move, ${plan.counts.conflicts} already scoped (scoped value wins, bare key deleted), ${plan.counts.adopt} to adopt as user keys, ${plan.counts.unmovable} that cannot move, ${Object.values(plan.skipped).reduce((a, b) => a + b, 0)} left alone`,
  ];
  if (plan.moves.length > 0) lines.push('', 'MOVE (legacy key → scoped key)');
  for (const m of plan.moves) lines.push(`  ${m.from} → ${m.to}`);
  if (plan.conflicts.length > 0)
    lines.push('', 'ALREADY SCOPED (the scoped value wins; the bare key is deleted)');
  for (const m of plan.conflicts)
    lines.push(
      m.differs
        ? `  ${m.from} → ${m.to}  differs (the bare value is kept restorable: deleted with the recovery window)`
        : `  ${m.from} → ${m.to}`,
    );
  if (plan.adopt.length > 0)
    lines.push('', 'ADOPT (tagged thv:owner=user, readable through the user routes)');
  for (const k of plan.adopt) lines.push(`  ${k}`);
  if (plan.unmovable.length > 0) lines.push('', 'CANNOT MOVE (left as they are; see docs/migration.md)');
  for (const u of plan.unmovable) lines.push(`  ${u.key}: ${u.reason}`);
  if (plan.truncated)
    lines.push('', 'Lists are cut at 1,000 entries each; the counts above are exact (--json for scripts).');
  return lines;
}

function totalsLine(t: MigrationTotals): string {
  return `migrated ${t.migrated}, already scoped ${t.alreadyScoped}, differs ${t.differs}, adopted ${t.adopted}, skipped ${t.skipped + t.missing}, cannot move ${t.stuck}, failed ${t.failed}`;
}

function statusLines(report: StatusReport): string[] {
  const lines = [report.flag === undefined ? 'flag: unset (migration pending)' : `flag: ${report.flag}`];
  if (report.executions.length > 0) lines.push('', 'EXECUTION  STATUS  STARTED  STOPPED');
  for (const e of report.executions) {
    lines.push(`${e.name}  ${e.status}  ${e.startedAt ?? '-'}  ${e.stoppedAt ?? '-'}`);
    if (e.error) lines.push(`  ${e.error}`);
  }
  return lines;
}

/** Builds the `migrate` command. */
export function migrateCommand(deps: MigrateDeps) {
  const out = () => new Output(deps.io, deps.json());
  const migrate = new Command('migrate').description(
    'the one-shot migration of bare legacy system keys into their scopes (plan, start, status)',
  );
  migrate.addCommand(
    withBackendOptions(new Command('plan'))
      .description(
        'dry run: every legacy key and what it would become, conflicts, keys to adopt; writes nothing',
      )
      .action(async (options) => {
        const { plan, done } = await (await backendOf(options, deps)).plan();
        out().result({ done, ...plan }, planLines(plan, done));
      }),
  );
  migrate.addCommand(
    withBackendOptions(new Command('start'))
      .description('local: run the job to its end with progress; deployed: start an execution')
      .option(
        '--name <name>',
        'execution name (a fresh one by default; the stack’s own first run is legacy-migration-v1)',
      )
      .action(async (options) => {
        const backend = await backendOf(options, deps);
        // No dry-run listing first for a total: it would read the whole store once more (and even
        // when the flag is set); progress counts keys against what the job has listed so far.
        const progress = progressReporter(deps.io.stderr);
        const report = await backend.start({
          ...(options.name ? { name: String(options.name) } : {}),
          onProgress: (p) => progress.update(p),
        });
        progress.done();
        const failed = report.totals?.failed ?? 0;
        const lines = report.alreadyDone
          ? ['The migration is already done (flag set); nothing to do.']
          : report.finished
            ? [
                failed === 0
                  ? 'The migration finished; the flag is set.'
                  : 'The migration did not finish; the flag is NOT set.',
                ...(report.totals ? [totalsLine(report.totals)] : []),
                ...(report.totals?.failedKeys ?? []).map((f) => `  failed: ${f.key} (${f.reason})`),
                ...(report.totals?.stuckKeys ?? []).map((f) => `  cannot move: ${f.key} (${f.reason})`),
                ...(report.totals?.differsKeys ?? []).map(
                  (k) => `  differs: ${k} (scoped value kept; bare value restorable for the recovery window)`,
                ),
                ...(failed > 0
                  ? ['Fix the cause and run `thv-broker migrate start` again: finished keys are skipped.']
                  : []),
              ]
            : [
                `Started ${report.executions.map((e) => e.name).join(', ')}.`,
                'Watch it with `thv-broker migrate status` (same options).',
              ];
        out().result(report, lines);
        if (failed > 0) deps.exit(EXIT_INCOMPLETE);
      }),
  );
  migrate.addCommand(
    withBackendOptions(new Command('status'))
      .description('the flag and the recent executions')
      .action(async (options) => {
        const report = await (await backendOf(options, deps)).status();
        out().result(report, statusLines(report));
      }),
  );
  return migrate;
}
