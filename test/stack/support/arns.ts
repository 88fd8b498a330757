/** ARNs in the fixed test account and region: what the resolver of policies.ts prints, and pinned expectations. */
import { placeArns } from '../../../local/iam/template-policies.js';
import { ACCOUNT, REGION } from './synth.js';

const arns = placeArns({ account: ACCOUNT, region: REGION });

/** ARN of the secrets named by `name` (IAM wildcards allowed). */
export const secretArn = arns.secret;

/** ARN of the test account's role `name` (a role of the template resolves to its logical id as name). */
export const roleArn = arns.role;

/** `execute-api:Invoke` ARN of `path` on the prod stage of the API with logical id `apiId`, any method. */
export const invokeArn = (apiId: string, path: string, method = '*'): string =>
  `arn:aws:execute-api:${REGION}:${ACCOUNT}:${apiId}/prod/${method}${path}`;

/** ARN of the test key with logical id `keyId`. */
export const keyArn = arns.key;

/** ARN of the log group with logical id `id`, as log-write grants name it. */
export const logGroupArn = arns.logGroup;

/** ARN of the function with logical id `id`, as the resolver prints `Fn::GetAtt [id, Arn]`. */
export const functionArn = arns.function;

/** ARN of the state machine named `name`. */
export const stateMachineArn = arns.stateMachine;

/** ARN of the execution `execution` of the state machine named `name`. */
export const executionArn = arns.execution;

/** ARN of the SSM parameter `name` (absolute, leading `/`). */
export const parameterArn = arns.parameter;
