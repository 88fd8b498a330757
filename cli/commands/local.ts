/**
 * `thv-broker local credentials <principal>`: the key pair that acts as one principal of the local
 * AWS endpoint (`npm start` enforces the stack's IAM, docs/design.md §6), as `export` lines for a shell, so
 * the AWS CLI or any SDK can call it as that principal. Only a clone has local mode: the entry point
 * plugs the principals in (they come from the synthesized stack, which the CLI may not import).
 */
import { Command } from '@commander-js/extra-typings';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** One principal of the local endpoint, as the entry point hands it over. */
export interface LocalPrincipalInfo {
  readonly name: string;
  readonly description: string;
  readonly roleArn: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The principals of the local endpoint for the `BROKER_*` settings in `env` (plugged in by bin/thv-broker.js). */
export type LocalPrincipalsSource = (
  env: Readonly<Record<string, string | undefined>>,
) => Promise<readonly LocalPrincipalInfo[]>;

/** What the local command is built from. */
export interface LocalDeps {
  readonly io: CliIo;
  /** `--json` of the program. */
  readonly json: () => boolean;
  /** The entry point's extensions; `localPrincipals` among them in a clone. */
  readonly extensions: object;
}

const REGION = 'us-east-1';

function sourceOf(extensions: object): LocalPrincipalsSource {
  const source = (extensions as { localPrincipals?: unknown }).localPrincipals;
  if (typeof source !== 'function')
    throw new UsageError(
      'local credentials are for the local broker (npm start), which only a clone of thv-secret-broker has: run it from a clone',
    );
  return source as LocalPrincipalsSource;
}

/** Builds `thv-broker local`. */
export function localCommand(deps: LocalDeps) {
  const { io } = deps;
  const endpoint = (): string => `http://127.0.0.1:${io.env.BROKER_AWS_PORT || 4566}`;
  const credentials = new Command('credentials')
    .description(
      'print the key pair that acts as <principal> on the local AWS endpoint (export lines; --json; --list names them)',
    )
    .argument(
      '[principal]',
      'admin, developer, service:<scope>, user-function, scope-function:<scope>, migration',
    )
    .option('--list', 'name every principal, with its access key id and what it stands for')
    .action(async (name, options) => {
      const principals = await sourceOf(deps.extensions)(io.env);
      if (options.list) {
        if (deps.json())
          io.stdout.write(
            `${JSON.stringify(principals.map(({ name: n, description, roleArn }) => ({ name: n, description, roleArn })))}\n`,
          );
        else for (const p of principals) io.stdout.write(`${p.name}\t${p.accessKeyId}\t${p.description}\n`);
        return;
      }
      if (name === undefined) throw new UsageError('name a principal, or pass --list to see them');
      const p = principals.find((x) => x.name === name);
      if (p === undefined)
        throw new UsageError(
          `no local principal ${JSON.stringify(name)}: one of ${principals.map((x) => x.name).join(', ')}`,
        );
      if (deps.json()) {
        const out = {
          principal: p.name,
          roleArn: p.roleArn,
          accessKeyId: p.accessKeyId,
          secretAccessKey: p.secretAccessKey,
          region: REGION,
          endpoint: endpoint(),
        };
        io.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      io.stdout.write(
        [
          `export AWS_ACCESS_KEY_ID=${p.accessKeyId}`,
          `export AWS_SECRET_ACCESS_KEY=${p.secretAccessKey}`,
          'unset AWS_SESSION_TOKEN AWS_PROFILE',
          `export AWS_REGION=${REGION} AWS_DEFAULT_REGION=${REGION}`,
          `export AWS_ENDPOINT_URL=${endpoint()}`,
          '',
        ].join('\n'),
      );
    });
  return new Command('local')
    .description(
      'the local broker (npm start): credentials of the principals its AWS endpoint enforces IAM for',
    )
    .addCommand(credentials);
}
