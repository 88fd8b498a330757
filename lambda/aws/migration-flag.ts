/**
 * The migration's done-flag in SSM Parameter Store: read by the user provider (legacy names are
 * held until it is set) and the legacy fallback, written once by the migration job's last step.
 * The SSM client module is loaded on first use, so a function that never needs the flag (or needs
 * it only for legacy names) pays nothing for it at cold start.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import { isDoneFlag } from '../../core/index.js';
import { awsErrorName } from './errors.js';

/** Makes (or hands over) the SSM client, once, when the flag is first needed. */
export type SsmClientSource = () => SSMClient | Promise<SSMClient>;

/** The SSM client made once from `source` (a client or a source), on first call. */
export function ssmClientOnce(source: SSMClient | SsmClientSource): () => Promise<SSMClient> {
  const make: SsmClientSource = typeof source === 'function' ? source : () => source;
  let client: Promise<SSMClient> | undefined;
  return () => {
    client ??= Promise.resolve().then(make);
    return client;
  };
}

/** An SSM client with the Lambda environment's defaults, its module loaded on demand. */
export const lazySsmClient: SsmClientSource = async () => {
  const { SSMClient } = await import('@aws-sdk/client-ssm');
  return new SSMClient({});
};

/** Reads the flag parameter's value; undefined when the parameter does not exist. */
export async function readMigrationFlag(
  client: SSMClient,
  parameterName: string,
): Promise<string | undefined> {
  const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
  try {
    const out = await client.send(new GetParameterCommand({ Name: parameterName }));
    return out.Parameter?.Value;
  } catch (error) {
    if (awsErrorName(error) === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/** Writes the flag parameter (the migration's finish step; the value is a summary of counts, never a secret). */
export async function writeMigrationFlag(
  client: SSMClient,
  parameterName: string,
  value: string,
): Promise<void> {
  const { PutParameterCommand } = await import('@aws-sdk/client-ssm');
  await client.send(
    new PutParameterCommand({ Name: parameterName, Value: value, Type: 'String', Overwrite: true }),
  );
}

/**
 * A function answering whether the migration has finished. Once it has, the answer is cached for
 * the life of the process: the flag only ever goes from unset to done.
 */
export function migrationFlagReader(
  source: SSMClient | SsmClientSource,
  parameterName: string,
): () => Promise<boolean> {
  const client = ssmClientOnce(source);
  let done = false;
  return async () => {
    if (done) return true;
    done = isDoneFlag(await readMigrationFlag(await client(), parameterName));
    return done;
  };
}
