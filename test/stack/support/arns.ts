/** ARNs in the fixed test account and region: what the resolver of policies.ts prints, and pinned expectations. */
import { ACCOUNT, REGION } from './synth.js';

/** ARN of the secrets named by `name` (IAM wildcards allowed). */
export const secretArn = (name: string): string =>
  `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;

/** ARN of the test account's role `name` (a role of the template resolves to its logical id as name). */
export const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;

/** `execute-api:Invoke` ARN of `path` on the prod stage of the API with logical id `apiId`, any method. */
export const invokeArn = (apiId: string, path: string, method = '*'): string =>
  `arn:aws:execute-api:${REGION}:${ACCOUNT}:${apiId}/prod/${method}${path}`;

/** ARN of the test key with logical id `keyId`. */
export const keyArn = (keyId: string): string => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;

/** ARN of the log group with logical id `id`, as log-write grants name it. */
export const logGroupArn = (id: string): string => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${id}:*`;

/** ARN of the function with logical id `id`, as the resolver prints `Fn::GetAtt [id, Arn]`. */
export const functionArn = (id: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${id}`;

/** ARN of the state machine named `name`. */
export const stateMachineArn = (name: string): string =>
  `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;

/** ARN of the execution `execution` of the state machine named `name`. */
export const executionArn = (name: string, execution: string): string =>
  `arn:aws:states:${REGION}:${ACCOUNT}:execution:${name}:${execution}`;

/** ARN of the SSM parameter `name` (absolute, leading `/`). */
export const parameterArn = (name: string): string => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name}`;
