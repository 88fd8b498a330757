/** Reads the migration's done-flag from SSM Parameter Store, for the legacy fallback. */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { awsErrorName } from './errors.js';

/** Value prefix that marks the migration finished (the rest is a summary). */
export const MIGRATION_DONE = 'done';

/**
 * A function answering whether the migration has finished. Once it has, the answer is cached for
 * the life of the process: the flag only ever goes from unset to done.
 */
export function migrationFlagReader(client: SSMClient, parameterName: string): () => Promise<boolean> {
  let done = false;
  return async () => {
    if (done) return true;
    try {
      const out = await client.send(new GetParameterCommand({ Name: parameterName }));
      done = (out.Parameter?.Value ?? '').startsWith(MIGRATION_DONE);
    } catch (error) {
      if (awsErrorName(error) !== 'ParameterNotFound') throw error;
    }
    return done;
  };
}
