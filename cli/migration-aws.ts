/**
 * The deployed migration backend: `start` starts an execution of the job's state machine, `status`
 * reads the flag and lists the executions, `plan` invokes the job's function for a dry run. The SDK
 * clients are loaded only when a `migrate` command runs, and use the standard credential chain.
 */

import type { BackendOptions, ExecutionInfo, MigrationBackend } from '../core/migration-operator.js';
import { UsageError } from './errors.js';

const need = (value: string | undefined, option: string, output: string): string => {
  if (value === undefined || value === '')
    throw new UsageError(`${option} is required against a deployed stack (stack output ${output})`);
  return value;
};

/** The backend for a deployed stack. */
export async function awsMigrationBackend(options: BackendOptions): Promise<MigrationBackend> {
  const region = options.region ?? options.env.AWS_REGION ?? options.env.AWS_DEFAULT_REGION;
  const config = region === undefined ? {} : { region };
  return {
    async plan() {
      const functionName = need(options.functionName, '--function', 'MigrationFunctionName');
      const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
      const out = await new LambdaClient(config).send(
        new InvokeCommand({
          FunctionName: functionName,
          Payload: Buffer.from(JSON.stringify({ step: 'plan' })),
        }),
      );
      const text = Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8');
      if (out.FunctionError) throw new Error(`the plan step failed: ${text.slice(0, 500)}`);
      return JSON.parse(text);
    },
    async start({ name }) {
      const stateMachineArn = need(
        options.stateMachineArn,
        '--state-machine-arn',
        'MigrationStateMachineArn',
      );
      const { SFNClient, StartExecutionCommand } = await import('@aws-sdk/client-sfn');
      const executionName =
        name ??
        `legacy-migration-${new Date()
          .toISOString()
          .replace(/[^0-9]/g, '')
          .slice(0, 14)}`;
      const out = await new SFNClient(config).send(
        new StartExecutionCommand({ stateMachineArn, name: executionName, input: '{}' }),
      );
      return {
        executions: [
          { name: executionName, status: 'RUNNING', startedAt: out.startDate?.toISOString() ?? '' },
        ],
        alreadyDone: false,
        finished: false,
      };
    },
    async status() {
      const stateMachineArn = need(
        options.stateMachineArn,
        '--state-machine-arn',
        'MigrationStateMachineArn',
      );
      const flagParameter = need(options.flagParameter, '--flag-parameter', 'MigrationFlagParameter');
      const [
        { SFNClient, ListExecutionsCommand, DescribeExecutionCommand },
        { SSMClient, GetParameterCommand },
      ] = await Promise.all([import('@aws-sdk/client-sfn'), import('@aws-sdk/client-ssm')]);
      const sfn = new SFNClient(config);
      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 20 }));
      const executions: ExecutionInfo[] = [];
      for (const e of listed.executions ?? []) {
        let error: string | undefined;
        if (e.status === 'FAILED' && e.executionArn) {
          const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
          error = `${d.error ?? 'failed'}: ${(d.cause ?? '').slice(0, 2000)}`;
        }
        executions.push({
          name: e.name ?? '',
          status: e.status ?? '',
          ...(e.startDate ? { startedAt: e.startDate.toISOString() } : {}),
          ...(e.stopDate ? { stoppedAt: e.stopDate.toISOString() } : {}),
          ...(error ? { error } : {}),
        });
      }
      let flag: string | undefined;
      try {
        flag = (await new SSMClient(config).send(new GetParameterCommand({ Name: flagParameter }))).Parameter
          ?.Value;
      } catch (e) {
        if ((e as Error).name !== 'ParameterNotFound') throw e;
      }
      return { flag, executions };
    },
  };
}
