/**
 * `thv-broker exec [--secret LIST]... [--scope-secret LIST]... [--all-secrets] [--scope-all SCOPE]...
 * [--toolhive] -- cmd args…`: runs a command with secrets in its environment, never on a command
 * line. The lists extend ToolHive's own `--secret NAME,target=ENV` syntax (exec-spec.ts); user
 * secrets come through the user routes and system secrets through their scope's routes, batch reads
 * of at most {@link MAX_BATCH_GET_KEYS} names per target (the split of ToolHive's
 * `WithSecrets(systemProvider, userProvider)`), all before the command starts, so a refused or
 * missing name means the command never runs. Signals: child.ts.
 */
import { Command } from '@commander-js/extra-typings';
import { MAX_BATCH_GET_KEYS } from '../../core/bulk.js';
import type { BrokerClient, Target } from '../api-client.js';
import { runCommand } from '../child.js';
import type { ContextFactory } from './context.js';
import {
  checkMappings,
  labelOf,
  nameVariables,
  parseSecretList,
  type SecretMapping,
  type SecretRequest,
} from './exec-spec.js';
import { listAll } from './list-all.js';

const HELP = `
LIST is one or more names separated by commas, each optionally followed by target=ENV, the
variable it becomes (ToolHive's NAME,target=ENV); a name without target= becomes the variable of
its own name. In --scope-secret, SCOPE:NAME starts a scope, and the names after it without a
SCOPE: belong to it. --all-secrets and --scope-all SCOPE take every key there is, each as the
variable of its own name. --toolhive names every variable TOOLHIVE_SECRET_<name> (the name
verbatim, any key), which is how ToolHive's environment secrets provider reads a secret.

All secrets of one target are read with one request per ${MAX_BATCH_GET_KEYS} names before the command
starts: a missing or refused name stops here with the broker's error and exit code, and the
command does not run. Values go into the command's environment only: never onto a command line,
stderr or a message. The command runs without a shell, in thv-broker's process group: Ctrl-C and
Ctrl-\\ reach it from the terminal once (thv-broker waits, it does not send another); SIGTERM,
SIGHUP, SIGUSR1, SIGUSR2 and every other signal that would end thv-broker are passed on to it.
Its exit code is thv-broker's (128 + n when signal n ended it, 127 when it is not found).

Examples:
  thv-broker exec --secret GITHUB_TOKEN,target=GH_TOKEN -- gh repo list
  thv-broker exec --secret GITHUB_TOKEN,OPENAI_API_KEY -- ./agent
  thv-broker exec --scope-secret workloads:BEARER_TOKEN_github,target=TOKEN,REGISTRY_OAUTH_ab12 -- ./serve
  thv-broker exec --scope-all workloads -- ./serve --port 8080
  thv-broker exec --toolhive --secret GITHUB_TOKEN -- thv run --secret GITHUB_TOKEN,target=GITHUB_PERSONAL_ACCESS_TOKEN github`;

/** The mappings of one target and its distinct names: one batch read per {@link MAX_BATCH_GET_KEYS}. */
interface TargetGroup {
  readonly target: Target;
  readonly names: Set<string>;
  readonly mappings: SecretMapping[];
}

/** The mappings by target (`user`, `scope:<scope>`), in command-line order, with their distinct names. */
function groupTargets(mappings: readonly SecretMapping[]): Map<string, TargetGroup> {
  const groups = new Map<string, TargetGroup>();
  for (const m of mappings) {
    const label = labelOf(m.target);
    const group = groups.get(label) ?? { target: m.target, names: new Set<string>(), mappings: [] };
    group.names.add(m.name);
    group.mappings.push(m);
    groups.set(label, group);
  }
  return groups;
}

/** Every value the mappings ask for, by variable; one request per target and batch, in order. */
async function readValues(
  client: BrokerClient,
  mappings: readonly SecretMapping[],
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const group of groupTargets(mappings).values()) {
    const values = await client.batchGetAll(group.target, [...group.names]);
    // batchGetAll answers every name or throws, so each mapping finds its value.
    for (const m of group.mappings) env[m.env] = values.get(m.name) ?? '';
  }
  return env;
}

/** The requests of `--all-secrets` and each `--scope-all`: every key listed there now. */
async function wholeTargets(client: BrokerClient, targets: readonly Target[]): Promise<SecretRequest[]> {
  const requests: SecretRequest[] = [];
  for (const target of targets) {
    for (const { key } of await listAll(client, target)) requests.push({ target, name: key });
  }
  return requests;
}

/** Options of {@link execCommand}. */
export interface ExecCommandOptions {
  /** The command's collaborators. */
  readonly context: ContextFactory;
  /** Sets the CLI's exit code (the command's own). */
  readonly exit: (code: number) => void;
}

/** Builds the `exec` command. */
export function execCommand(options: ExecCommandOptions) {
  const collect = (value: string, previous: string[]) => [...previous, value];
  return new Command('exec')
    .description('run a command with secrets in its environment (never on its command line)')
    .usage(
      '[--secret LIST]... [--scope-secret LIST]... [--all-secrets] [--scope-all SCOPE]... [--toolhive] -- <command> [args...]',
    )
    .option(
      '--secret <NAME[,target=ENV][,NAME...]>',
      'user secrets, each as ENV or as its own name (repeatable)',
      collect,
      [],
    )
    .option(
      '--scope-secret <SCOPE:NAME[,target=ENV][,NAME...]>',
      "a scope's system secrets, each as ENV or as its own name (repeatable)",
      collect,
      [],
    )
    .option('--all-secrets', 'every user secret, each as the variable of its own name')
    .option(
      '--scope-all <scope>',
      'every system secret of a scope, each as its own name (repeatable)',
      collect,
      [],
    )
    .option(
      '--toolhive',
      "name every variable TOOLHIVE_SECRET_<name>, as ToolHive's environment provider reads it",
    )
    .argument('<command...>', 'the command and its arguments, after --')
    .addHelpText('after', HELP)
    .action(async (argv, opts) => {
      const toolhive = opts.toolhive === true;
      const listed = [
        ...opts.secret.flatMap((spec) => parseSecretList(spec, '--secret')),
        ...opts.scopeSecret.flatMap((spec) => parseSecretList(spec, '--scope-secret')),
      ];
      // The command line is checked before anything is listed or read.
      checkMappings(nameVariables(listed, toolhive));
      const whole: Target[] = [
        ...(opts.allSecrets ? [{ kind: 'user' } as const] : []),
        ...opts.scopeAll.map((scope) => ({ kind: 'scope', scope }) as const),
      ];
      const { client, io } = options.context();
      const requests = [...listed, ...(await wholeTargets(client, whole))];
      const mappings = checkMappings(nameVariables(requests, toolhive));
      const env = await readValues(client, mappings);
      const [command, ...args] = argv as [string, ...string[]];
      options.exit(await runCommand(command, args, env, io));
    });
}
